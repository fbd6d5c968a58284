/** Messages between the throughput bench (parent) and its receiver child, over the IPC channel. */
import type { Protocol, VerifyMode } from './throughput-schema.ts';

/** Where the receiver listens and the sender connects. */
export const LOOPBACK = '127.0.0.1';

/** Parent → child, once, right after the child starts. */
export interface ReceiverConfig {
  type: 'configure';
  /** One listener per protocol, all in the one child, so the child's CPU placement hits every protocol alike. */
  protocols: Protocol[];
  /** Bytes every transfer must deliver. */
  totalBytes: number;
  verify: VerifyMode;
  /** SHA-256 (hex) of the stream the sender will send; null when verify is 'count'. */
  expectedSha256: string | null;
  /** ASoc only: the community and the API key, both made up at run time by the parent. */
  community: string;
  apiKey: string;
}

export type ReceiverPorts = Partial<Record<Protocol, number>>;

/** Child → parent. One `listening` after configure, then one `done` per transfer, in order. */
export type ReceiverMessage =
  | { type: 'listening'; ports: ReceiverPorts }
  | { type: 'done'; protocol: Protocol; bytes: number; verified: boolean; sha256: string | null; cpuSeconds: number }
  | { type: 'failed'; message: string };

/** Messages between the throughput bench (parent, the client side) and its server child, over the IPC channel. */
import type { BaselineSecrets, ByteCounts } from '../src/baselines/types.ts';
import type { ProcessReading } from './process-meter.ts';
import type { Delivery } from './throughput-delivery.ts';
import type { VerifyMode } from './throughput-schema.ts';

/** What one side sends in a run. */
export interface SendPlan {
  /** Bytes this side sends, split across its sessions… */
  totalBytes: number | null;
  /** …or how long each session sends. */
  durationMs: number | null;
}

/** Parent → child, in this order: configure once; per run begin, go, then finish; sample any time during a run. */
export type ParentMessage =
  | {
      type: 'configure';
      /** One server per protocol, all in the one child, so the child's CPU placement hits every protocol alike. */
      protocols: string[];
      secrets: BaselineSecrets;
      verify: VerifyMode;
      chunkSize: number;
      /** The sender's pattern (base64), so the child can send the very same bytes. */
      pattern: string;
    }
  /** The next `parallel` sessions of `protocol` are this run's; `send`: what the child sends on them at `go` (null: nothing). */
  | { type: 'begin'; protocol: string; parallel: number; send: SendPlan | null }
  | { type: 'go' }
  | { type: 'sample' }
  | { type: 'finish' };

/** Child → parent. */
export type ChildMessage =
  | { type: 'listening'; ports: Record<string, number> }
  | { type: 'ready' }
  /** A transfer from the parent ended at the child. */
  | { type: 'delivered'; delivery: Delivery }
  /** The child's own sends of the run are done: bytes per session. */
  | { type: 'sent'; bytes: number[] }
  | { type: 'sample'; bytes: number }
  | { type: 'finished'; cpuSeconds: number; memory: ProcessReading; setupBytes: ByteCounts[] }
  | { type: 'failed'; message: string };

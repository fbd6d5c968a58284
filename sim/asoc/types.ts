/** The public types of the simulated ASoc node (sim-node.ts), apart so its helpers can share them. */
import type { AdmissionSettings } from '../../src/core/admission.ts';
import type { ConnectionLimits } from '../../src/core/connection.ts';
import type { AuthFailure, CloseReason } from '../../src/core/events.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import type { CryptoBackend } from '../../src/crypto/backend.ts';
import type { SendReceipt } from '../../src/driver/connection-driver.ts';
import type { DialStep } from '../../src/driver/dialer.ts';
import type { PeerInfo } from '../../src/driver/peer.ts';
import type { Host } from '../host.ts';
import type { Simulation } from '../simulation.ts';

export type { SendReceipt } from '../../src/driver/connection-driver.ts';
export type { PeerInfo } from '../../src/driver/peer.ts';

/**
 * CPU time per ASoc frame (and per discovery datagram), charged on the host's CPU (host.cpu.run)
 * on top of the per-packet costs the simulator charges for every TCP segment and UDP datagram.
 */
export interface FrameCpuCosts {
  sendPerFrameMs: number;
  receivePerFrameMs: number;
}

export const FREE_FRAMES: Readonly<FrameCpuCosts> = { sendPerFrameMs: 0, receivePerFrameMs: 0 };

export interface SimAsocNodeOptions {
  sim: Simulation;
  host: Host;
  community: string;
  /** The cluster's shared secret. */
  apiKey: Uint8Array;
  /** 16 bytes; default: drawn from the seeded stream `asoc-node-id:<host name>`. */
  nodeId?: Uint8Array;
  /** The node's Ed25519 seed (subduction); default: drawn from the seeded stream `asoc-identity:<host name>`. */
  identity?: Uint8Array;
  /** TCP port to listen on and to announce (default 9000). */
  port?: number;
  /** Peers dialed from start() and redialed forever; `nodeId` (32 hex digits) pins one to the node that must answer. */
  staticPeers?: { address: string; port: number; nodeId?: string }[];
  /** UDP discovery on the host's links/switch (default: off). */
  discovery?: false | { port?: number };
  /**
   * Most discovered peers this node dials at once (default: no limit). The dial rule still
   * applies (only the smaller node id dials); discovered peers beyond the limit are not dialed.
   */
  maxDialedPeers?: number;
  profile?: AsocProfile;
  /** Default SIM_CRYPTO: node:crypto with HMAC results remembered (memo-crypto.ts; same verdicts, less wall time). */
  crypto?: CryptoBackend;
  limits?: Partial<ConnectionLimits>;
  admission?: Partial<AdmissionSettings>;
  /** Per-connection flow control (same meaning and defaults as src/driver/flow.ts's FlowSettings). */
  flow?: Partial<SimFlowSettings>;
  frameCosts?: Partial<FrameCpuCosts>;
  /** SHA-256 every inbound stream; 'stream-end' then carries the hex digest. Default false. */
  hashStreams?: boolean;
  /** TCP connect timeout for dials (default 5 s, src/driver/dialer.ts). */
  connectTimeoutMs?: number;
  /** The node's Unix clock, ms (default: the simulation's epoch plus the host's clock, never going back); a scenario may step it. */
  unixClock?: () => number;
}

export interface SimFlowSettings {
  /** Bytes queued in the core before a sender waits for the socket (per connection). */
  sendWindow: number;
  /** How long a confirmed send waits for the receiver's receipt once its END is queued. */
  receiptTimeoutMs: number;
}

export interface PeerDown {
  peer: PeerInfo;
  reason: CloseReason;
  detail: string;
}

export interface StreamInfo {
  peerKey: string;
  streamId: number;
}

export interface StreamEnd extends StreamInfo {
  bytes: number;
  frames: number;
  /** Hex SHA-256 of the stream's bytes, when the node hashes streams. */
  sha256?: string;
}

export interface StreamAborted extends StreamInfo {
  bytes: number;
  reason: string;
}

export interface SimAsocNodeEvents {
  'peer-up': [PeerInfo];
  'peer-down': [PeerDown];
  /** Any connection closed, established or not (a peer's close is also a peer-down). */
  'connection-closed': [{ address: string; reason: CloseReason; detail: string; established: boolean }];
  discovered: [{ nodeId: string; address: string; port: number }];
  'auth-failed': [{ address: string; port: number; reason: AuthFailure; direction: 'inbound' | 'outbound' }];
  /** An inbound connection refused before its handshake (connection limit or lockout). */
  refused: [{ address: string; reason: string }];
  'stream-opened': [StreamInfo];
  'stream-end': [StreamEnd];
  'stream-aborted': [StreamAborted];
  /** Every step of every dialer (also kept in dialLog). */
  dial: [DialRecord];
}

/** What a dialer did (src/driver/dialer.ts), with the peer and the virtual time it did it. */
export type DialRecord = DialStep & { peerKey: string; at: number };

/** Evidence counters of one node; wire bytes include frame headers. Closed connections are included. */
export interface SimAsocNodeCounters {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
  payloadBytesIn: number;
  payloadBytesOut: number;
  handshakePayloadBytes: number;
  /** Connections that completed the handshake (either direction). */
  handshakes: number;
  /** Handshakes that failed authentication, by either side. */
  authFailures: number;
  connectionsClosed: Partial<Record<CloseReason, number>>;
  streamsSent: number;
  streamsReceived: number;
  streamsAborted: number;
  dialAttempts: number;
}

export interface SendOptions {
  /** Bytes per sendData call (default: the connection's frame chunk size, 1 MiB). */
  chunkSize?: number;
  /** Wait for the receiver's receipt (default true); false: done once everything is handed to TCP. */
  confirm?: boolean;
  onDone?: (receipt: SendReceipt) => void;
  onError?: (error: Error) => void;
}

/** The public types of the simulated ASoc node (sim-node.ts), apart so its helpers can share them. */
import type { CloseReason } from '../../src/core/events.ts';
import type { NodeEvents, NodeOptions } from '../../src/driver/asoc-node-base.ts';
import type { SendReceipt } from '../../src/driver/connection-driver.ts';
import type { DialStep } from '../../src/driver/dialer.ts';
import type { FlowSettings } from '../../src/driver/flow.ts';
import type { Host } from '../host.ts';
import type { Simulation } from '../simulation.ts';

export type { PeerDown } from '../../src/driver/asoc-node-base.ts';
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

/** Options both nodes take are src/driver/asoc-node-base.ts's; a node id is drawn from the seeded stream `asoc-node-id:<host name>` when absent, crypto defaults to SIM_CRYPTO. */
export interface SimAsocNodeOptions extends Omit<NodeOptions, 'staticPeers'> {
  sim: Simulation;
  host: Host;
  /** TCP port to listen on and to announce (default 9000). */
  port?: number;
  /** Peers dialed from start() and redialed forever; `nodeId` (32 hex digits) pins one to the node that must answer. */
  staticPeers?: { address: string; port: number; nodeId?: string }[];
  /** UDP discovery on the host's links/switch (default: off). */
  discovery?: false | { port?: number };
  /** Per-connection flow control (default src/driver/flow.ts's DEFAULT_FLOW). */
  flow?: Partial<FlowSettings>;
  frameCosts?: Partial<FrameCpuCosts>;
  /** SHA-256 every inbound stream; 'stream-end' then carries the hex digest. Default false. */
  hashStreams?: boolean;
  /** The node's Unix clock, ms (default: the simulation's epoch plus the host's clock, never going back); a scenario may step it. */
  unixClock?: () => number;
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

/** The simulated node's events beyond the ones every node has (src/driver/asoc-node-base.ts's NodeEvents). */
export interface SimNodeEvents {
  'stream-opened': [StreamInfo];
  'stream-end': [StreamEnd];
  'stream-aborted': [StreamAborted];
  /** Every step of every dialer (also kept in dialLog). */
  dial: [DialRecord];
}

export type SimAsocNodeEvents = NodeEvents & SimNodeEvents;

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

/** How SimAsocNode.transfer sends (send takes only `confirm`). */
export interface TransferOptions {
  /** Bytes per sendData call (default: the connection's frame chunk size, 1 MiB). */
  chunkSize?: number;
  /** Wait for the receiver's receipt (default true); false: done once everything is handed to TCP. */
  confirm?: boolean;
  onDone?: (receipt: SendReceipt) => void;
  onError?: (error: Error) => void;
}

/**
 * One client connection that speaks the protocol with the real core (src/core AsocConnection,
 * role client) from any simulated host: a legitimate client probing whether a server under attack
 * still serves it, an intruder whose HELLO is signed with the wrong key, or an insider who holds the
 * key and, once the handshake is done, writes raw bytes the core would never send.
 *
 * What it records is what the client saw: when the handshake completed, why and when the
 * connection ended (the core's close reason, or the TCP close), and every byte the server sent.
 */
import { createHash } from 'node:crypto';
import { AsocConnection, type ConnectionLimits } from '../../../src/core/connection.ts';
import type { CloseReason as CoreCloseReason, ConnectionEvent } from '../../../src/core/events.ts';
import type { AsocProfile } from '../../../src/core/profile.ts';
import type { RandomSource } from '../../../src/core/random.ts';
import type { CryptoBackend } from '../../../src/crypto/backend.ts';
import { nodeBackend } from '../../../src/crypto/backend.ts';
import { concatBytes } from '../../../src/wire/bytes.ts';
import { encodeHeader } from '../../../src/wire/frame.ts';
import { SIM_EPOCH_MS } from '../../../sim/asoc/sim-transport.ts';
import { SocketDriver } from '../../../sim/asoc/socket-driver.ts';
import type { Host } from '../../../sim/host.ts';
import type { CloseReason as TcpCloseReason } from '../../../sim/tcp/tcp-socket.ts';
import { WriteQueue } from './raw-tcp-client.ts';

export interface CoreClientOptions {
  host: Host;
  address: string;
  port: number;
  profile: AsocProfile;
  apiKey: Uint8Array;
  nodeId: Uint8Array;
  random: RandomSource;
  crypto?: CryptoBackend;
  limits?: Partial<ConnectionLimits>;
  /** The client's Unix clock minus its own clock, ms (default: the simulator's epoch). */
  unixOffsetMs?: number;
  /** Its Ed25519 seed (subduction; default: the SHA-256 of its node id, which draws nothing from `random`). */
  identity?: Uint8Array;
}

export interface CoreClientRecord {
  openedAt: number;
  establishedAt: number | null;
  /** The client core's reason when it closed the connection itself (timeout, auth failure …). */
  coreCloseReason: CoreCloseReason | null;
  /** How TCP ended: the server's FIN ('normal'), a reset, or the client's own destroy. */
  tcpCloseReason: TcpCloseReason | null;
  closedAt: number | null;
  bytesReceived: number;
}

export class CoreClient {
  readonly core: AsocConnection;
  readonly driver: SocketDriver<ConnectionEvent>;
  readonly record: CoreClientRecord;
  /** The node id its HELLO carries. */
  readonly nodeId: Uint8Array;
  private readonly rawQueue: WriteQueue;
  private readonly wireVersion: number;
  private readonly host: Host;
  private readonly onEstablished: (() => void)[] = [];
  private readonly onClosed: (() => void)[] = [];

  constructor(options: CoreClientOptions) {
    const { host } = options;
    this.host = host;
    this.wireVersion = options.profile.wireVersion;
    this.nodeId = options.nodeId;
    const socket = host.tcp.connect(options.address, options.port);
    this.record = { openedAt: host.scheduler.now, establishedAt: null, coreCloseReason: null, tcpCloseReason: null, closedAt: null, bytesReceived: 0 };
    this.core = clientCore(options, host.now());
    this.driver = new SocketDriver(host, socket, this.core, {
      onEvent: (event) => {
        if (event.type === 'established') {
          this.record.establishedAt = host.scheduler.now;
          // Next event, not inside the core's pump: handlers write and destroy.
          host.scheduler.after(0, () => this.onEstablished.forEach((fn) => fn()));
        }
        if (event.type === 'closed') {
          this.record.coreCloseReason = event.reason;
          if (this.socket.state !== 'CLOSED') this.socket.destroy();
        }
      },
      onEnd: () => this.socket.end(),
      onClose: (reason) => {
        this.record.tcpCloseReason = reason;
        this.record.closedAt = host.scheduler.now;
        this.record.bytesReceived = this.socket.stats.bytesReceived;
        this.rawQueue.clear();
        this.onClosed.forEach((fn) => fn());
      },
    });
    this.rawQueue = new WriteQueue(socket);
    const pumpWhenWritable = socket.onWritable;
    socket.onWritable = () => {
      this.rawQueue.flush();
      pumpWhenWritable?.();
    };
  }

  get socket() {
    return this.driver.socket;
  }

  get established(): boolean {
    return this.record.establishedAt !== null;
  }

  get isOpen(): boolean {
    return this.record.closedAt === null;
  }

  /** Runs `fn` once the handshake completed (never, if it does not). */
  whenEstablished(fn: () => void): void {
    this.onEstablished.push(fn);
  }

  /** Runs `fn` when the connection has closed. */
  whenClosed(fn: () => void): void {
    this.onClosed.push(fn);
  }

  /**
   * Writes bytes past the core, straight onto the connection (an insider's crafted frames), as fast
   * as the send buffer takes them. Only once the handshake is done, so they follow the core's frames.
   */
  writeRaw(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    this.rawQueue.push(bytes);
    this.rawQueue.flush();
  }

  /**
   * One frame as this client's session seals it: the lab's hook for a key holder that misbehaves.
   * The header is written as given (any type, stream, seq or version) and, where the profile protects
   * frames, the payload is sealed with this connection's own session keys, so the frame authenticates
   * and the server judges what it says. Each call takes the session's next nonce (its frame counter):
   * write the frames in the order they were made, and only once the handshake is done.
   */
  sealedFrame(type: number, streamId: number, seq: number, payload: Uint8Array, version: number = this.wireVersion): Uint8Array {
    // The connection keeps its protection to itself; an insider holds the same keys, so the lab reaches in.
    const protection = this.core['protection'];
    if (protection === null) return concatBytes(encodeHeader(type, streamId, seq, payload.length, version), payload);
    const header = encodeHeader(type, streamId, seq, payload.length + protection.tagSize, version);
    return concatBytes(header, ...protection.seal(header, payload, this.host.now()));
  }

  /** Raw bytes the socket has taken so far. */
  get rawBytesWritten(): number {
    return this.rawQueue.written;
  }

  /** Bytes the server sent so far (all TCP payload, read by the core or not). */
  get bytesReceived(): number {
    return this.socket.stats.bytesReceived;
  }
}

/**
 * The bytes a client of `profile` sends first (its HELLO frame), made by the real core without a
 * connection: what an attacker starts from to tamper with a signature byte by byte. `now` is the
 * sending host's clock (host.now()); hardened HELLOs carry it as Unix time, like a node's.
 */
export function clientHelloBytes(options: Omit<CoreClientOptions, 'host' | 'address' | 'port'>, now: number): Uint8Array {
  return concatBytes(...(clientCore(options, now).pollTransmit() ?? []));
}

/** A client core on a simulated host's clock `now`; Unix time is the simulator's epoch plus that clock. */
function clientCore(options: Omit<CoreClientOptions, 'host' | 'address' | 'port'>, now: number): AsocConnection {
  const { profile, nodeId, apiKey, random, limits } = options;
  const identity = options.identity ?? new Uint8Array(createHash('sha256').update(nodeId).digest());
  return new AsocConnection({ role: 'client', profile, nodeId, identity, apiKey, crypto: options.crypto ?? nodeBackend, random, now, unixOffsetMs: options.unixOffsetMs ?? SIM_EPOCH_MS, limits });
}

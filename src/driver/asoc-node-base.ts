/**
 * What an ASoc node is on any environment (node-environment.ts): the orchestration wired to it,
 * its reports as events, the peer table, waitForPeer and a promise-based send. AsocNode (src/net,
 * real sockets) and SimAsocNode (sim/asoc, a simulated host) are this class plus how they listen,
 * drive a connection and feed a send; a workload written against AsocNodeApi runs on either.
 */
import { EventEmitter } from 'node:events';
import type { AdmissionSettings } from '../core/admission.ts';
import type { AsocConnection, ConnectionLimits } from '../core/connection.ts';
import type { HandshakeRegistry } from '../core/handshake-registry.ts';
import type { AuthFailure, CloseReason } from '../core/events.ts';
import { ASOC_V1, type AsocProfile } from '../core/profile.ts';
import type { RandomSource } from '../core/random.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import type { SendReceipt } from './connection-driver.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './dialer.ts';
import type { IncomingStream } from './incoming-stream.ts';
import type { NodeEnvironment } from './node-environment.ts';
import { NodeOrchestrator, type ConnectionLifecycle, type NodeConnection, type NodeReports, type StaticPeer } from './orchestrator.ts';
import { PeerNotFoundError, type PeerDirection, type PeerInfo } from './peer.ts';
import type { DatagramSocket } from './transport.ts';

export interface PeerDown {
  peer: PeerInfo;
  reason: CloseReason;
  detail: string;
}

export interface AuthFailed {
  address: string;
  port: number;
  reason: AuthFailure;
  direction: PeerDirection;
}

export interface ConnectionClosed {
  address: string;
  port: number;
  direction: PeerDirection;
  reason: CloseReason;
  detail: string;
  /** False for a connection that never completed its handshake (a failed handshake). */
  established: boolean;
}

export interface NodeEvents {
  'peer-up': [PeerInfo];
  /** An established connection closed. */
  'peer-down': [PeerDown];
  /** A peer opened a stream; nobody listening: it is read and dropped. */
  stream: [IncomingStream];
  'auth-failed': [AuthFailed];
  /** An inbound connection refused before its handshake (connection limit, lockout, too many handshakes from its address). */
  refused: [{ address: string; reason: string }];
  /** Any connection closed, established or not (an established one is also a peer-down). */
  'connection-closed': [ConnectionClosed];
  discovered: [{ nodeId: string; address: string; port: number }];
}

export interface SendOptions {
  /** Wait for the receiver's receipt (default); false: done once the transport took every byte. */
  confirm?: boolean;
}

/** What both nodes take, apart from how they reach the network. */
export interface NodeOptions {
  community: string;
  /** The cluster's shared secret (RFC-0002 §4.5). Never defaulted; how weak a key the profile takes is its handshake's (keyWarning). */
  apiKey: Uint8Array;
  /** 16 bytes; drawn from the environment's randomness when absent. */
  nodeId?: Uint8Array;
  /** The node's Ed25519 seed, for kinds whose peers are known by their keys (subduction); drawn from the environment's randomness when absent. */
  identity?: Uint8Array;
  profile?: AsocProfile;
  /** Where the profile's security kind is looked up (default: the lab's kinds; stt over UDP brings its own). */
  handshakes?: HandshakeRegistry;
  /** Default: the environment's. */
  crypto?: CryptoBackend;
  limits?: Partial<ConnectionLimits>;
  admission?: Partial<AdmissionSettings>;
  /** Peers dialed from start and redialed forever; a node id pins one to the node that must answer there. */
  staticPeers?: StaticPeer[];
  /** TCP connect timeout for dials (default 5 s, dialer.ts). */
  connectTimeoutMs?: number;
  /** Most discovered peers dialed at once (default: no limit; the dial rule still applies). */
  maxDialedPeers?: number;
}

/** What the wiring needs of a driver's connection. */
export interface DrivenConnection<Socket> extends NodeConnection {
  readonly socket: Socket;
  readonly core: AsocConnection;
  /** Closes gracefully: what is queued is still written, then FIN. */
  close(detail?: string): void;
}

/** The part of a node a workload uses; AsocNode and SimAsocNode both are one. */
export interface AsocNodeApi {
  readonly nodeIdHex: string;
  peers(): PeerInfo[];
  waitForPeer(match?: string | ((peer: PeerInfo) => boolean), timeoutMs?: number): Promise<PeerInfo>;
  send(peerKey: string, bytes: Uint8Array, options?: SendOptions): Promise<SendReceipt>;
  on(event: 'stream', listener: (stream: IncomingStream) => void): unknown;
  off(event: 'stream', listener: (stream: IncomingStream) => void): unknown;
}

/** How long a stop lets connections close gracefully before cutting them. */
export const STOP_GRACE_MS = 1_000;

type EventMap<T> = Record<keyof T, unknown[]>;

/** `Source`: what the driver's send streams (both take a Uint8Array, so both are an AsocNodeApi). */
export abstract class AsocNodeBase<Socket, Conn extends DrivenConnection<Socket>, Source, Extra extends EventMap<Extra> = Record<never, never>> extends EventEmitter<
  NodeEvents & Extra
> {
  readonly nodeId: Uint8Array;
  readonly nodeIdHex: string;
  /** The id a static peer pins this node by (`NODEID@host:port`): its node id, or its key for subduction; null where no client can pin. */
  readonly pinnedIdHex: string | null;
  readonly profile: AsocProfile;
  protected readonly orchestrator: NodeOrchestrator<Socket, Conn>;
  /** What the orchestration reports, as a subclass keeps it for its evidence; each runs before its event. */
  protected readonly evidence: Partial<NodeReports<Conn>> = {};
  private readonly staticPeers: StaticPeer[];
  private readonly discoveryRandom: RandomSource;

  constructor(
    protected readonly env: NodeEnvironment<Socket>,
    options: NodeOptions,
  ) {
    super();
    if (!options.community) throw new TypeError('community is required');
    if (!options.apiKey) throw new TypeError('apiKey is required');
    this.nodeId = options.nodeId ?? env.random('node-id').bytes(16);
    if (this.nodeId.length !== 16) throw new TypeError('nodeId must be 16 bytes');
    this.profile = options.profile ?? ASOC_V1;
    this.staticPeers = options.staticPeers ?? [];
    this.discoveryRandom = env.random('discovery');
    const events = this.events;
    this.orchestrator = new NodeOrchestrator({
      nodeId: this.nodeId,
      // Its own random stream: drawing it moves no other draw, so kinds that ignore it keep their traces.
      identity: options.identity ?? env.random('identity').bytes(32),
      profile: this.profile,
      handshakes: options.handshakes,
      community: options.community,
      apiKey: options.apiKey,
      crypto: options.crypto ?? env.crypto,
      limits: options.limits,
      admission: options.admission,
      now: env.now,
      unixNow: env.unixNow,
      random: env.random('connections'),
      dialRandom: env.random('dialing'),
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxDialedPeers: options.maxDialedPeers ?? Infinity,
      connector: env.connector,
      timers: env.timers,
      drive: (socket, core, lifecycle) => this.drive(socket, core, lifecycle),
      refuse: env.destroy,
      reports: {
        peerUp: (conn) => {
          this.evidence.peerUp?.(conn);
          events.emit('peer-up', conn.peer);
        },
        authFailed: (conn, reason, direction) => {
          this.evidence.authFailed?.(conn, reason, direction);
          events.emit('auth-failed', { address: conn.remoteAddress, port: conn.remotePort, reason, direction });
        },
        closed: (conn, reason, detail, direction) => {
          this.evidence.closed?.(conn, reason, detail, direction);
          if (conn.peer) events.emit('peer-down', { peer: conn.peer, reason, detail });
          events.emit('connection-closed', { address: conn.remoteAddress, port: conn.remotePort, direction, reason, detail, established: conn.peer !== null });
        },
        refused: (address, reason) => {
          this.evidence.refused?.(address, reason);
          events.emit('refused', { address, reason });
        },
        discovered: (peer) => events.emit('discovered', peer),
        dialStep: (peerKey, step) => this.evidence.dialStep?.(peerKey, step),
      },
    });
    this.nodeIdHex = this.orchestrator.nodeIdHex;
    this.pinnedIdHex = this.orchestrator.pinnedIdHex;
    this.orchestrator.checkStaticPeers(this.staticPeers);
  }

  /** Why the API key is weak, when the profile takes it all the same (v1; asoc-hardened refuses a weak key at construction). */
  get keyWarning(): string | null {
    return this.orchestrator.keyWarning;
  }

  get running(): boolean {
    return this.orchestrator.running;
  }

  /** Peers with an established connection (one entry per key; the first connection wins). */
  peers(): PeerInfo[] {
    return this.orchestrator.peers();
  }

  /** Connections open now, established or still in their handshake. */
  get connectionCount(): number {
    return this.orchestrator.connections.size;
  }

  /** Resolves with the first established peer that matches (any peer when no key is given). */
  waitForPeer(match?: string | ((peer: PeerInfo) => boolean), timeoutMs = 30_000): Promise<PeerInfo> {
    const test = typeof match === 'string' ? (p: PeerInfo) => p.key === match : (match ?? (() => true));
    const present = this.peers().find(test);
    if (present) return Promise.resolve(present);
    const events = this.events;
    return new Promise((resolve, reject) => {
      const onUp = (peer: PeerInfo) => {
        if (!test(peer)) return;
        cancelTimeout();
        events.off('peer-up', onUp);
        resolve(peer);
      };
      const cancelTimeout = this.env.timers.after(timeoutMs, () => {
        events.off('peer-up', onUp);
        const dialing = this.orchestrator.dialFailures();
        reject(new PeerNotFoundError(`${this.labelled('no matching peer')} within ${timeoutMs} ms (connected: ${this.connectedKeys()}${dialing.length ? `; dialing ${dialing.join('; ')}` : ''})`));
      });
      events.on('peer-up', onUp);
    });
  }

  /** Streams `source` to a peer as one ASoc stream; resolves with the receipt once the peer has every byte (or, unconfirmed, once the transport took them). */
  send(peerKey: string, source: Source, options: SendOptions = {}): Promise<SendReceipt> {
    const conn = this.orchestrator.connectionTo(peerKey);
    if (!conn) return Promise.reject(this.peerNotFound(peerKey));
    return this.sendOn(conn, source, options);
  }

  // ---- for the driver ----------------------------------------------------------------------

  /** Wraps a connected socket and its core into the driver's connection, reporting to `lifecycle`. */
  protected abstract drive(socket: Socket, core: AsocConnection, lifecycle: ConnectionLifecycle<Conn>): Conn;

  /** Streams `source` on an established connection. */
  protected abstract sendOn(conn: Conn, source: Source, options: SendOptions): Promise<SendReceipt>;

  /** The listener is up on `tcpPort`: dial the static peers, and announce and listen on `discovery` when given. */
  protected launch(tcpPort: number, discovery: DatagramSocket | null): void {
    this.orchestrator.start(this.staticPeers);
    if (discovery) this.orchestrator.startDiscovery(discovery, { tcpPort, random: this.discoveryRandom, ...this.env.discoveryClock });
  }

  /**
   * Stops dialing and discovery, closes the listener (`closeListener`, the driver's), and closes
   * every connection: queued frames are still written, then FIN; a socket not closed
   * STOP_GRACE_MS later is cut.
   */
  protected halt(closeListener: () => void): void {
    this.orchestrator.stop();
    closeListener();
    const connections = [...this.orchestrator.connections];
    for (const conn of connections) conn.close('node stopped');
    this.env.timers.after(STOP_GRACE_MS, () => {
      for (const conn of connections) this.env.destroy(conn.socket);
    });
  }

  protected get staticPeerCount(): number {
    return this.staticPeers.length;
  }

  /** Whether an inbound stream has a reader; without one the driver need not make an IncomingStream. */
  protected get wantsStreams(): boolean {
    return this.events.listenerCount('stream') > 0;
  }

  /** Hands an inbound stream to the application, or reads and drops it when nobody listens. */
  protected deliver(stream: IncomingStream): void {
    if (this.wantsStreams) this.events.emit('stream', stream);
    else void stream.discard().catch(() => {});
  }

  protected peerNotFound(peerKey: string): PeerNotFoundError {
    return new PeerNotFoundError(`${this.labelled('no connected peer')} "${peerKey}" (connected: ${this.connectedKeys()})`);
  }

  private connectedKeys(): string {
    return this.orchestrator.peerKeys().join(', ') || 'none';
  }

  private labelled(text: string): string {
    return this.env.label ? `${this.env.label}: ${text}` : text;
  }

  /** This node as an emitter of the shared events (a subclass's own events are added to them). */
  private get events(): EventEmitter<NodeEvents> {
    return this as unknown as EventEmitter<NodeEvents>;
  }
}

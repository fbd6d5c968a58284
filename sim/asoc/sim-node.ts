/**
 * SimAsocNode: the lab's ASoc node on a simulated Host. It runs the very core machines the real
 * node (src/net/node.ts) runs — AsocConnection, DiscoveryAgent, ReconnectPolicy, Admission,
 * shouldDialDiscovered, the profiles — and follows the same rules; only the I/O and the clock are
 * the simulator's. Everything is synchronous and event-driven on the simulation's scheduler: no
 * promises, no wall clock, randomness from seeded streams named after the host.
 *
 *   const sim = new Simulation({ seed: 1 });
 *   const node = new SimAsocNode({ sim, host, community: 'lab', apiKey, staticPeers: [{ address: '10.0.0.2', port: 9000 }] });
 *   node.on('peer-up', (peer) => node.send(peer.key, 64 * 2 ** 20, { onDone: (receipt) => … }));
 *   node.start();
 *   sim.scheduler.runUntil(() => …);
 *
 * One node per host (its random streams are named after the host and can be taken once).
 */
import { EventEmitter } from 'node:events';
import { Admission, type AdmissionCounters } from '../../src/core/admission.ts';
import { AsocConnection, DEFAULT_LIMITS, type ConnectionStats } from '../../src/core/connection.ts';
import { shouldDialDiscovered } from '../../src/core/dial-rule.ts';
import type { DiscoveryCounters } from '../../src/core/discovery-agent.ts';
import type { CloseReason } from '../../src/core/events.ts';
import { ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import type { CryptoBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { PeerNotFoundError } from '../../src/net/node.ts';
import type { PeerInfo } from '../../src/net/peer.ts';
import { DEFAULT_FLOW } from '../../src/net/socket-connection.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, Dialer } from '../../src/node/dialer.ts';
import { DiscoveryService } from '../../src/node/discovery-service.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { DEFAULT_DISCOVERY_PORT, DEFAULT_TCP_PORT } from '../../src/wire/discovery.ts';
import type { Host } from '../host.ts';
import type { SimRandom } from '../random.ts';
import type { TcpListener } from '../tcp/tcp-stack.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import { bufferSource, generatedSource } from './byte-source.ts';
import { SIM_CRYPTO } from './memo-crypto.ts';
import { SimConnection, type SimConnectionHandlers, type SimConnectionSettings } from './sim-connection.ts';
import { SIM_EPOCH_MS, simConnector, simEpochClock, simDatagramSocket, simDeadlineTimer, simTimers } from './sim-transport.ts';
import { Transfer } from './transfer.ts';
import { FREE_FRAMES, type DialRecord, type SendOptions, type SimAsocNodeCounters, type SimAsocNodeEvents, type SimAsocNodeOptions } from './types.ts';

export { PeerNotFoundError } from '../../src/net/node.ts';
export { FREE_FRAMES } from './types.ts';
export type * from './types.ts';

/** How long stop() lets connections close gracefully before destroying their sockets (as src/net). */
const STOP_GRACE_MS = 1_000;

interface Outbound {
  key: string;
  nodeId: string | null;
  source: 'static' | 'discovered';
  target: { address: string; port: number };
  dialer: Dialer<TcpSocket>;
}

const ZERO_STATS: Readonly<ConnectionStats> = {
  bytesSent: 0,
  bytesReceived: 0,
  framesSent: 0,
  framesReceived: 0,
  handshakePayloadBytes: 0,
  payloadBytesSent: 0,
  payloadBytesReceived: 0,
};

export class SimAsocNode extends EventEmitter<SimAsocNodeEvents> {
  readonly host: Host;
  readonly nodeId: Uint8Array;
  readonly nodeIdHex: string;
  readonly profile: AsocProfile;
  readonly port: number;
  /** Every dialer step, in order. */
  readonly dialLog: DialRecord[] = [];

  private readonly options: SimAsocNodeOptions;
  private readonly crypto: CryptoBackend;
  private readonly settings: SimConnectionSettings;
  private readonly coreRandom: SimRandom;
  private readonly dialRandom: SimRandom;
  private readonly discoveryRandom: SimRandom;
  private readonly helloReplay: ReplayCache | undefined;
  private readonly admission: Admission;
  private readonly connections = new Set<SimConnection>();
  private readonly peersByKey = new Map<string, SimConnection>();
  private readonly dialers = new Map<string, Dialer<TcpSocket>>();
  /** Keys of the dialers started for discovered peers (for maxDialedPeers). */
  private readonly discoveredDials = new Set<string>();
  private listener: TcpListener | null = null;
  private discovery: DiscoveryService | null = null;
  private runningValue = false;
  /** Stats of connections already closed (live ones are added on demand). */
  private readonly retired: ConnectionStats = { ...ZERO_STATS };
  private readonly tallies = {
    handshakes: 0,
    authFailures: 0,
    connectionsClosed: {} as Partial<Record<CloseReason, number>>,
    streamsSent: 0,
    streamsReceived: 0,
    streamsAborted: 0,
    dialAttempts: 0,
  };

  constructor(options: SimAsocNodeOptions) {
    super();
    if (!options.community) throw new TypeError('community is required');
    if (options.apiKey.length === 0) throw new TypeError('apiKey must not be empty');
    this.options = options;
    this.host = options.host;
    const name = options.host.name;
    this.nodeId = options.nodeId ?? options.sim.random.stream(`asoc-node-id:${name}`).bytes(16);
    if (this.nodeId.length !== 16) throw new TypeError('nodeId must be 16 bytes');
    this.nodeIdHex = bytesToHex(this.nodeId);
    this.profile = options.profile ?? ASOC_V1;
    this.port = options.port ?? DEFAULT_TCP_PORT;
    this.crypto = options.crypto ?? SIM_CRYPTO;
    this.settings = {
      flow: { sendWindow: DEFAULT_FLOW.sendWindow, receiptTimeoutMs: DEFAULT_FLOW.receiptTimeoutMs, ...options.flow },
      frameCosts: { ...FREE_FRAMES, ...options.frameCosts },
      hashStreams: options.hashStreams ?? false,
    };
    // One stream per job, so turning discovery on does not change the handshakes' draws.
    this.coreRandom = options.sim.random.stream(`asoc:${name}`);
    this.dialRandom = options.sim.random.stream(`asoc-dial:${name}`);
    this.discoveryRandom = options.sim.random.stream(`asoc-discovery:${name}`);
    this.helloReplay = this.profile.helloReplay ? new ReplayCache(this.profile.helloReplay) : undefined;
    this.admission = new Admission(options.admission);
  }

  get running(): boolean {
    return this.runningValue;
  }

  /** Listens, dials the static peers, starts discovery. */
  start(): void {
    if (this.runningValue) throw new Error(`${this.host.name}: node already started`);
    this.runningValue = true;
    this.listener = this.host.tcp.listen(this.port, (socket) => this.accept(socket));
    for (const target of this.options.staticPeers ?? []) this.dial(target, 'static', null);
    const discovery = this.options.discovery ?? false;
    if (discovery === false) return;
    this.discovery = new DiscoveryService({
      profile: this.profile,
      nodeId: this.nodeId,
      tcpPort: this.port,
      community: this.options.community,
      apiKey: this.options.apiKey,
      crypto: this.crypto,
      random: this.discoveryRandom,
      now: simEpochClock(this.host),
      deadlineTimer: simDeadlineTimer(this.host, SIM_EPOCH_MS),
      onPeer: (peer) => this.onDiscovered(peer),
      onPeerLost: (nodeId) => this.onDiscoveryLost(nodeId),
    });
    this.discovery.start(simDatagramSocket(this.host, discovery.port ?? DEFAULT_DISCOVERY_PORT, this.settings.frameCosts));
  }

  /**
   * Stops dialing and discovery and closes every connection: queued frames are still written, then
   * FIN; a socket not closed STOP_GRACE_MS later is destroyed.
   */
  stop(): void {
    if (!this.runningValue) return;
    this.runningValue = false;
    for (const dialer of this.dialers.values()) dialer.stop();
    this.dialers.clear();
    this.discoveredDials.clear();
    this.discovery?.stop(); // kept: its counters stay readable as evidence
    this.listener?.close();
    this.listener = null;
    const sockets = [...this.connections].map((conn) => conn.socket);
    for (const conn of [...this.connections]) conn.close('node stopped');
    this.host.scheduler.after(STOP_GRACE_MS, () => {
      for (const socket of sockets) if (socket.state !== 'CLOSED' && socket.state !== 'TIME_WAIT') socket.destroy();
    });
  }

  /** Peers with an established connection (one entry per key; the first connection wins, as in src/net). */
  peers(): PeerInfo[] {
    return [...this.peersByKey.values()].map((conn) => conn.peer!);
  }

  /** Connections open now, established or still in their handshake. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Streams `source` to a peer as one ASoc stream. A number is that many generated bytes (see
   * generatedStreamSha256); a Uint8Array is sent by reference. Progress is on the returned
   * Transfer; the outcome goes to onDone / onError (at once, with PeerNotFoundError, when no such
   * peer is connected).
   */
  send(peerKey: string, source: number | Uint8Array, options: SendOptions = {}): Transfer {
    const conn = this.peersByKey.get(peerKey);
    const chunkSize = options.chunkSize ?? this.options.limits?.chunkSize ?? DEFAULT_LIMITS.chunkSize;
    if (!(Number.isSafeInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    const bytes = typeof source === 'number' ? generatedSource(source, chunkSize) : bufferSource(source, chunkSize);
    const confirm = options.confirm ?? true;
    const now = this.host.scheduler.now;
    if (conn === undefined) {
      const transfer = new Transfer(peerKey, 0, bytes, confirm, now, options);
      transfer.fail(now, new PeerNotFoundError(`${this.host.name}: no connected peer "${peerKey}" (connected: ${[...this.peersByKey.keys()].join(', ') || 'none'})`));
      return transfer;
    }
    const transfer = new Transfer(peerKey, conn.core.openStream(), bytes, confirm, now, options);
    this.tallies.streamsSent++;
    conn.send(transfer);
    return transfer;
  }

  counters(): SimAsocNodeCounters {
    const stats = { ...this.retired };
    for (const conn of this.connections) addStats(stats, conn.core.stats);
    return {
      bytesIn: stats.bytesReceived,
      bytesOut: stats.bytesSent,
      framesIn: stats.framesReceived,
      framesOut: stats.framesSent,
      payloadBytesIn: stats.payloadBytesReceived,
      payloadBytesOut: stats.payloadBytesSent,
      handshakePayloadBytes: stats.handshakePayloadBytes,
      ...this.tallies,
      connectionsClosed: { ...this.tallies.connectionsClosed },
    };
  }

  /** The discovery agent's counters (of the last run, once stopped); null without discovery. */
  get discoveryCounters(): DiscoveryCounters | null {
    return this.discovery?.counters ?? null;
  }

  /** Peers the discovery agent knows now (0 without discovery). */
  get discoveredPeerCount(): number {
    return this.discovery?.peerCount ?? 0;
  }

  get admissionCounters(): AdmissionCounters {
    return this.admission.counters;
  }

  // ---- connections -------------------------------------------------------------------------

  private accept(socket: TcpSocket): void {
    const address = socket.remoteAddress;
    const verdict = this.admission.tryAdmit(address, this.host.now());
    if (verdict !== 'ok') {
      socket.destroy();
      this.emit('refused', { address, reason: verdict });
      return;
    }
    this.connections.add(new SimConnection(this.host, socket, this.newCore('server'), this.handlers(null), this.settings));
  }

  private dial(target: { address: string; port: number }, source: 'static' | 'discovered', nodeId: string | null): void {
    const key = nodeId ?? `${target.address}:${target.port}`;
    if (this.dialers.has(key)) return;
    const dialer: Dialer<TcpSocket> = new Dialer({
      target: { host: target.address, port: target.port },
      forever: source === 'static',
      random: this.dialRandom,
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      connector: simConnector(this.host),
      timers: simTimers(this.host),
      connect: (socket) => {
        const handlers = this.handlers({ key, nodeId, source, target, dialer });
        this.connections.add(new SimConnection(this.host, socket, this.newCore('client'), handlers, this.settings));
      },
      onGiveUp: () => this.forgetDialer(key),
      log: (step) => {
        const record = { ...step, peerKey: key, at: this.host.scheduler.now } as DialRecord;
        if (record.type === 'attempt') this.tallies.dialAttempts++;
        this.dialLog.push(record);
        this.emit('dial', record);
      },
    });
    this.dialers.set(key, dialer);
    if (source === 'discovered') this.discoveredDials.add(key);
    dialer.start();
  }

  private forgetDialer(key: string): void {
    this.dialers.delete(key);
    this.discoveredDials.delete(key);
  }

  private newCore(role: 'client' | 'server'): AsocConnection {
    return new AsocConnection({
      role,
      profile: this.profile,
      nodeId: this.nodeId,
      apiKey: this.options.apiKey,
      crypto: this.crypto,
      random: this.coreRandom,
      now: this.host.now(),
      helloReplay: role === 'server' ? this.helloReplay : undefined,
      limits: this.options.limits ?? {},
    });
  }

  private handlers(outbound: Outbound | null): SimConnectionHandlers {
    // Streams only flow once established (the core refuses frames before), so conn.peer is set.
    const peerKey = (conn: SimConnection): string => conn.peer!.key;
    return {
      established: (conn, peerNodeId) => {
        const nodeId = outbound ? outbound.nodeId : bytesToHex(peerNodeId!);
        conn.peer = outbound
          ? { key: outbound.key, nodeId, address: outbound.target.address, port: outbound.target.port, direction: 'outbound', source: outbound.source }
          : { key: nodeId!, nodeId, address: conn.socket.remoteAddress, port: conn.socket.remotePort, direction: 'inbound', source: 'inbound' };
        outbound?.dialer.connected();
        this.tallies.handshakes++;
        if (!this.peersByKey.has(conn.peer.key)) this.peersByKey.set(conn.peer.key, conn);
        this.emit('peer-up', conn.peer);
      },
      streamOpened: (conn, streamId) => {
        this.tallies.streamsReceived++;
        this.emit('stream-opened', { peerKey: peerKey(conn), streamId });
      },
      streamEnd: (conn, end) => this.emit('stream-end', { peerKey: peerKey(conn), ...end }),
      streamAborted: (conn, aborted) => {
        this.tallies.streamsAborted++;
        this.emit('stream-aborted', { peerKey: peerKey(conn), ...aborted });
      },
      authFailed: (conn, reason) => {
        const address = conn.socket.remoteAddress;
        if (!outbound) this.admission.recordAuthFailure(address, this.host.now());
        this.tallies.authFailures++;
        this.emit('auth-failed', { address, reason, direction: outbound ? 'outbound' : 'inbound' });
      },
      closed: (conn, reason, detail) => {
        this.connections.delete(conn);
        addStats(this.retired, conn.core.stats);
        const closed = this.tallies.connectionsClosed;
        closed[reason] = (closed[reason] ?? 0) + 1;
        if (!outbound) this.admission.release();
        if (conn.peer) {
          if (this.peersByKey.get(conn.peer.key) === conn) this.peersByKey.delete(conn.peer.key);
          this.emit('peer-down', { peer: conn.peer, reason, detail });
        }
        if (this.runningValue) outbound?.dialer.disconnected(conn.peer !== null, `${reason}: ${detail}`);
      },
    };
  }

  // ---- discovery ---------------------------------------------------------------------------

  private onDiscovered(peer: { nodeId: string; address: string; tcpPort: number }): void {
    this.emit('discovered', { nodeId: peer.nodeId, address: peer.address, port: peer.tcpPort });
    if (!shouldDialDiscovered(this.nodeIdHex, peer.nodeId) || this.peersByKey.has(peer.nodeId)) return;
    if (this.discoveredDials.size >= (this.options.maxDialedPeers ?? Infinity)) return;
    this.dial({ address: peer.address, port: peer.tcpPort }, 'discovered', peer.nodeId);
  }

  private onDiscoveryLost(nodeId: string): void {
    const dialer = this.dialers.get(nodeId);
    if (dialer && !this.peersByKey.has(nodeId)) {
      dialer.stop();
      this.forgetDialer(nodeId);
    }
  }
}

function addStats(into: ConnectionStats, from: Readonly<ConnectionStats>): void {
  into.bytesSent += from.bytesSent;
  into.bytesReceived += from.bytesReceived;
  into.framesSent += from.framesSent;
  into.framesReceived += from.framesReceived;
  into.handshakePayloadBytes += from.handshakePayloadBytes;
  into.payloadBytesSent += from.payloadBytesSent;
  into.payloadBytesReceived += from.payloadBytesReceived;
}

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
import type { AdmissionCounters, AdmissionSettings } from '../../src/core/admission.ts';
import { DEFAULT_LIMITS, addStats, zeroStats, type ConnectionStats } from '../../src/core/connection.ts';
import type { DiscoveryCounters } from '../../src/core/discovery-agent.ts';
import type { CloseReason } from '../../src/core/events.ts';
import { ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import { PeerNotFoundError } from '../../src/driver/peer.ts';
import { DEFAULT_FLOW } from '../../src/driver/flow.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/driver/dialer.ts';
import { DEFAULT_DIGEST, EventDigest, type DigestEntry } from '../../src/driver/event-digest.ts';
import { NodeOrchestrator, type StaticPeer } from '../../src/driver/orchestrator.ts';
import type { PeerInfo } from '../../src/driver/peer.ts';
import { DEFAULT_DISCOVERY_PORT, DEFAULT_TCP_PORT } from '../../src/wire/discovery.ts';
import { hostDeadlineTimer } from './host-deadline-timer.ts';
import type { Host } from '../host.ts';
import type { SimRandom } from '../random.ts';
import type { TraceFields } from '../trace.ts';
import type { TcpListener } from '../tcp/tcp-stack.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import { bufferSource, generatedSource } from './byte-source.ts';
import { SIM_CRYPTO } from './memo-crypto.ts';
import { SimConnection, type SimConnectionSettings, type SimStreamHandlers } from './sim-connection.ts';
import { SIM_EPOCH_MS, SimDatagramSocket, simConnector, simEpochClock, simTimers } from './sim-transport.ts';
import { Transfer } from './transfer.ts';
import { FREE_FRAMES, type DialRecord, type SendOptions, type SimAsocNodeCounters, type SimAsocNodeEvents, type SimAsocNodeOptions } from './types.ts';

export { PeerNotFoundError } from '../../src/driver/peer.ts';
export { FREE_FRAMES } from './types.ts';
export type * from './types.ts';

/** How long stop() lets connections close gracefully before destroying their sockets (as src/net). */
const STOP_GRACE_MS = 1_000;

export class SimAsocNode extends EventEmitter<SimAsocNodeEvents> {
  readonly host: Host;
  readonly nodeId: Uint8Array;
  readonly nodeIdHex: string;
  readonly profile: AsocProfile;
  readonly port: number;
  /** Every dialer step, in order. */
  readonly dialLog: DialRecord[] = [];

  private readonly options: SimAsocNodeOptions;
  private readonly settings: SimConnectionSettings;
  private readonly orchestrator: NodeOrchestrator<TcpSocket, SimConnection>;
  private readonly discoveryRandom: SimRandom;
  /** Inbound connections refused or closed before their handshake, in the trace as src/net's commands log them. */
  private readonly inboundFailures: EventDigest<TraceFields>;
  private listener: TcpListener | null = null;
  /** Stats of connections already closed (live ones are added on demand). */
  private readonly retired: ConnectionStats = zeroStats();
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
    this.options = options;
    const host = (this.host = options.host);
    const name = host.name;
    this.nodeId = options.nodeId ?? options.sim.random.stream(`asoc-node-id:${name}`).bytes(16);
    if (this.nodeId.length !== 16) throw new TypeError('nodeId must be 16 bytes');
    this.profile = options.profile ?? ASOC_V1;
    this.port = options.port ?? DEFAULT_TCP_PORT;
    this.settings = {
      flow: { sendWindow: DEFAULT_FLOW.sendWindow, receiptTimeoutMs: DEFAULT_FLOW.receiptTimeoutMs, ...options.flow },
      frameCosts: { ...FREE_FRAMES, ...options.frameCosts },
      hashStreams: options.hashStreams ?? false,
    };
    // One stream per job, so turning discovery on does not change the handshakes' draws.
    const coreRandom = options.sim.random.stream(`asoc:${name}`);
    const dialRandom = options.sim.random.stream(`asoc-dial:${name}`);
    this.discoveryRandom = options.sim.random.stream(`asoc-discovery:${name}`);
    this.inboundFailures = new EventDigest({ ...DEFAULT_DIGEST, timers: simTimers(host), report: (entry) => host.event(...inboundFailureTrace(entry)) });
    this.orchestrator = new NodeOrchestrator({
      nodeId: this.nodeId,
      // Its own stream: drawing it changes no other draw, so profiles that ignore it keep their traces.
      identity: options.identity ?? options.sim.random.stream(`asoc-identity:${name}`).bytes(32),
      profile: this.profile,
      community: options.community,
      apiKey: options.apiKey,
      crypto: options.crypto ?? SIM_CRYPTO,
      limits: options.limits,
      admission: options.admission,
      now: () => host.now(),
      unixNow: options.unixClock ?? simEpochClock(host),
      random: coreRandom,
      dialRandom,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxDialedPeers: options.maxDialedPeers ?? Infinity,
      connector: simConnector(host),
      timers: simTimers(host),
      drive: (socket, core, lifecycle) => new SimConnection(host, socket, core, { ...lifecycle, ...this.streamHandlers }, this.settings),
      refuse: (socket) => socket.destroy(),
      reports: {
        peerUp: (conn) => {
          this.tallies.handshakes++;
          this.emit('peer-up', conn.peer);
        },
        authFailed: (conn, reason, direction) => {
          this.tallies.authFailures++;
          this.emit('auth-failed', { address: conn.remoteAddress, port: conn.remotePort, reason, direction });
        },
        closed: (conn, reason, detail, direction) => {
          addStats(this.retired, conn.core.stats);
          const closed = this.tallies.connectionsClosed;
          closed[reason] = (closed[reason] ?? 0) + 1;
          if (conn.peer) this.emit('peer-down', { peer: conn.peer, reason, detail });
          else if (direction === 'inbound') {
            this.inboundFailures.record(conn.remoteAddress, `closed before the handshake (${reason})`, { address: conn.remoteAddress, port: conn.remotePort, reason, detail });
          }
          this.emit('connection-closed', { address: conn.remoteAddress, reason, detail, established: conn.peer !== null });
        },
        refused: (address, reason) => {
          this.inboundFailures.record(address, `refused (${reason})`, { address, reason });
          this.emit('refused', { address, reason });
        },
        discovered: (peer) => this.emit('discovered', peer),
        dialStep: (peerKey, step) => {
          const record = { ...step, peerKey, at: host.scheduler.now } as DialRecord;
          if (record.type === 'attempt') this.tallies.dialAttempts++;
          this.dialLog.push(record);
          this.emit('dial', record);
        },
      },
    });
    this.nodeIdHex = this.orchestrator.nodeIdHex;
    this.orchestrator.checkStaticPeers(this.staticPeers());
  }

  private staticPeers(): StaticPeer[] {
    return (this.options.staticPeers ?? []).map(({ address, nodeId, ...rest }) => ({ host: address, ...rest, ...(nodeId === undefined ? {} : { nodeId }) }));
  }

  get running(): boolean {
    return this.orchestrator.running;
  }

  /** Listens, dials the static peers, starts discovery. */
  start(): void {
    if (this.running) throw new Error(`${this.host.name}: node already started`);
    this.listener = this.host.tcp.listen(this.port, (socket) => this.orchestrator.accept(socket, socket.remoteAddress));
    this.orchestrator.start(this.staticPeers());
    const discovery = this.options.discovery ?? false;
    if (discovery === false) return;
    const socket = new SimDatagramSocket(this.host, discovery.port ?? DEFAULT_DISCOVERY_PORT, this.settings.frameCosts);
    this.orchestrator.startDiscovery(socket, {
      tcpPort: this.port,
      random: this.discoveryRandom,
      now: simEpochClock(this.host),
      deadlineTimer: hostDeadlineTimer(this.host, SIM_EPOCH_MS),
    });
  }

  /**
   * Stops dialing and discovery and closes every connection: queued frames are still written, then
   * FIN; a socket not closed STOP_GRACE_MS later is destroyed.
   */
  stop(): void {
    if (!this.running) return;
    this.orchestrator.stop();
    this.inboundFailures.flush();
    this.listener?.close();
    this.listener = null;
    const connections = [...this.orchestrator.connections];
    for (const conn of connections) conn.close('node stopped');
    this.host.scheduler.after(STOP_GRACE_MS, () => {
      for (const { socket } of connections) if (socket.state !== 'CLOSED' && socket.state !== 'TIME_WAIT') socket.destroy();
    });
  }

  /** Peers with an established connection (one entry per key; the first connection wins, as in src/net). */
  peers(): PeerInfo[] {
    return this.orchestrator.peers();
  }

  /** Connections open now, established or still in their handshake. */
  get connectionCount(): number {
    return this.orchestrator.connections.size;
  }

  /**
   * Streams `source` to a peer as one ASoc stream. A number is that many generated bytes (see
   * generatedStreamSha256); a Uint8Array is sent by reference. Progress is on the returned
   * Transfer; the outcome goes to onDone / onError (at once, with PeerNotFoundError, when no such
   * peer is connected).
   */
  send(peerKey: string, source: number | Uint8Array, options: SendOptions = {}): Transfer {
    const conn = this.orchestrator.connectionTo(peerKey);
    const chunkSize = options.chunkSize ?? this.options.limits?.chunkSize ?? DEFAULT_LIMITS.chunkSize;
    if (!(Number.isSafeInteger(chunkSize) && chunkSize > 0)) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    const bytes = typeof source === 'number' ? generatedSource(source, chunkSize) : bufferSource(source, chunkSize);
    const confirm = options.confirm ?? true;
    const now = this.host.scheduler.now;
    if (conn === undefined) {
      const transfer = new Transfer(peerKey, 0, bytes, confirm, now, options);
      transfer.fail(now, new PeerNotFoundError(`${this.host.name}: no connected peer "${peerKey}" (connected: ${this.orchestrator.peerKeys().join(', ') || 'none'})`));
      return transfer;
    }
    const transfer = new Transfer(peerKey, conn.core.openStream(), bytes, confirm, now, options);
    this.tallies.streamsSent++;
    conn.send(transfer);
    return transfer;
  }

  counters(): SimAsocNodeCounters {
    const stats = { ...this.retired };
    for (const conn of this.orchestrator.connections) addStats(stats, conn.core.stats);
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
    return this.orchestrator.discovery?.counters ?? null;
  }

  /** Peers the discovery agent knows now (0 without discovery). */
  get discoveredPeerCount(): number {
    return this.orchestrator.discovery?.peerCount ?? 0;
  }

  get admissionCounters(): AdmissionCounters {
    return this.orchestrator.admission.counters;
  }

  /** The admission limits this node enforces (its profile's, with the node's own overrides). */
  get admissionSettings(): Readonly<AdmissionSettings> {
    return this.orchestrator.admission.settings;
  }

  /** The most inbound connections this node held at once (admission's high-water mark). */
  get peakInboundConnections(): number {
    return this.orchestrator.admission.peakOpen;
  }

  /** How many times the discovery replay cache emptied itself (the reference policy; 0 otherwise or without discovery). */
  get discoveryReplayCacheClears(): number {
    return this.orchestrator.discovery?.replayCacheClears ?? 0;
  }

  /** Inbound streams become events; streams only flow once established, so conn.peer is set. */
  private readonly streamHandlers: SimStreamHandlers = {
    streamOpened: (conn, streamId) => {
      this.tallies.streamsReceived++;
      this.emit('stream-opened', { peerKey: conn.peer!.key, streamId });
    },
    streamEnd: (conn, end) => this.emit('stream-end', { peerKey: conn.peer!.key, ...end }),
    streamAborted: (conn, aborted) => {
      this.tallies.streamsAborted++;
      this.emit('stream-aborted', { peerKey: conn.peer!.key, ...aborted });
    },
  };
}

/** A refused or failed inbound connection (`asoc.inbound-failed`), or what an interval counted beyond them (`asoc.inbound-failed-summary`). */
function inboundFailureTrace(entry: DigestEntry<TraceFields>): [string, TraceFields] {
  if (entry.type === 'event') return ['asoc.inbound-failed', entry.detail];
  return ['asoc.inbound-failed-summary', { address: entry.key ?? 'others', count: entry.count, byKind: Object.fromEntries(entry.byKind), intervalMs: entry.intervalMs }];
}

/**
 * AsocNode: a real ASoc node over node:net and node:dgram, the public API of the lab's
 * implementation. It listens, dials static and discovered peers (reconnecting as SPEC.md says),
 * streams tensors with end-to-end backpressure and hands incoming streams to the application.
 *
 *   const node = new AsocNode({ community: 'lab', apiKey, port: 9000, staticPeers: ['10.0.0.2:9000'] });
 *   await node.start();
 *   node.on('stream', async (s) => { for await (const piece of s) use(piece); });
 *   const peer = await node.waitForPeer();
 *   const receipt = await node.send(peer.key, tensorBytes);
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { DEFAULT_BACKEND, type CryptoBackend } from '../crypto/backend.ts';
import { ReplayCache } from '../crypto/replay-cache.ts';
import { Admission, type AdmissionSettings } from '../core/admission.ts';
import { AsocConnection, type ConnectionLimits } from '../core/connection.ts';
import type { AuthFailure, CloseReason } from '../core/events.ts';
import { shouldDialDiscovered } from '../core/dial-rule.ts';
import { ASOC_V1, type AsocProfile } from '../core/profile.ts';
import { bytesToHex } from '../wire/bytes.ts';
import { DEFAULT_TCP_PORT } from '../wire/discovery.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, Dialer } from '../node/dialer.ts';
import { DiscoveryService } from '../node/discovery-service.ts';
import type { IncomingStream } from './incoming-stream.ts';
import { DEFAULT_DISCOVERY, bindDatagramSocket, netConnector, netDeadlineTimer, netTimers, type DiscoverySettings } from './net-transport.ts';
import type { PeerInfo } from './peer.ts';
import { DEFAULT_FLOW, SocketConnection, type ByteSource, type FlowSettings, type SendReceipt } from './socket-connection.ts';
import { monotonicNow, systemRandom } from './system.ts';

export interface AsocNodeOptions {
  community: string;
  /** The cluster's shared secret (RFC-0002 §4.5). Never defaulted. */
  apiKey: Uint8Array | string;
  /** 16 bytes; random when absent. */
  nodeId?: Uint8Array;
  /** Listen address (default 0.0.0.0) and port (default 9000; 0 picks a free one). */
  host?: string;
  port?: number;
  /** "host:port" peers to dial and keep dialing forever. */
  staticPeers?: string[];
  /** UDP discovery; on by default only when there are no static peers (as in the reference). */
  discovery?: Partial<DiscoverySettings> | false;
  profile?: AsocProfile;
  crypto?: CryptoBackend;
  limits?: Partial<ConnectionLimits>;
  flow?: Partial<FlowSettings>;
  admission?: Partial<AdmissionSettings>;
}

export interface AsocNodeEvents {
  'peer-up': [PeerInfo];
  'peer-down': [PeerInfo, CloseReason, string];
  stream: [IncomingStream];
  'auth-failed': [{ address: string; reason: AuthFailure }];
  /** An inbound connection refused before its handshake (connection limit or lockout). */
  refused: [{ address: string; reason: string }];
  discovered: [{ nodeId: string; address: string; port: number }];
}

/** How long stop() lets connections close gracefully before destroying them. */
const STOP_GRACE_MS = 1_000;

export class PeerNotFoundError extends Error {
  override readonly name = 'PeerNotFoundError';
}

export class AsocNode extends EventEmitter<AsocNodeEvents> {
  readonly nodeId: Uint8Array;
  readonly profile: AsocProfile;
  private readonly apiKey: Uint8Array;
  private readonly crypto: CryptoBackend;
  private readonly flow: FlowSettings;
  private readonly helloReplay: ReplayCache | undefined;
  private readonly admission: Admission;
  private readonly connections = new Set<SocketConnection>();
  private readonly peersByKey = new Map<string, SocketConnection>();
  private readonly dialers = new Map<string, Dialer<net.Socket>>();
  private server: net.Server | null = null;
  private discovery: DiscoveryService | null = null;
  private discoveryClosed: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly options: AsocNodeOptions) {
    super();
    if (!options.community) throw new TypeError('community is required');
    this.apiKey = typeof options.apiKey === 'string' ? new TextEncoder().encode(options.apiKey) : options.apiKey;
    if (!this.apiKey || this.apiKey.length === 0) throw new TypeError('apiKey is required and must not be empty');
    this.nodeId = options.nodeId ?? systemRandom.bytes(16);
    if (this.nodeId.length !== 16) throw new TypeError('nodeId must be 16 bytes');
    this.profile = options.profile ?? ASOC_V1;
    this.crypto = options.crypto ?? DEFAULT_BACKEND;
    this.flow = { ...DEFAULT_FLOW, ...options.flow };
    this.helloReplay = this.profile.helloReplay ? new ReplayCache(this.profile.helloReplay) : undefined;
    this.admission = new Admission(options.admission);
  }

  get nodeIdHex(): string {
    return bytesToHex(this.nodeId);
  }

  /** Where the node listens (after start). */
  get address(): { host: string; port: number } {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('node is not listening');
    return { host: addr.address, port: addr.port };
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('node already started');
    this.running = true;
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? DEFAULT_TCP_PORT, this.options.host ?? '0.0.0.0', () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    const staticPeers = this.options.staticPeers ?? [];
    for (const target of staticPeers) this.dial(parseHostPort(target), 'static', null);
    const discoveryWanted = this.options.discovery === undefined ? staticPeers.length === 0 : this.options.discovery !== false;
    if (discoveryWanted) {
      const socket = await bindDatagramSocket({ ...DEFAULT_DISCOVERY, ...(this.options.discovery || {}) });
      this.discoveryClosed = socket.closed;
      this.discovery = new DiscoveryService({
        profile: this.profile,
        nodeId: this.nodeId,
        tcpPort: this.address.port,
        community: this.options.community,
        apiKey: this.apiKey,
        crypto: this.crypto,
        random: systemRandom,
        now: monotonicNow,
        deadlineTimer: netDeadlineTimer,
        onPeer: (peer) => this.onDiscovered(peer),
        onPeerLost: (nodeId) => this.onDiscoveryLost(nodeId),
      });
      this.discovery.start(socket);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const dialer of this.dialers.values()) dialer.stop();
    this.dialers.clear();
    this.discovery?.stop();
    this.discovery = null;
    await this.discoveryClosed;
    const closing = this.server ? new Promise<void>((resolve) => this.server!.close(() => resolve())) : Promise.resolve();
    for (const conn of this.connections) conn.close();
    // A peer that does not answer our FIN must not hold stop() up: give the goodbyes a moment, then cut.
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    for (const conn of this.connections) conn.socket.destroy();
    await closing;
    this.connections.clear();
    this.peersByKey.clear();
  }

  /** Peers with an established connection. */
  peers(): PeerInfo[] {
    return [...this.peersByKey.values()].map((conn) => conn.peer!);
  }

  /** Resolves with the first established peer that matches (any peer when no key is given). */
  waitForPeer(match?: string | ((peer: PeerInfo) => boolean), timeoutMs = 30_000): Promise<PeerInfo> {
    const test = typeof match === 'string' ? (p: PeerInfo) => p.key === match : (match ?? (() => true));
    const present = this.peers().find(test);
    if (present) return Promise.resolve(present);
    return new Promise((resolve, reject) => {
      const onUp = (peer: PeerInfo) => {
        if (!test(peer)) return;
        clearTimeout(timer);
        this.off('peer-up', onUp);
        resolve(peer);
      };
      const timer = setTimeout(() => {
        this.off('peer-up', onUp);
        reject(new PeerNotFoundError(`no matching peer within ${timeoutMs} ms (connected: ${this.peers().map((p) => p.key).join(', ') || 'none'}${this.dialFailures()})`));
      }, timeoutMs);
      this.on('peer-up', onUp);
    });
  }

  /** Streams `source` to a peer; resolves with the receipt once the peer has every byte. */
  send(peerKey: string, source: ByteSource, options: { confirm?: boolean } = {}): Promise<SendReceipt> {
    const conn = this.peersByKey.get(peerKey);
    if (!conn) return Promise.reject(new PeerNotFoundError(`no connected peer "${peerKey}" (connected: ${this.peers().map((p) => p.key).join(', ') || 'none'})`));
    return conn.send(source, options);
  }

  /** A peer's listed connection closed: list another open one to the same peer (two nodes may dial each other), if any. */
  private promoteOrForget(key: string): void {
    const other = [...this.connections].find((c) => c.isOpen && c.peer?.key === key);
    if (other) this.peersByKey.set(key, other);
    else this.peersByKey.delete(key);
  }

  /** Why dialed peers are not connected, for error messages. */
  private dialFailures(): string {
    const failing = [...this.dialers].filter(([, d]) => d.lastError).map(([key, d]) => `${key}: ${d.lastError}`);
    return failing.length ? `; dialing ${failing.join('; ')}` : '';
  }

  // ---- connections -------------------------------------------------------------------------

  private accept(socket: net.Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const verdict = this.running ? this.admission.tryAdmit(address, monotonicNow()) : 'stopping';
    if (verdict !== 'ok') {
      socket.destroy();
      this.emit('refused', { address, reason: verdict });
      return;
    }
    const core = this.newCore('server');
    const conn = new SocketConnection(socket, core, this.handlers(null), this.flow);
    this.connections.add(conn);
  }

  private dial(target: { host: string; port: number }, source: 'static' | 'discovered', nodeId: string | null): void {
    const key = nodeId ?? `${target.host}:${target.port}`;
    if (this.dialers.has(key)) return;
    const dialer: Dialer<net.Socket> = new Dialer({
      target,
      forever: source === 'static',
      random: systemRandom,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      connector: netConnector,
      timers: netTimers,
      connect: (socket) => {
        const conn = new SocketConnection(socket, this.newCore('client'), this.handlers({ key, nodeId, source, target, dialer }), this.flow);
        this.connections.add(conn);
      },
      onGiveUp: () => this.dialers.delete(key),
    });
    this.dialers.set(key, dialer);
    dialer.start();
  }

  private newCore(role: 'client' | 'server'): AsocConnection {
    return new AsocConnection({
      role,
      profile: this.profile,
      nodeId: this.nodeId,
      apiKey: this.apiKey,
      crypto: this.crypto,
      random: systemRandom,
      now: monotonicNow(),
      helloReplay: role === 'server' ? this.helloReplay : undefined,
      limits: this.options.limits ?? {},
    });
  }

  private handlers(outbound: { key: string; nodeId: string | null; source: 'static' | 'discovered'; target: { host: string; port: number }; dialer: Dialer<net.Socket> } | null) {
    return {
      established: (conn: SocketConnection, peerNodeId: Uint8Array | null) => {
        const nodeId = outbound ? outbound.nodeId : bytesToHex(peerNodeId!);
        conn.peer = outbound
          ? { key: outbound.key, nodeId, address: outbound.target.host, port: outbound.target.port, direction: 'outbound', source: outbound.source }
          : { key: nodeId!, nodeId, address: conn.remoteAddress, port: conn.socket.remotePort ?? 0, direction: 'inbound', source: 'inbound' };
        outbound?.dialer.connected();
        if (!this.peersByKey.has(conn.peer.key)) this.peersByKey.set(conn.peer.key, conn);
        this.emit('peer-up', conn.peer);
      },
      stream: (_conn: SocketConnection, stream: IncomingStream) => {
        if (this.listenerCount('stream') > 0) this.emit('stream', stream);
        else void stream.discard().catch(() => {});
      },
      authFailed: (conn: SocketConnection, reason: AuthFailure) => {
        if (!outbound) this.admission.recordAuthFailure(conn.remoteAddress, monotonicNow());
        this.emit('auth-failed', { address: conn.remoteAddress, reason });
      },
      closed: (conn: SocketConnection, reason: CloseReason, detail: string) => {
        this.connections.delete(conn);
        if (!outbound) this.admission.release();
        if (conn.peer) {
          if (this.peersByKey.get(conn.peer.key) === conn) this.promoteOrForget(conn.peer.key);
          this.emit('peer-down', conn.peer, reason, detail);
        }
        if (this.running) outbound?.dialer.disconnected(conn.peer !== null, `${reason}: ${detail}`);
      },
    };
  }

  // ---- discovery ---------------------------------------------------------------------------

  private onDiscovered(peer: { nodeId: string; address: string; tcpPort: number }): void {
    this.emit('discovered', { nodeId: peer.nodeId, address: peer.address, port: peer.tcpPort });
    if (!shouldDialDiscovered(this.nodeIdHex, peer.nodeId) || this.peersByKey.has(peer.nodeId)) return;
    this.dial({ host: peer.address, port: peer.tcpPort }, 'discovered', peer.nodeId);
  }

  private onDiscoveryLost(nodeId: string): void {
    const dialer = this.dialers.get(nodeId);
    if (dialer && !this.peersByKey.has(nodeId)) {
      dialer.stop();
      this.dialers.delete(nodeId);
    }
  }
}

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new TypeError(`"${text}" is not host:port (e.g. 127.0.0.1:9000)`);
  return { host: match[1]!, port };
}

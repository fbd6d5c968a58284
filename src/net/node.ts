/**
 * AsocNode: a real ASoc node over node:net and node:dgram, the public API of the lab's
 * implementation. It listens, dials static and discovered peers (reconnecting as RFC-0001 §9.4 says),
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
import type { AdmissionSettings } from '../core/admission.ts';
import type { ConnectionLimits } from '../core/connection.ts';
import type { AuthFailure, CloseReason } from '../core/events.ts';
import { ASOC_V1, type AsocProfile } from '../core/profile.ts';
import type { SendReceipt } from '../driver/connection-driver.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../driver/dialer.ts';
import { DEFAULT_FLOW, type FlowSettings } from '../driver/flow.ts';
import { NodeOrchestrator, type StaticPeer } from '../driver/orchestrator.ts';
import type { Connector } from '../driver/transport.ts';
import { PeerNotFoundError, type PeerDirection, type PeerInfo } from '../driver/peer.ts';
import { DEFAULT_TCP_PORT } from '../wire/discovery.ts';
import type { IncomingStream } from './incoming-stream.ts';
import { DEFAULT_DISCOVERY, bindDatagramSocket, netConnector, netTimers, wallDeadlineTimer, type DiscoverySettings } from './net-transport.ts';
import { SocketConnection, type ByteSource } from './socket-connection.ts';
import { monotonicNow, systemRandom, wallClockNow } from './system.ts';

export interface AsocNodeOptions {
  community: string;
  /**
   * The cluster's shared secret (RFC-0002 §4.5). Never defaulted. asoc-hardened takes only 32 random
   * bytes (given as 64 hex digits, or as the bytes) and refuses anything else (WeakKeyError); v1
   * takes any key and says when it is weak (`keyWarning`).
   */
  apiKey: Uint8Array | string;
  /** 16 bytes; random when absent. */
  nodeId?: Uint8Array;
  /** Listen address (default 0.0.0.0) and port (default 9000; 0 picks a free one). */
  host?: string;
  port?: number;
  /**
   * Peers to dial and keep dialing forever: "host:port", or "NODEID@host:port" to pin the peer to
   * the node (32 hex digits) that must answer there (asoc-hardened; a v1 handshake cannot tell).
   */
  staticPeers?: string[];
  /** UDP discovery; on by default only when there are no static peers (as in the reference). */
  discovery?: Partial<DiscoverySettings> | false;
  profile?: AsocProfile;
  crypto?: CryptoBackend;
  limits?: Partial<ConnectionLimits>;
  flow?: Partial<FlowSettings>;
  admission?: Partial<AdmissionSettings>;
  /** How connections are made and accepted: plain node:net by default (the TLS baseline passes node:tls). */
  transport?: SocketTransport;
}

/** Where the node's TCP connections come from: a connector for dialing and a listener factory. */
export interface SocketTransport {
  connector: Connector<net.Socket>;
  /** A server that hands every connected (for TLS: secured) socket to `onSocket`. */
  createServer(onSocket: (socket: net.Socket) => void): net.Server;
}

export const PLAIN_TCP: SocketTransport = { connector: netConnector, createServer: (onSocket) => net.createServer(onSocket) };

export interface AsocNodeEvents {
  'peer-up': [PeerInfo];
  'peer-down': [PeerInfo, CloseReason, string];
  stream: [IncomingStream];
  'auth-failed': [{ address: string; reason: AuthFailure }];
  /** An inbound connection refused before its handshake (connection limit, lockout, too many handshakes from its address). */
  refused: [{ address: string; reason: string }];
  /** Any connection closed, established or not (a peer's close is also a peer-down); one never established is a failed handshake. */
  'connection-closed': [{ address: string; port: number; direction: PeerDirection; reason: CloseReason; detail: string; established: boolean }];
  discovered: [{ nodeId: string; address: string; port: number }];
}

/** How long stop() lets connections close gracefully before destroying them. */
const STOP_GRACE_MS = 1_000;

export class AsocNode extends EventEmitter<AsocNodeEvents> {
  readonly nodeId: Uint8Array;
  readonly profile: AsocProfile;
  private readonly apiKey: Uint8Array;
  private readonly crypto: CryptoBackend;
  private readonly flow: FlowSettings;
  private readonly orchestrator: NodeOrchestrator<net.Socket, SocketConnection>;
  private readonly staticPeers: StaticPeer[];
  private server: net.Server | null = null;
  private discoveryClosed: Promise<void> = Promise.resolve();

  constructor(private readonly options: AsocNodeOptions) {
    super();
    if (!options.community) throw new TypeError('community is required');
    this.apiKey = typeof options.apiKey === 'string' ? new TextEncoder().encode(options.apiKey) : options.apiKey;
    if (!this.apiKey) throw new TypeError('apiKey is required');
    this.nodeId = options.nodeId ?? systemRandom.bytes(16);
    if (this.nodeId.length !== 16) throw new TypeError('nodeId must be 16 bytes');
    this.profile = options.profile ?? ASOC_V1;
    this.crypto = options.crypto ?? DEFAULT_BACKEND;
    this.flow = { ...DEFAULT_FLOW, ...options.flow };
    this.orchestrator = new NodeOrchestrator({
      nodeId: this.nodeId,
      profile: this.profile,
      community: options.community,
      apiKey: this.apiKey,
      crypto: this.crypto,
      limits: options.limits,
      admission: options.admission,
      now: monotonicNow,
      unixNow: wallClockNow,
      random: systemRandom,
      dialRandom: systemRandom,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      maxDialedPeers: Infinity,
      connector: (options.transport ?? PLAIN_TCP).connector,
      timers: netTimers,
      drive: (socket, core, lifecycle) => new SocketConnection(socket, core, { ...lifecycle, stream: (stream) => this.onStream(stream) }, this.flow),
      refuse: (socket) => socket.destroy(),
      reports: {
        peerUp: (conn) => this.emit('peer-up', conn.peer),
        authFailed: (conn, reason) => this.emit('auth-failed', { address: conn.remoteAddress, reason }),
        closed: (conn, reason, detail, direction) => {
          if (conn.peer) this.emit('peer-down', conn.peer, reason, detail);
          this.emit('connection-closed', { address: conn.remoteAddress, port: conn.remotePort, direction, reason, detail, established: conn.peer !== null });
        },
        refused: (address, reason) => this.emit('refused', { address, reason }),
        discovered: (peer) => this.emit('discovered', peer),
      },
    });
    this.staticPeers = (options.staticPeers ?? []).map(parseStaticPeer);
    this.orchestrator.checkStaticPeers(this.staticPeers);
  }

  get nodeIdHex(): string {
    return this.orchestrator.nodeIdHex;
  }

  /** Why the API key is weak, when the profile takes it all the same (v1; asoc-hardened refuses a weak key at construction). */
  get keyWarning(): string | null {
    return this.orchestrator.keyWarning;
  }

  /** Where the node listens (after start). */
  get address(): { host: string; port: number } {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('node is not listening');
    return { host: addr.address, port: addr.port };
  }

  async start(): Promise<void> {
    if (this.orchestrator.running || this.server) throw new Error('node already started');
    this.server = (this.options.transport ?? PLAIN_TCP).createServer((socket) => this.orchestrator.accept(socket, socket.remoteAddress ?? 'unknown'));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? DEFAULT_TCP_PORT, this.options.host ?? '0.0.0.0', () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.orchestrator.start(this.staticPeers);
    const discoveryWanted = this.options.discovery === undefined ? this.staticPeers.length === 0 : this.options.discovery !== false;
    if (discoveryWanted) {
      const socket = await bindDatagramSocket({ ...DEFAULT_DISCOVERY, ...(this.options.discovery || {}) });
      this.discoveryClosed = socket.closed;
      this.orchestrator.startDiscovery(socket, { tcpPort: this.address.port, random: systemRandom, now: wallClockNow, deadlineTimer: wallDeadlineTimer });
    }
  }

  async stop(): Promise<void> {
    if (!this.orchestrator.running) return;
    this.orchestrator.stop();
    await this.discoveryClosed;
    const server = this.server;
    this.server = null;
    const closing = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const connections = [...this.orchestrator.connections];
    for (const conn of connections) conn.close('node stopped');
    // A peer that does not answer our FIN must not hold stop() up: give the goodbyes a moment, then cut.
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    for (const conn of this.orchestrator.connections) conn.socket.destroy();
    await closing;
    this.orchestrator.forgetConnections();
  }

  /** Peers with an established connection. */
  peers(): PeerInfo[] {
    return this.orchestrator.peers();
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
      timer.unref(); // a wait must not keep the process alive on its own
      this.on('peer-up', onUp);
    });
  }

  /** Streams `source` to a peer; resolves with the receipt once the peer has every byte. */
  send(peerKey: string, source: ByteSource, options: { confirm?: boolean } = {}): Promise<SendReceipt> {
    const conn = this.orchestrator.connectionTo(peerKey);
    if (!conn) return Promise.reject(new PeerNotFoundError(`no connected peer "${peerKey}" (connected: ${this.peers().map((p) => p.key).join(', ') || 'none'})`));
    return conn.send(source, options);
  }

  /** Why dialed peers are not connected, for error messages. */
  private dialFailures(): string {
    const failing = this.orchestrator.dialFailures();
    return failing.length ? `; dialing ${failing.join('; ')}` : '';
  }

  private onStream(stream: IncomingStream): void {
    if (this.listenerCount('stream') > 0) this.emit('stream', stream);
    else void stream.discard().catch(() => {});
  }
}

/** "host:port" or "NODEID@host:port" (NODEID: 32 hex digits, any case). */
export function parseStaticPeer(text: string): StaticPeer {
  const at = text.indexOf('@');
  if (at < 0) return parseHostPort(text);
  const nodeId = text.slice(0, at).trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(nodeId)) throw new TypeError(`"${text}": a pinned peer is NODEID@host:port, NODEID being 32 hex digits (the node's 16-byte id)`);
  return { ...parseHostPort(text.slice(at + 1)), nodeId };
}

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new TypeError(`"${text}" is not host:port (e.g. 127.0.0.1:9000)`);
  return { host: match[1]!, port };
}

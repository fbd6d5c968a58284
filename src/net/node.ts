/**
 * AsocNode: a real ASoc node over node:net and node:dgram, the public API of the lab's
 * implementation. It listens, dials static and discovered peers (reconnecting as RFC-0001 §9.4 says),
 * streams tensors with end-to-end backpressure and hands incoming streams to the application.
 * The wiring, events, peer table and send are src/driver/asoc-node-base.ts's (SimAsocNode's too);
 * this adds the operating system as its environment, the listening server and the socket driver.
 *
 *   const node = new AsocNode({ community: 'lab', apiKey, port: 9000, staticPeers: ['10.0.0.2:9000'] });
 *   await node.start();
 *   node.on('stream', async (s) => { for await (const piece of s) use(piece); });
 *   const peer = await node.waitForPeer();
 *   const receipt = await node.send(peer.key, tensorBytes);
 */
import net from 'node:net';
import { DEFAULT_BACKEND } from '../crypto/backend.ts';
import type { AsocConnection } from '../core/connection.ts';
import { AsocNodeBase, type AsocNodeApi, type NodeOptions, type SendOptions } from '../driver/asoc-node-base.ts';
import type { SendReceipt } from '../driver/connection-driver.ts';
import { DEFAULT_FLOW, type FlowSettings } from '../driver/flow.ts';
import type { NodeEnvironment } from '../driver/node-environment.ts';
import type { ConnectionLifecycle, StaticPeer } from '../driver/orchestrator.ts';
import type { Connector } from '../driver/transport.ts';
import { DEFAULT_TCP_PORT } from '../wire/discovery.ts';
import { DEFAULT_DISCOVERY, bindDatagramSocket, netConnector, netTimers, wallDeadlineTimer, type DiscoverySettings } from './net-transport.ts';
import { SocketConnection, type ByteSource } from './socket-connection.ts';
import { monotonicNow, systemRandom, wallClockNow } from './system.ts';

export interface AsocNodeOptions extends Omit<NodeOptions, 'apiKey' | 'staticPeers'> {
  /**
   * The cluster's shared secret (RFC-0002 §4.5). Never defaulted. asoc-hardened takes only 32 random
   * bytes (given as 64 hex digits, or as the bytes) and refuses anything else (WeakKeyError); v1
   * takes any key and says when it is weak (`keyWarning`).
   */
  apiKey: Uint8Array | string;
  /** Listen address (default 0.0.0.0) and port (default 9000; 0 picks a free one). */
  host?: string;
  port?: number;
  /**
   * Peers to dial and keep dialing forever: "host:port", or "NODEID@host:port" to pin the peer to
   * the node that must answer there: 32 hex digits, its node id (asoc-hardened, stt), or 64, its
   * key (subduction); a v1 handshake cannot tell.
   */
  staticPeers?: string[];
  /** UDP discovery; on by default only when there are no static peers (as in the reference). */
  discovery?: Partial<DiscoverySettings> | false;
  flow?: Partial<FlowSettings>;
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

/** The operating system as a node's environment: monotonic and wall clocks, unref'd timers, the OS's randomness. */
export function systemEnvironment<Socket extends { destroy(): void }>(connector: Connector<Socket>): NodeEnvironment<Socket> {
  return {
    now: monotonicNow,
    unixNow: wallClockNow,
    discoveryClock: { now: wallClockNow, deadlineTimer: wallDeadlineTimer },
    timers: netTimers,
    connector,
    destroy: (socket) => socket.destroy(),
    random: () => systemRandom,
    crypto: DEFAULT_BACKEND,
    label: '',
  };
}

export class AsocNode extends AsocNodeBase<net.Socket, SocketConnection, ByteSource> implements AsocNodeApi {
  private readonly flow: FlowSettings;
  private server: net.Server | null = null;
  private discoveryClosed: Promise<void> = Promise.resolve();

  constructor(private readonly options: AsocNodeOptions) {
    const apiKey = typeof options.apiKey === 'string' ? new TextEncoder().encode(options.apiKey) : options.apiKey;
    super(systemEnvironment((options.transport ?? PLAIN_TCP).connector), { ...options, apiKey, staticPeers: (options.staticPeers ?? []).map(parseStaticPeer) });
    this.flow = { ...DEFAULT_FLOW, ...options.flow };
  }

  /** Where the node listens (after start). */
  get address(): { host: string; port: number } {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('node is not listening');
    return { host: addr.address, port: addr.port };
  }

  async start(): Promise<void> {
    if (this.running || this.server) throw new Error('node already started');
    this.server = (this.options.transport ?? PLAIN_TCP).createServer((socket) => this.orchestrator.accept(socket, socket.remoteAddress ?? 'unknown'));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? DEFAULT_TCP_PORT, this.options.host ?? '0.0.0.0', () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    const discovery = await openDiscovery(this.options.discovery, this.staticPeerCount);
    if (discovery) this.discoveryClosed = discovery.closed;
    this.launch(this.address.port, discovery);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const server = this.server;
    this.server = null;
    // The server closes once every connection is gone (a peer that does not answer our FIN is cut after the grace period).
    let closed = Promise.resolve();
    this.halt(() => (closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))));
    await Promise.all([closed, this.discoveryClosed]);
    this.orchestrator.forgetConnections();
  }

  protected override drive(socket: net.Socket, core: AsocConnection, lifecycle: ConnectionLifecycle<SocketConnection>): SocketConnection {
    return new SocketConnection(socket, core, { ...lifecycle, stream: (stream) => this.deliver(stream) }, this.flow);
  }

  /** `source`: a Uint8Array, or any (async) iterable of chunks. */
  protected override sendOn(conn: SocketConnection, source: ByteSource, options: SendOptions): Promise<SendReceipt> {
    return conn.send(source, options);
  }
}

/** The discovery socket, when discovery is on: by default only when there are no static peers (as in the reference). */
export async function openDiscovery(settings: AsocNodeOptions['discovery'], staticPeers: number): Promise<Awaited<ReturnType<typeof bindDatagramSocket>> | null> {
  const wanted = settings === undefined ? staticPeers === 0 : settings !== false;
  return wanted ? bindDatagramSocket({ ...DEFAULT_DISCOVERY, ...(settings || {}) }) : null;
}

/** "host:port" or "NODEID@host:port" (NODEID: 32 or 64 hex digits, any case; the node checks it fits its profile). */
export function parseStaticPeer(text: string): StaticPeer {
  const at = text.indexOf('@');
  if (at < 0) return parseHostPort(text);
  const nodeId = text.slice(0, at).trim().toLowerCase();
  if (!/^([0-9a-f]{32}|[0-9a-f]{64})$/.test(nodeId)) throw new TypeError(`"${text}": a pinned peer is NODEID@host:port, NODEID being 32 hex digits (the node's 16-byte id) or 64 (a subduction node's key)`);
  return { ...parseHostPort(text.slice(at + 1)), nodeId };
}

export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new TypeError(`"${text}" is not host:port (e.g. 127.0.0.1:9000)`);
  return { host: match[1]!, port };
}

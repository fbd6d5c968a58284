/**
 * SttUdpNode: a long-running node that runs the stt profile over UDP (docs/stt.md §7), with what
 * AsocNode does over TCP: the same orchestration (static peers redialed forever, discovery,
 * admission, the peer table), the same events and the same send. Inbound connections share the
 * listening socket, one per remote endpoint (the datagrams carry no connection id); each dial gets
 * a socket of its own, so two nodes that dial each other hold two distinct connections.
 *
 *   const node = new SttUdpNode({ community: 'lab', apiKey, port: 9000, staticPeers: ['10.0.0.2:9000'] });
 */
import type dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { AsocConnection } from '../core/connection.ts';
import { STT } from '../core/profile.ts';
import { STT_DATAGRAM_TAG_SIZE } from '../core/stt-handshake.ts';
import { STT_DATAGRAM_HANDSHAKES, overUdp } from '../core/stt-datagram-connection.ts';
import { AsocNodeBase, type AsocNodeApi, type SendOptions } from '../driver/asoc-node-base.ts';
import type { SendReceipt } from '../driver/connection-events.ts';
import { DEFAULT_FLOW, type FlowSettings } from '../driver/flow.ts';
import type { ConnectionLifecycle } from '../driver/orchestrator.ts';
import type { Cancel, Connector } from '../driver/transport.ts';
import { DEFAULT_TCP_PORT } from '../wire/discovery.ts';
import { HEADER_SIZE } from '../wire/frame.ts';
import { DatagramKind, decodeDatagram } from '../wire/stt-datagram.ts';
import { DatagramConnection, type DatagramLink } from './datagram-connection.ts';
import { openDiscovery, parseStaticPeer, systemEnvironment, type AsocNodeOptions } from './node.ts';
import type { ByteSource } from './socket-connection.ts';
import { boundSocket, closeSocket } from './stt-udp-driver.ts';

export type SttUdpNodeOptions = Omit<AsocNodeOptions, 'transport'>;

/** A link that may be cut before a connection takes it (a refused inbound one). */
class UdpLink implements DatagramLink {
  private receiver: ((datagram: Uint8Array) => void) | null = null;
  private cutter: (() => void) | null = null;
  private released = false;

  constructor(
    private readonly socket: dgram.Socket,
    readonly remoteAddress: string,
    readonly remotePort: number,
    private readonly onRelease: () => void,
  ) {}

  send(datagram: Uint8Array): void {
    if (!this.released) this.socket.send(datagram, this.remotePort, this.remoteAddress);
  }

  attach(receive: (datagram: Uint8Array) => void, cut: () => void): void {
    this.receiver = receive;
    this.cutter = cut;
  }

  receive(datagram: Uint8Array): void {
    if (!this.released) this.receiver?.(datagram);
  }

  /** The node's environment cuts it (env.destroy). */
  destroy(): void {
    if (this.cutter) this.cutter();
    else this.release();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

function asBytes(message: Buffer): Uint8Array {
  return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/** Only a client's first datagram (stream 0's first segment: its HELLO's) opens a connection; anything else from an unknown endpoint is a stray (a late retransmission) and dropped. */
function opensConnection(datagram: Uint8Array): boolean {
  if (datagram[0] !== DatagramKind.DATA) return false;
  try {
    const segment = decodeDatagram(datagram);
    return segment.kind === 'data' && segment.streamId === 0 && segment.index === 0;
  } catch {
    return false;
  }
}

/** Dials over UDP: the name resolved once, a socket of the target's family bound to a free port, the link handed over. */
const udpConnector: Connector<DatagramLink> = {
  connect: (host, port, handlers): Cancel => {
    let cancelled = false;
    let socket: dgram.Socket | null = null;
    void (async () => {
      const address = net.isIP(host) ? host : (await lookup(host)).address;
      if (cancelled) return;
      socket = await boundSocket(net.isIPv6(address) ? '::' : '0.0.0.0', 0);
      if (cancelled) return void closeSocket(socket);
      const bound = socket;
      const link = new UdpLink(bound, address, port, () => void closeSocket(bound));
      bound.on('message', (message, from) => {
        if (from.port === port && from.address === address) link.receive(asBytes(message));
      });
      // An ICMP error reported on send: the link is cut as a reset TCP connection is.
      bound.on('error', () => link.destroy());
      handlers.connected(link);
    })().catch((err: Error) => {
      if (socket) void closeSocket(socket);
      if (!cancelled) handlers.failed(err.message);
    });
    return () => {
      cancelled = true;
    };
  },
};

export class SttUdpNode extends AsocNodeBase<DatagramLink, DatagramConnection, ByteSource> implements AsocNodeApi {
  private readonly flow: FlowSettings;
  private readonly maxFrameBytes: number;
  private listener: dgram.Socket | null = null;
  /** Inbound links by remote endpoint. */
  private readonly links = new Map<string, UdpLink>();
  private linksGone: (() => void) | null = null;
  private discoveryClosed: Promise<void> = Promise.resolve();

  constructor(private readonly options: SttUdpNodeOptions) {
    const apiKey = typeof options.apiKey === 'string' ? new TextEncoder().encode(options.apiKey) : options.apiKey;
    const profile = overUdp(options.profile ?? STT);
    super(systemEnvironment(udpConnector), { ...options, apiKey, profile, handshakes: STT_DATAGRAM_HANDSHAKES, staticPeers: (options.staticPeers ?? []).map(parseStaticPeer) });
    this.flow = { ...DEFAULT_FLOW, ...options.flow };
    this.maxFrameBytes = HEADER_SIZE + profile.maxFrameSize + STT_DATAGRAM_TAG_SIZE;
  }

  /** Where the node listens (after start): its UDP port. */
  get address(): { host: string; port: number } {
    if (!this.listener) throw new Error('node is not listening');
    const { address, port } = this.listener.address();
    return { host: address, port };
  }

  async start(): Promise<void> {
    if (this.running || this.listener) throw new Error('node already started');
    const listener = await boundSocket(this.options.host ?? '0.0.0.0', this.options.port ?? DEFAULT_TCP_PORT);
    this.listener = listener;
    listener.on('message', (message, from) => this.receive(listener, asBytes(message), from.address, from.port));
    listener.on('error', () => {}); // an ICMP error for one peer must not stop the node; its connection times out
    const discovery = await openDiscovery(this.options.discovery, this.staticPeerCount);
    if (discovery) this.discoveryClosed = discovery.closed;
    this.launch(this.address.port, discovery);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const listener = this.listener;
    this.listener = null;
    // The listening socket stays open while inbound connections send their close notices and take
    // the acknowledgements; the stop's grace period cuts what is left, which empties the table.
    let closed = Promise.resolve();
    this.halt(() => {
      closed = new Promise<void>((resolve) => {
        this.linksGone = resolve;
        if (this.links.size === 0) resolve();
      }).then(() => (listener ? closeSocket(listener) : undefined));
    });
    await Promise.all([closed, this.discoveryClosed]);
    this.orchestrator.forgetConnections();
  }

  protected override drive(link: DatagramLink, core: AsocConnection, lifecycle: ConnectionLifecycle<DatagramConnection>): DatagramConnection {
    return new DatagramConnection(link, core, { ...lifecycle, stream: (stream) => this.deliver(stream) }, { maxFrameBytes: this.maxFrameBytes }, this.flow);
  }

  protected override sendOn(conn: DatagramConnection, source: ByteSource, options: SendOptions): Promise<SendReceipt> {
    return conn.send(source, options);
  }

  private receive(listener: dgram.Socket, datagram: Uint8Array, address: string, port: number): void {
    const key = `${address}|${port}`;
    let link = this.links.get(key);
    if (!link) {
      if (!this.running || !opensConnection(datagram)) return;
      link = new UdpLink(listener, address, port, () => this.forget(key));
      this.links.set(key, link);
      this.orchestrator.accept(link, address);
    }
    link.receive(datagram);
  }

  private forget(key: string): void {
    this.links.delete(key);
    if (this.links.size === 0) this.linksGone?.();
  }
}

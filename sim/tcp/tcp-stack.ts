/**
 * A host's TCP: listeners by port, connections by (local port, remote address, remote port), and
 * the answers to segments nobody owns (a RST, as a real stack sends: connection refused, or a stale
 * connection). Initial sequence numbers come from the host's random stream.
 */
import type { StackHost } from '../stack-host.ts';
import { EMPTY_PAYLOAD, Packet, Protocol, TcpFlag } from '../packet.ts';
import type { SimRandom } from '../random.ts';
import { TcpConnection, type ConnectionOwner } from './tcp-connection.ts';
import type { TcpOptions } from './tcp-options.ts';
import type { TcpSocket } from './tcp-socket.ts';

const FIRST_EPHEMERAL_PORT = 49152;
const PORT_COUNT = 65536;

export interface TcpListener {
  readonly port: number;
  close(): void;
}

interface Listening {
  onConnection: (socket: TcpSocket) => void;
  options: Readonly<TcpOptions>;
}

export class TcpStack implements ConnectionOwner {
  private readonly listeners = new Map<number, Listening>();
  /** local port → (remote address × 2^16 + remote port) → connection */
  private readonly connections = new Map<number, Map<number, TcpConnection>>();
  private nextEphemeralPort = FIRST_EPHEMERAL_PORT;

  constructor(
    readonly host: StackHost,
    readonly options: Readonly<TcpOptions>,
    private readonly random: SimRandom,
  ) {}

  /** Accepts connections on `port`; `onConnection` gets each one once its handshake completed. */
  listen(port: number, onConnection: (socket: TcpSocket) => void, options: Partial<TcpOptions> = {}): TcpListener {
    if (this.listeners.has(port)) throw new Error(`${this.host.name}: port ${port} is already listening`);
    this.listeners.set(port, { onConnection, options: { ...this.options, ...options } });
    return { port, close: () => this.listeners.delete(port) };
  }

  /** Opens a connection; the socket reports onConnect, or onClose('refused' | 'timeout'). */
  connect(address: string | number, port: number, options: Partial<TcpOptions> = {}): TcpSocket {
    const remote = this.host.addresses.resolve(address);
    const localPort = this.ephemeralPort(remote, port);
    const ends = { localPort, remoteAddress: remote, remotePort: port };
    const settings = { ...this.options, ...options };
    const connection = new TcpConnection(this, settings, this.random.u32(), ends, { kind: 'active' });
    this.table(localPort).set(remoteKey(remote, port), connection);
    return connection;
  }

  /** The connections open now (any state but CLOSED), for inspection by tests and adversaries. */
  sockets(): TcpSocket[] {
    return [...this.connections.values()].flatMap((table) => [...table.values()]);
  }

  segmentArrived(packet: Packet): void {
    const connection = this.connections.get(packet.dstPort)?.get(remoteKey(packet.src, packet.srcPort));
    if (connection !== undefined) {
      connection.segmentArrived(packet);
      return;
    }
    const listening = this.listeners.get(packet.dstPort);
    const isSyn = packet.has(TcpFlag.SYN) && !packet.has(TcpFlag.ACK) && !packet.has(TcpFlag.RST);
    if (listening !== undefined && isSyn) {
      const ends = { localPort: packet.dstPort, remoteAddress: packet.src, remotePort: packet.srcPort };
      const initial = { kind: 'passive', syn: packet } as const;
      const passive = new TcpConnection(this, listening.options, this.random.u32(), ends, initial);
      this.table(packet.dstPort).set(remoteKey(packet.src, packet.srcPort), passive);
      return;
    }
    if (!packet.has(TcpFlag.RST)) this.sendReset(packet);
  }

  /** The RST that answers `packet` (RFC 793 "reset generation"). */
  sendReset(packet: Packet): void {
    const hasAck = packet.has(TcpFlag.ACK);
    const segmentLength = packet.payload.length + (packet.has(TcpFlag.SYN) ? 1 : 0) + (packet.has(TcpFlag.FIN) ? 1 : 0);
    this.host.event('tcp.reset-sent', { port: packet.dstPort });
    this.host.transmit(
      new Packet({
        protocol: Protocol.TCP,
        src: this.host.address,
        dst: packet.src,
        srcPort: packet.dstPort,
        dstPort: packet.srcPort,
        seq: hasAck ? packet.ack : 0,
        ack: hasAck ? 0 : (packet.seq + segmentLength) >>> 0,
        flags: hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
        window: 0,
        mss: 0,
        payload: EMPTY_PAYLOAD,
      }),
    );
  }

  accepted(connection: TcpConnection): void {
    const listening = this.listeners.get(connection.localPort);
    if (listening === undefined) connection.destroy();
    else listening.onConnection(connection);
  }

  removed(connection: TcpConnection): void {
    const table = this.connections.get(connection.localPort);
    table?.delete(remoteKey(connection.remoteAddressValue, connection.remotePort));
    if (table?.size === 0) this.connections.delete(connection.localPort);
  }

  private table(localPort: number): Map<number, TcpConnection> {
    let table = this.connections.get(localPort);
    if (table === undefined) this.connections.set(localPort, (table = new Map()));
    return table;
  }

  private ephemeralPort(remote: number, remotePort: number): number {
    for (let tries = 0; tries < PORT_COUNT - FIRST_EPHEMERAL_PORT; tries++) {
      const port = this.nextEphemeralPort;
      this.nextEphemeralPort = port + 1 === PORT_COUNT ? FIRST_EPHEMERAL_PORT : port + 1;
      if (!this.listeners.has(port) && !this.connections.get(port)?.has(remoteKey(remote, remotePort))) return port;
    }
    throw new Error(`${this.host.name}: no ephemeral port left`);
  }
}

function remoteKey(address: number, port: number): number {
  return address * 0x1_0000 + port;
}

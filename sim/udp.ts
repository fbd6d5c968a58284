/**
 * UDP: datagrams to (address, port) or broadcast to a port on every host sharing a link or switch.
 * A datagram is one packet of any size (no IP fragmentation); one to an unbound port is dropped
 * (no ICMP), and so is one that arrives while nobody listens.
 */
import { BROADCAST_ADDRESS } from './address.ts';
import type { StackHost } from './stack-host.ts';
import { Packet, Protocol } from './packet.ts';

const FIRST_EPHEMERAL_PORT = 49152;

export interface Datagram {
  bytes: Uint8Array;
  fromAddress: string;
  fromPort: number;
  /** True when it was sent to the broadcast address. */
  broadcast: boolean;
}

export class UdpSocket {
  onMessage: ((datagram: Datagram) => void) | null = null;

  constructor(
    private readonly stack: UdpStack,
    readonly port: number,
  ) {}

  send(address: string | number, port: number, bytes: Uint8Array): void {
    this.stack.send(this.port, address, port, bytes);
  }

  broadcast(port: number, bytes: Uint8Array): void {
    this.stack.send(this.port, BROADCAST_ADDRESS, port, bytes);
  }

  close(): void {
    this.stack.unbind(this.port);
  }
}

export class UdpStack {
  private readonly sockets = new Map<number, UdpSocket>();
  private nextEphemeralPort = FIRST_EPHEMERAL_PORT;

  constructor(private readonly host: StackHost) {}

  /** Binds `port`, or a free ephemeral port when none is given. */
  bind(port?: number): UdpSocket {
    const chosen = port ?? this.freePort();
    if (this.sockets.has(chosen)) throw new Error(`${this.host.name}: UDP port ${chosen} is in use`);
    const socket = new UdpSocket(this, chosen);
    this.sockets.set(chosen, socket);
    return socket;
  }

  send(srcPort: number, to: string | number, dstPort: number, bytes: Uint8Array): void {
    const dst = this.host.addresses.resolve(to);
    this.host.transmit(
      new Packet({
        protocol: Protocol.UDP,
        src: this.host.address,
        dst,
        srcPort,
        dstPort,
        seq: 0,
        ack: 0,
        flags: 0,
        window: 0,
        mss: 0,
        payload: bytes,
      }),
    );
  }

  unbind(port: number): void {
    this.sockets.delete(port);
  }

  datagramArrived(packet: Packet): void {
    const socket = this.sockets.get(packet.dstPort);
    if (socket?.onMessage == null) {
      this.host.event('udp.unbound', { port: packet.dstPort });
      return;
    }
    socket.onMessage({
      bytes: packet.payload,
      fromAddress: this.host.addresses.textOf(packet.src),
      fromPort: packet.srcPort,
      broadcast: packet.dst === BROADCAST_ADDRESS,
    });
  }

  private freePort(): number {
    while (this.sockets.has(this.nextEphemeralPort)) this.nextEphemeralPort++;
    return this.nextEphemeralPort++;
  }
}

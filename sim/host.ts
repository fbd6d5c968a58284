/**
 * A simulated machine: one address (IPv4, or IPv6 through the simulation's AddressBook), a local
 * clock (virtual time + skew), a CPU that every packet in or out must pass through, and TCP and UDP
 * stacks. Links and switches attach to it by giving it routes (which channel reaches which
 * address); there is no multi-hop routing, so hosts that talk share a link or a switch.
 */
import { BROADCAST_ADDRESS, type AddressBook } from './address.ts';
import type { Channel } from './channel.ts';
import { Cpu, type CpuCosts } from './cpu.ts';
import { Protocol, type Packet } from './packet.ts';
import type { SimRandom } from './random.ts';
import type { Scheduler } from './scheduler.ts';
import type { StackHost } from './stack-host.ts';
import { TcpStack } from './tcp/tcp-stack.ts';
import type { TcpOptions } from './tcp/tcp-options.ts';
import type { Trace, TraceFields } from './trace.ts';
import { UdpStack } from './udp.ts';

export interface HostContext {
  scheduler: Scheduler;
  trace: Trace;
  /** The host's own random stream (TCP initial sequence numbers). */
  random: SimRandom;
  /** The simulation's addresses: what a value stands for, and the value of a text. */
  addresses: AddressBook;
}

export interface HostConfig {
  name: string;
  address: number;
  clockSkewMs: number;
  cpu: Readonly<CpuCosts>;
  receiveBacklogFrames: number;
  tcp: Readonly<TcpOptions>;
}

export class Host implements StackHost {
  readonly name: string;
  readonly address: number;
  readonly addressText: string;
  readonly addresses: AddressBook;
  /** Trace id. */
  readonly id: number;
  readonly cpu: Cpu;
  readonly tcp: TcpStack;
  readonly udp: UdpStack;
  readonly scheduler: Scheduler;
  /** Local clock minus virtual time; may be changed during a run (a clock step). */
  clockSkewMs: number;

  private readonly trace: Trace;
  private readonly routes = new Map<number, Channel>();
  private readonly interfaces: Channel[] = [];

  constructor(config: HostConfig, context: HostContext) {
    this.name = config.name;
    this.address = config.address;
    this.addresses = context.addresses;
    this.addressText = context.addresses.textOf(config.address);
    this.clockSkewMs = config.clockSkewMs;
    this.scheduler = context.scheduler;
    this.trace = context.trace;
    this.id = context.trace.registerHost(config.name);
    this.cpu = new Cpu(context.scheduler, config.cpu, config.receiveBacklogFrames);
    this.tcp = new TcpStack(this, config.tcp, context.random);
    this.udp = new UdpStack(this);
  }

  /** The host's local clock in milliseconds. */
  now(): number {
    return this.scheduler.now + this.clockSkewMs;
  }

  /** Virtual time at which the local clock shows `localTime`. */
  toVirtualTime(localTime: number): number {
    return localTime - this.clockSkewMs;
  }

  /** Adds a protocol event to the trace, stamped with virtual time and this host. */
  event(name: string, fields?: TraceFields): void {
    this.trace.event(this.scheduler.now, this.id, name, fields);
  }

  /** Called by links and switches: `channel` leaves this host (broadcasts go out on every one). */
  addInterface(channel: Channel): void {
    this.interfaces.push(channel);
  }

  /** Called by links and switches: `channel` is this host's way to `address`. */
  addRoute(address: number, channel: Channel): void {
    this.routes.set(address, channel);
  }

  /** Sends a packet: CPU first, then the channel towards its destination (every interface for broadcast). */
  transmit(packet: Packet): void {
    this.cpu.send(packet, () => this.route(packet));
  }

  /** A channel delivers a packet to this host. */
  receive(packet: Packet): void {
    if (packet.dst !== this.address && packet.dst !== BROADCAST_ADDRESS) {
      this.event('ip.not-addressed', { dst: this.addresses.textOf(packet.dst) });
      return;
    }
    if (!this.cpu.receive(packet, this.demultiplex)) this.event('cpu.backlog-drop');
  }

  private route(packet: Packet): void {
    if (packet.dst === BROADCAST_ADDRESS) {
      for (const channel of this.interfaces) channel.offer(packet);
      return;
    }
    const channel = this.routes.get(packet.dst);
    if (channel === undefined) this.event('ip.unroutable', { dst: this.addresses.textOf(packet.dst) });
    else channel.offer(packet);
  }

  private readonly demultiplex = (packet: Packet): void => {
    if (packet.protocol === Protocol.TCP) this.tcp.segmentArrived(packet);
    else this.udp.datagramArrived(packet);
  };
}

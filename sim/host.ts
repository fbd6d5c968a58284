/**
    const channel = this.routes.get(packet.dst) ?? (packet.dst !== this.address && this.lan?.reaches(packet.dst) ? this.lan.uplink : undefined);
    if (channel === undefined) this.event('ip.unroutable', { dst: this.addresses.textOf(packet.dst) });
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

/** The switch port a host is attached to: its uplink, and which addresses the switch reaches. */
export interface SwitchUplink {
  readonly uplink: Channel;
  reaches(address: number): boolean;
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
  /** Point-to-point routes; one added after the host joined a switch takes precedence over the switch. */
  private readonly routes = new Map<number, Channel>();
  private readonly interfaces: Channel[] = [];
  private lan: SwitchUplink | null = null;

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

  /** Called by links: `channel` is this host's way to `address`. */
  addRoute(address: number, channel: Channel): void {
    this.routes.set(address, channel);
  }

  /**
   * Called by a switch: every address it reaches (but this host's own) goes up `lan.uplink`, over
   * any point-to-point route added before, as if the switch had added a route to each of them.
   * Returns the addresses whose point-to-point routes the switch now covers.
   */
  joinSwitch(lan: SwitchUplink, switchName: string): number[] {
    if (this.lan !== null) throw new Error(`${this.name} is already on a switch (a host has one switch port); cannot join ${switchName}`);
    this.lan = lan;
    const covered = [...this.routes.keys()].filter((address) => lan.reaches(address));
    for (const address of covered) this.routes.delete(address);
    return covered;
  }

  /** A host joined this host's switch: it is reached through the switch from now on, over an older point-to-point route. */
  switchMemberJoined(address: number): void {
    this.routes.delete(address);
  }

  /** Sends a packet: CPU first, then the channel towards its destination (every interface for broadcast). */
  transmit(packet: Packet): void {
    this.cpu.send(packet, this.route);
  }

  /** A channel delivers a packet to this host. */
  receive(packet: Packet): void {
    if (packet.dst !== this.address && packet.dst !== BROADCAST_ADDRESS) {
      this.event('ip.not-addressed', { dst: this.addresses.textOf(packet.dst) });
      return;
    }
    if (!this.cpu.receive(packet, this.demultiplex)) this.event('cpu.backlog-drop');
  }

  private readonly route = (packet: Packet): void => {
    if (packet.dst === BROADCAST_ADDRESS) {
      for (const channel of this.interfaces) channel.offer(packet);
      return;
    }
    const channel = this.routes.get(packet.dst) ?? (packet.dst !== this.address && this.lan?.reaches(packet.dst) ? this.lan.uplink : undefined);
    if (channel === undefined) this.event('ip.unroutable', { dst: this.addresses.textOf(packet.dst) });
    else channel.offer(packet);
  };

  private readonly demultiplex = (packet: Packet): void => {
    if (packet.protocol === Protocol.TCP) this.tcp.segmentArrived(packet);
    else this.udp.datagramArrived(packet);
  };
}

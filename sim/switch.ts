/**
 * A store-and-forward switch: one broadcast domain. Each attached host gets a port made of two
 * channels (host → switch and switch → host), so a port's queue and bandwidth are the host's NIC and
 * the switch's output queue; several senders towards one host queue at that host's port. A broadcast
 * packet is copied to every port except the one it came in on.
 *
 * Partitions between groups of hosts live in the switch (a barrier per ordered pair of ports), so the
 * hosts on one side still reach each other.
 *
 * Switches can be joined by trunks (connect()) into a fabric (leaf-spine.ts): a switch sends a
 * unicast packet for an address it has no port for to the trunk its `beyond` route picks; hosts
 * attached to it reach those addresses through it. Broadcasts stay on the switch they were sent
 * on (one broadcast domain per switch, as racks of a routed fabric are).
 */
import { BROADCAST_ADDRESS } from './address.ts';
import { Barrier } from './barrier.ts';
import { Channel, type ChannelContext, type ChannelOptions } from './channel.ts';
import type { Host } from './host.ts';
import type { Packet } from './packet.ts';
import type { Scheduler } from './scheduler.ts';
import type { Trace } from './trace.ts';

/** The ingress of packets that came over a trunk (no host port; partitions apply to host ports only). */
const TRUNK_INGRESS = -1;

export class SwitchPort {
  constructor(
    readonly host: Host,
    readonly index: number,
    /** host → switch */
    readonly uplink: Channel,
    /** switch → host */
    readonly downlink: Channel,
  ) {}
}

/** Where a switch sends packets for addresses beyond its own ports (a fabric's routing). */
export interface BeyondRoute {
  reaches(dst: number): boolean;
  /** The trunk a packet from `src` to `dst` leaves on (the same for every packet of the pair). */
  trunk(src: number, dst: number): Channel;
}

export interface SwitchContext {
  scheduler: Scheduler;
  trace: Trace;
  channelContext: (channelName: string) => ChannelContext;
}

export class Switch {
  private readonly ports: SwitchPort[] = [];
  private readonly portByAddress = new Map<number, SwitchPort>();
  /** Barriers by (ingress index × 2^16 + egress index), only for pairs ever partitioned or held. */
  private readonly barriers = new Map<number, Barrier>();
  private beyond: BeyondRoute | null = null;

  constructor(
    readonly name: string,
    private readonly portDefaults: Partial<ChannelOptions>,
    private readonly context: SwitchContext,
  ) {}

  /** Connects a host; `options` override the switch's port defaults for this port (both directions). */
  attach(host: Host, options: Partial<ChannelOptions> = {}): SwitchPort {
    const settings = { ...this.portDefaults, ...options };
    const up = `${host.name}->${this.name}`;
    const down = `${this.name}->${host.name}`;
    const index = this.ports.length;
    const uplink = new Channel(up, settings, this.context.channelContext(up), (packet) => this.forward(packet, index));
    const downlink = new Channel(down, settings, this.context.channelContext(down), (packet) => host.receive(packet));
    const port = new SwitchPort(host, index, uplink, downlink);
    // Members reach each other through the switch, over point-to-point routes made before (a link's two ends route to each other).
    const covered = host.joinSwitch({ uplink, reaches: (address) => this.reaches(address) }, this.name);
    for (const address of covered) this.portByAddress.get(address)!.host.switchMemberJoined(host.address);
    host.addInterface(uplink);
    this.ports.push(port);
    this.portByAddress.set(host.address, port);
    return port;
  }

  /** A trunk from this switch to `peer` (one direction; the fabric makes the other). */
  connect(peer: Switch, options: Partial<ChannelOptions>): Channel {
    const name = `${this.name}->${peer.name}`;
    return new Channel(name, options, this.context.channelContext(name), (packet) => peer.forward(packet, TRUNK_INGRESS));
  }

  /** Routes addresses this switch has no port for (set once, by the fabric). */
  routeBeyond(route: BeyondRoute): void {
    this.beyond = route;
  }

  /** Whether a packet for `address` leaves this switch somewhere: one of its ports, or a trunk. */
  reaches(address: number): boolean {
    return this.portByAddress.has(address) || (this.beyond?.reaches(address) ?? false);
  }

  port(host: Host): SwitchPort {
    const port = this.portByAddress.get(host.address);
    if (port === undefined) throw new Error(`${host.name} is not attached to ${this.name}`);
    return port;
  }

  /** Packets between the two groups (both ways) are lost until heal(). */
  partition(groupA: Host[], groupB: Host[]): void {
    this.eachPair(groupA, groupB, (barrier) => barrier.partition());
  }

  /** Packets between the two groups (both ways) wait until heal(). */
  hold(groupA: Host[], groupB: Host[]): void {
    this.eachPair(groupA, groupB, (barrier) => barrier.hold());
  }

  /** Ends every partition and hold, sending held packets on in order. */
  heal(): void {
    for (const [key, barrier] of this.barriers) {
      const egress = this.ports[key & 0xffff]!;
      for (const packet of barrier.heal()) egress.downlink.offer(packet);
    }
    this.barriers.clear();
  }

  private eachPair(groupA: Host[], groupB: Host[], apply: (barrier: Barrier) => void): void {
    for (const a of groupA) {
      for (const b of groupB) {
        apply(this.barrier(this.port(a).index, this.port(b).index));
        apply(this.barrier(this.port(b).index, this.port(a).index));
      }
    }
  }

  private barrier(ingress: number, egress: number): Barrier {
    const key = ingress * 0x1_0000 + egress;
    let barrier = this.barriers.get(key);
    if (barrier === undefined) this.barriers.set(key, (barrier = new Barrier()));
    return barrier;
  }

  private forward(packet: Packet, ingress: number): void {
    if (packet.dst === BROADCAST_ADDRESS) {
      if (ingress === TRUNK_INGRESS) return;
      for (const port of this.ports) if (port.index !== ingress) this.egress(packet, ingress, port);
      return;
    }
    const port = this.portByAddress.get(packet.dst);
    if (port !== undefined) {
      if (port.index !== ingress) this.egress(packet, ingress, port);
    } else if (this.beyond?.reaches(packet.dst)) {
      this.beyond.trunk(packet.src, packet.dst).offer(packet);
    }
  }

  private egress(packet: Packet, ingress: number, port: SwitchPort): void {
    const barrier = this.barriers.size === 0 ? undefined : this.barriers.get(ingress * 0x1_0000 + port.index);
    const admitted = barrier === undefined ? 'pass' : barrier.admit(packet);
    if (admitted === 'pass') {
      port.downlink.offer(packet);
      return;
    }
    const { trace, scheduler } = this.context;
    if (admitted === 'drop') trace.packet('drop', scheduler.now, port.downlink.id, packet, 'partition');
    else trace.packet('hold', scheduler.now, port.downlink.id, packet);
  }
}

/**
 * A simulated network: the scheduler (virtual clock and event queue), the seeded random streams,
 * the trace, and the hosts, links and switches built on them.
 *
 *   const sim = new Simulation({ seed: 7 });
 *   const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
 *   const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
 *   sim.link(a, b, { bandwidthBps: 100e6, latencyMs: 5 });
 *   b.tcp.listen(9000, (socket) => { socket.onData = … });
 *   const socket = a.tcp.connect('10.0.0.2', 9000);
 *   sim.scheduler.runUntilIdle();
 *   sim.trace.digest();
 *
 * Random streams are named after the component that draws from them (`host:<name>`,
 * `channel:<from>-><to>`), so their draws depend on the seed and the name only.
 */
import { AddressBook } from './address.ts';
import type { ChannelContext, ChannelOptions } from './channel.ts';
import { DEFAULT_CPU_COSTS, DEFAULT_RECEIVE_BACKLOG_FRAMES, type CpuCosts } from './cpu.ts';
import { Host } from './host.ts';
import { PointToPointLink, type LinkOptions } from './link.ts';
import { RandomStreams } from './random.ts';
import { Scheduler, type SchedulerOptions } from './scheduler.ts';
import { Switch } from './switch.ts';
import { DEFAULT_TCP_OPTIONS, type TcpOptions } from './tcp/tcp-options.ts';
import { Trace, type TraceOptions } from './trace.ts';

export interface SimulationOptions extends SchedulerOptions {
  seed: string | number;
  trace?: TraceOptions;
}

export interface HostOptions {
  name: string;
  /** Dotted quad, e.g. "10.0.0.1", or IPv6, e.g. "2001:db8::1" (see AddressBook for what that models). */
  address: string;
  clockSkewMs?: number;
  cpu?: Partial<CpuCosts>;
  /** Received frames that may wait for the CPU; more are dropped. */
  receiveBacklogFrames?: number;
  tcp?: Partial<TcpOptions>;
}

export class Simulation {
  readonly scheduler: Scheduler;
  readonly random: RandomStreams;
  readonly trace: Trace;
  readonly addresses = new AddressBook();
  private readonly hostsByName = new Map<string, Host>();
  private readonly takenAddresses = new Set<number>();

  constructor(options: SimulationOptions) {
    this.scheduler = new Scheduler(options);
    this.random = new RandomStreams(options.seed);
    this.trace = new Trace(options.trace, this.addresses);
  }

  get hosts(): Host[] {
    return [...this.hostsByName.values()];
  }

  addHost(options: HostOptions): Host {
    const address = this.addresses.register(options.address);
    if (this.hostsByName.has(options.name)) throw new Error(`host name ${options.name} is taken`);
    if (this.takenAddresses.has(address)) throw new Error(`address ${options.address} is taken`);
    const host = new Host(
      {
        name: options.name,
        address,
        clockSkewMs: options.clockSkewMs ?? 0,
        cpu: { ...DEFAULT_CPU_COSTS, ...options.cpu },
        receiveBacklogFrames: options.receiveBacklogFrames ?? DEFAULT_RECEIVE_BACKLOG_FRAMES,
        tcp: { ...DEFAULT_TCP_OPTIONS, ...options.tcp },
      },
      { scheduler: this.scheduler, trace: this.trace, random: this.random.stream(`host:${options.name}`), addresses: this.addresses },
    );
    this.hostsByName.set(options.name, host);
    this.takenAddresses.add(address);
    return host;
  }

  /** A point-to-point link between two hosts. */
  link(a: Host, b: Host, options: LinkOptions = {}): PointToPointLink {
    return new PointToPointLink(a, b, options, (name) => this.channelContext(name));
  }

  /** A switch; `portDefaults` apply to every port unless attach() overrides them. */
  addSwitch(name: string, portDefaults: Partial<ChannelOptions> = {}): Switch {
    return new Switch(name, portDefaults, {
      scheduler: this.scheduler,
      trace: this.trace,
      channelContext: (channelName) => this.channelContext(channelName),
    });
  }

  private channelContext(name: string): ChannelContext {
    return { scheduler: this.scheduler, trace: this.trace, random: this.random.stream(`channel:${name}`) };
  }
}

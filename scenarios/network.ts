/**
 * A scenario's topology built in a Simulation: hosts (groups expanded, CPU costs resolved), links,
 * switches and leaf-spine fabrics (the hosts cut into racks in order); and the two questions the rest of the runner asks of it: which channels carry
 * packets from one host to another, and how to cut, hold or heal the paths between two sides.
 */
import type { Channel } from '../sim/channel.ts';
import type { Host } from '../sim/host.ts';
import { LeafSpine } from '../sim/leaf-spine.ts';
import type { PointToPointLink } from '../sim/link.ts';
import type { Simulation } from '../sim/simulation.ts';
import type { Switch, SwitchPort } from '../sim/switch.ts';
import type { TcpOptions } from '../sim/tcp/tcp-options.ts';
import { hostCpuCosts, type Calibration, type HostCpuCosts } from './calibration.ts';
import { expandHosts, type HostIndex } from './hosts.ts';
import type { EventSpec, HostSpec, Scenario } from './schema.ts';

export class TopologyError extends Error {
  override readonly name = 'TopologyError';
}

/** The same object without its undefined fields, so simulator defaults fill them. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface SimHost {
  host: Host;
  spec: HostSpec;
  costs: HostCpuCosts;
}

export class Network {
  readonly hosts = new Map<string, SimHost>();
  private readonly links = new Map<string, PointToPointLink>();
  private readonly switches: Switch[] = [];
  private readonly switchOf = new Map<string, { sw: Switch; port: SwitchPort }>();
  readonly fabrics: LeafSpine[] = [];
  private readonly fabricOf = new Map<string, LeafSpine>();
  readonly index: HostIndex<HostSpec>;

  constructor(
    readonly sim: Simulation,
    scenario: Scenario,
    calibration: () => Calibration,
  ) {
    this.index = expandHosts(scenario.topology.hosts).index;
    for (const { name, address, spec } of this.index.hosts) {
      const costs = hostCpuCosts(spec.cpu, calibration);
      const tcp: Partial<TcpOptions> = spec.tcp === undefined ? {} : defined(spec.tcp);
      const host = sim.addHost({ name, address, clockSkewMs: spec.clockSkewMs ?? 0, cpu: costs.packet, tcp });
      this.hosts.set(name, { host, spec, costs });
    }
    for (const link of scenario.topology.links) {
      const [a, b] = link.between.map((name) => this.host(name).host) as [Host, Host];
      const { between: _, ...channel } = link;
      this.links.set(pairKey(a.name, b.name), sim.link(a, b, defined(channel)));
    }
    for (const spec of scenario.topology.switches) {
      const sw = sim.addSwitch(spec.name, spec.port === undefined ? {} : defined(spec.port));
      this.switches.push(sw);
      const members = spec.hosts === 'all' ? this.index.hosts.map((h) => h.name).filter((name) => !this.switchOf.has(name)) : this.index.resolve(spec.hosts);
      for (const name of members) this.switchOf.set(name, { sw, port: sw.attach(this.host(name).host) });
    }
    for (const spec of scenario.topology.fabrics) {
      const members = spec.hosts === 'all' ? this.index.hosts.map((h) => h.name).filter((name) => !this.switchOf.has(name)) : this.index.resolve(spec.hosts);
      const racks = Array.from({ length: Math.ceil(members.length / spec.rackSize) }, (_, r) => members.slice(r * spec.rackSize, (r + 1) * spec.rackSize).map((name) => this.host(name).host));
      const fabric = new LeafSpine(sim, { name: spec.name, racks, spines: spec.spines, hostPort: spec.port === undefined ? {} : defined(spec.port), trunk: spec.trunk === undefined ? {} : defined(spec.trunk) });
      this.fabrics.push(fabric);
      for (const name of members) {
        const host = this.host(name).host;
        const sw = fabric.leaves[fabric.rackIndex(host)]!;
        this.switchOf.set(name, { sw, port: sw.port(host) });
        this.fabricOf.set(name, fabric);
      }
    }
  }

  host(name: string): SimHost {
    const host = this.hosts.get(name);
    if (host === undefined) throw new TopologyError(`no host named "${name}"`);
    return host;
  }

  /** The channels a packet from `from` to `to` crosses, in order. */
  path(from: string, to: string): Channel[] {
    const link = this.links.get(pairKey(from, to));
    if (link !== undefined) return [link.from(this.host(from).host)];
    const fabric = this.fabricOf.get(from);
    if (fabric !== undefined && fabric === this.fabricOf.get(to)) return fabric.path(this.host(from).host, this.host(to).host);
    const a = this.switchOf.get(from);
    const b = this.switchOf.get(to);
    if (a !== undefined && b !== undefined && a.sw === b.sw) return [a.port.uplink, b.port.downlink];
    throw new TopologyError(`no link or switch joins "${from}" and "${to}"`);
  }

  /**
   * What a scenario event does, resolved now (so a pair of hosts nothing joins is an error before
   * the run): partition, hold or heal every path between the two sides; heal without sides heals
   * every link and switch. A switch heals as a whole (every partition and hold on it ends).
   */
  eventAction(event: EventSpec): () => void {
    if (event.between === undefined) {
      return () => {
        for (const link of this.links.values()) link.heal();
        for (const sw of this.switches) sw.heal();
      };
    }
    const [sideA, sideB] = event.between.map((side) => this.index.resolve(side)) as [string[], string[]];
    const links = new Set<PointToPointLink>();
    const onSwitch = new Map<Switch, { a: Set<Host>; b: Set<Host> }>();
    for (const a of sideA) {
      for (const b of sideB) {
        this.path(a, b); // throws when nothing joins them
        const link = this.links.get(pairKey(a, b));
        if (link !== undefined) {
          links.add(link);
          continue;
        }
        const sw = this.switchOf.get(a)!.sw;
        if (sw !== this.switchOf.get(b)!.sw) throw new TopologyError(`"${a}" and "${b}" are in different racks of a fabric: events act on one link or one switch`);
        const groups = onSwitch.get(sw) ?? { a: new Set<Host>(), b: new Set<Host>() };
        groups.a.add(this.host(a).host);
        groups.b.add(this.host(b).host);
        onSwitch.set(sw, groups);
      }
    }
    const action = event.action;
    return () => {
      for (const link of links) link[action]();
      for (const [sw, groups] of onSwitch) {
        if (action === 'heal') sw.heal();
        else sw[action]([...groups.a], [...groups.b]);
      }
    };
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

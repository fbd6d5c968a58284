/**
 * A leaf-spine fabric: racks of hosts, each rack on its own leaf switch (one broadcast domain),
 * every leaf joined to every spine by a trunk each way. A packet to a host in another rack goes
 * host → leaf → spine → leaf → host; the spine is chosen per pair of addresses by a fixed hash
 * (ECMP on the address pair: every packet of a pair takes the same spine, pairs spread over the
 * spines and may collide, as with a real fabric's flow hashing).
 *
 * Oversubscription is what a rack can send against what its leaf can send up:
 * hosts per rack × host port rate ÷ (spines × trunk rate); 1 is non-blocking.
 */
import { DEFAULT_CHANNEL_OPTIONS, type Channel, type ChannelOptions } from './channel.ts';
import type { Host } from './host.ts';
import type { Simulation } from './simulation.ts';
import type { Switch } from './switch.ts';

export interface LeafSpineOptions {
  name: string;
  /** The hosts of each rack (each rack gets a leaf). */
  racks: readonly (readonly Host[])[];
  spines: number;
  /** Every host ↔ leaf port, both directions. */
  hostPort: Partial<ChannelOptions>;
  /** Every leaf ↔ spine trunk, each direction. */
  trunk: Partial<ChannelOptions>;
}

export class LeafSpineError extends Error {
  override readonly name = 'LeafSpineError';
}

export class LeafSpine {
  readonly leaves: Switch[] = [];
  readonly spines: Switch[] = [];
  /** up[leaf][spine], down[spine][leaf] */
  private readonly up: Channel[][] = [];
  private readonly down: Channel[][] = [];
  private readonly rackOf = new Map<number, number>();

  constructor(sim: Simulation, readonly options: LeafSpineOptions) {
    const { name, racks, spines } = options;
    if (racks.length < 1 || racks.some((rack) => rack.length < 1)) throw new LeafSpineError(`${name}: every rack needs a host`);
    if (!(Number.isInteger(spines) && spines >= 1)) throw new LeafSpineError(`${name}: spines must be a positive integer, got ${spines}`);
    racks.forEach((rack, r) => rack.forEach((host) => this.rackOf.set(host.address, r)));
    for (let s = 0; s < spines; s++) this.spines.push(sim.addSwitch(`${name}-spine-${s + 1}`));
    racks.forEach((rack, r) => {
      const leaf = sim.addSwitch(`${name}-leaf-${r + 1}`, options.hostPort);
      this.leaves.push(leaf);
      for (const host of rack) leaf.attach(host);
      this.up.push(this.spines.map((spine) => leaf.connect(spine, options.trunk)));
    });
    this.spines.forEach((spine, s) => {
      this.down.push(this.leaves.map((leaf) => spine.connect(leaf, options.trunk)));
      spine.routeBeyond({ reaches: (dst) => this.rackOf.has(dst), trunk: (_src, dst) => this.down[s]![this.rackOf.get(dst)!]! });
    });
    this.leaves.forEach((leaf, r) => {
      leaf.routeBeyond({ reaches: (dst) => this.rackOf.has(dst) && this.rackOf.get(dst) !== r, trunk: (src, dst) => this.up[r]![this.spineFor(src, dst)]! });
    });
  }

  /** Hosts per rack × host rate ÷ (spines × trunk rate), for the largest rack. */
  get oversubscription(): number {
    const hosts = Math.max(...this.options.racks.map((rack) => rack.length));
    return (hosts * this.rate(this.options.hostPort)) / (this.spines.length * this.rate(this.options.trunk));
  }

  /** The channels a packet from `from` to `to` crosses, in order. */
  path(from: Host, to: Host): Channel[] {
    const a = this.rackIndex(from);
    const b = this.rackIndex(to);
    const first = this.leaves[a]!.port(from).uplink;
    const last = this.leaves[b]!.port(to).downlink;
    if (a === b) return [first, last];
    const s = this.spineFor(from.address, to.address);
    return [first, this.up[a]![s]!, this.down[s]![b]!, last];
  }

  rackIndex(host: Host): number {
    const rack = this.rackOf.get(host.address);
    if (rack === undefined) throw new LeafSpineError(`${host.name} is not in fabric ${this.options.name}`);
    return rack;
  }

  /** ECMP: a fixed hash of the address pair (both directions of a pair may take different spines). */
  private spineFor(src: number, dst: number): number {
    let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(dst ^ 0xc2b2ae35, 0x27d4eb2f);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return (h >>> 0) % this.spines.length;
  }

  private rate(options: Partial<ChannelOptions>): number {
    return options.bandwidthBps ?? DEFAULT_CHANNEL_OPTIONS.bandwidthBps;
  }
}

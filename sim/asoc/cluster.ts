/**
 * Common topologies in one call: `size` hosts on one switch (one broadcast domain), each running a
 * SimAsocNode, wired as
 * - `mesh`: static peers, node i dials every node j > i (exactly one connection per pair);
 * - `star`: static peers, every node dials node 0 (the hub);
 * - `ring`: static peers, node i dials node i + 1 and the last dials node 0 (with 2 nodes, node 0 dials node 1 only);
 * - `discovery`: no static peers; UDP discovery finds them and the dial rule picks who dials.
 *
 * Hosts are named n0, n1, … at 10.0.0.1, 10.0.0.2, … Nothing runs until start(), which starts every
 * node at once, or each at a seeded random time within `startWithinMs`. Booting within one
 * announcement interval matters for discovery with maxDialedPeers: nodes started at the same instant
 * announce in lockstep, every node hears the announcements in the same order, and first-come
 * choice sends every dial to the same few nodes (which refuse beyond 100 connections).
 */
import { createHash } from 'node:crypto';
import type { ChannelOptions } from '../channel.ts';
import { formatAddress, parseAddress } from '../address.ts';
import type { Host } from '../host.ts';
import { Simulation, type HostOptions, type SimulationOptions } from '../simulation.ts';
import type { Switch } from '../switch.ts';
import { SimAsocNode, type SimAsocNodeOptions } from './sim-node.ts';

export type Topology = 'mesh' | 'star' | 'ring' | 'discovery';

/** What every node of a cluster shares (the cluster supplies sim, host and the peers). */
export type ClusterNodeOptions = Omit<SimAsocNodeOptions, 'sim' | 'host' | 'staticPeers' | 'community' | 'apiKey'> &
  Partial<Pick<SimAsocNodeOptions, 'community' | 'apiKey'>>;

export interface ClusterOptions extends Omit<SimulationOptions, 'seed'> {
  seed: string | number;
  size: number;
  topology: Topology;
  /** Settings of every switch port, both directions (bandwidth, latency, loss …). */
  link?: Partial<ChannelOptions>;
  /** Host settings (CPU costs, TCP options, clock skew). */
  host?: Omit<HostOptions, 'name' | 'address'>;
  /** Node settings, the same for every node or per index. */
  node?: ClusterNodeOptions | ((index: number) => ClusterNodeOptions);
  /** Start each node at a random virtual time in [0, startWithinMs) instead of all at once (default 0). */
  startWithinMs?: number;
}

export const CLUSTER_COMMUNITY = 'sim-lab';
/**
 * A key for simulations, fixtures and benchmarks: 32 bytes that look random (asoc-hardened takes
 * nothing weaker), the same in every run for the same label. Never a real cluster's key: anyone who
 * knows the label knows the key.
 */
export function fixedKey(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest());
}

export const CLUSTER_API_KEY = fixedKey('sim-lab shared secret');
const FIRST_ADDRESS = parseAddress('10.0.0.1');

export interface Cluster {
  sim: Simulation;
  switch: Switch;
  hosts: Host[];
  nodes: SimAsocNode[];
  /** Starts every node: now, in index order, or each at its own time (startWithinMs). */
  start(): void;
  stop(): void;
  /** Established connections, each counted once (at its dialing side). */
  connectionCount(): number;
}

export function clusterAddress(index: number): string {
  return formatAddress(FIRST_ADDRESS + index);
}

export function buildCluster(options: ClusterOptions): Cluster {
  const { seed, size, topology, link, host: hostOptions, node: nodeOptions, startWithinMs = 0, ...simOptions } = options;
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`cluster size must be a positive integer, got ${size}`);
  const sim = new Simulation({ seed, ...simOptions });
  const net = sim.addSwitch('switch', link ?? {});
  const hosts: Host[] = [];
  const nodes: SimAsocNode[] = [];
  for (let i = 0; i < size; i++) {
    const host = sim.addHost({ ...hostOptions, name: `n${i}`, address: clusterAddress(i) });
    net.attach(host);
    hosts.push(host);
    const shared = typeof nodeOptions === 'function' ? nodeOptions(i) : nodeOptions;
    const port = shared?.port;
    nodes.push(
      new SimAsocNode({
        community: CLUSTER_COMMUNITY,
        apiKey: CLUSTER_API_KEY,
        ...shared,
        sim,
        host,
        staticPeers: staticPeersOf(topology, i, size, port),
        discovery: topology === 'discovery' ? (shared?.discovery ?? {}) : false,
      }),
    );
  }
  return {
    sim,
    switch: net,
    hosts,
    nodes,
    start: () => {
      if (startWithinMs <= 0) return nodes.forEach((n) => n.start());
      const random = sim.random.stream('cluster:start');
      for (const n of nodes) sim.scheduler.after(random.between(0, startWithinMs), () => n.start());
    },
    stop: () => nodes.forEach((n) => n.stop()),
    connectionCount: () => nodes.reduce((sum, n) => sum + n.peers().filter((p) => p.direction === 'outbound').length, 0),
  };
}

function staticPeersOf(topology: Topology, index: number, size: number, port = 9000): { address: string; port: number }[] {
  if (topology === 'star') return index === 0 ? [] : [{ address: clusterAddress(0), port }];
  if (topology === 'ring') return size < 2 || (size === 2 && index === 1) ? [] : [{ address: clusterAddress((index + 1) % size), port }];
  if (topology === 'mesh') return Array.from({ length: size - index - 1 }, (_, k) => ({ address: clusterAddress(index + 1 + k), port }));
  return [];
}

/**
 * What the container back-end makes of a scenario file (the same file the simulator runs): one
 * container per host on one network (the namespace back-end lays the same plan out as one network
 * namespace per host on one bridge: netns.ts), each host's roles, the rates its egress is shaped to, the
 * streams each sender starts, the attacks, and what stays the simulator's alone. Every problem is
 * reported at once, each naming its field.
 */
import { ATTACK_NAMES } from '../attacks/live/index.ts';
import { CollectivePlanError, planCollective, type CollectiveKind } from '../scenarios/collective-plans.ts';
import type { ProfileName } from '../src/core/profile.ts';
import { expandHosts } from '../scenarios/hosts.ts';
import { ringPeers } from '../scenarios/ring-peers.ts';
import { formatPath } from '../scenarios/schema.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { coveringSubnet, isBenchAddress, type Subnet } from './bench-net.ts';

export type Role = 'sender' | 'receiver' | 'observer' | 'attacker';

/** What carries a node's connections: TCP (every profile), or UDP (stt only). */
export type Transport = 'tcp' | 'udp';

export interface PlannedNode {
  profile: ProfileName;
  transport: Transport;
  port: number;
  community: string;
  chunkBytes: number;
  /** Host names dialed as static peers. */
  peers: string[];
  discovery: { port: number; maxDialedPeers: number | null } | false;
}

/** Egress shaping on a host's interface: traffic to `to` (or to anyone else, `default`) at `rateBps`. */
export interface EgressRate {
  to: string | 'default';
  rateBps: number;
}

export interface PlannedHost {
  name: string;
  address: string;
  roles: Role[];
  node: PlannedNode | null;
  egress: EgressRate[];
}

export interface PlannedStream {
  workload: string;
  from: string;
  to: string;
  bytes: number;
  chunkBytes: number;
  /** When the sender starts it, after the start signal. */
  atMs: number;
  /** A collective's transfer: indexes (into the plan's streams) of the ones that must have arrived before it starts. */
  after?: number[];
}

/** A collective (scenarios/collective-plans.ts) played as streams: its transfers are the plan's streams at `streams`. */
export interface PlannedCollective {
  name: string;
  kind: CollectiveKind;
  participants: string[];
  bytes: number;
  streams: number[];
}

export interface PlannedAttack {
  name: string;
  from: string;
  target: string;
  /** Other nodes a hello-replay also replays to. */
  replayTo: string[];
}

export interface ContainerPlan {
  name: string;
  description: string;
  subnet: Subnet;
  hosts: PlannedHost[];
  streams: PlannedStream[];
  collectives: PlannedCollective[];
  attacks: PlannedAttack[];
  /** What the file asks for that containers and namespaces do not play (the simulator does). */
  simulatorOnly: string[];
}

export class TopologyPlanError extends Error {
  override readonly name = 'TopologyPlanError';

  constructor(
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`${origin} cannot run on containers:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export interface PlanOptions {
  /** Every node speaks this profile instead of the file's. */
  profile?: ProfileName | undefined;
  /** Every node runs over this transport (default tcp); udp takes only stt nodes and a file without attacks. */
  transport?: Transport | undefined;
}

export function planContainers(scenario: Scenario, origin: string, options: PlanOptions = {}): ContainerPlan {
  const problems: string[] = [];
  const problem = (path: PropertyKey[], message: string) => problems.push(`${formatPath(path)}: ${message}`);
  const { index } = expandHosts(scenario.topology.hosts);
  const addressOf = new Map(index.hosts.map((h) => [h.name, h.address]));

  index.hosts.forEach((host) => {
    const i = scenario.topology.hosts.indexOf(host.spec);
    if (!isBenchAddress(host.address)) problem(['topology', 'hosts', i, 'address'], `${host.name} is at ${host.address}, outside 198.18.0.0/15 (the only block containers use)`);
  });
  const subnet = problems.length === 0 ? coveringSubnet([...addressOf.values()]) : { network: '198.18.0.0', prefix: 15, gateway: '198.18.0.1', broadcast: '198.19.255.255' };
  for (const [name, address] of addressOf) {
    if (address === subnet.network || address === subnet.gateway || address === subnet.broadcast) {
      problem(['topology', 'hosts'], `${name} is at ${address}, which is the network's own address, its gateway (the bridge) or its broadcast address on ${subnet.network}/${subnet.prefix}`);
    }
  }

  const nodes = new Map<string, PlannedNode>();
  const ringPeer = ringPeers(scenario, index);
  for (const spec of scenario.nodes) {
    for (const host of index.resolve(spec.on)) {
      const profile = options.profile ?? spec.profile;
      if (options.transport === 'udp' && profile !== 'stt') problem(['nodes', scenario.nodes.indexOf(spec), 'profile'], `${host} speaks ${profile}, which runs over tcp only: over udp every node speaks stt (--profile stt)`);
      nodes.set(host, {
        profile,
        transport: options.transport ?? 'tcp',
        port: spec.port,
        community: spec.community,
        chunkBytes: spec.chunkBytes,
        peers: [...new Set([...(spec.peers === undefined ? [] : index.resolve(spec.peers)), ...(ringPeer.has(host) ? [ringPeer.get(host)!] : [])])].filter((p) => p !== host),
        discovery: spec.discovery === false ? false : { port: (spec.discovery === true ? undefined : spec.discovery.port) ?? 9999, maxDialedPeers: (spec.discovery === true ? undefined : spec.discovery.maxDialedPeers) ?? null },
      });
    }
  }

  const streams: PlannedStream[] = [];
  for (const workload of scenario.workloads) {
    const receivers = workload.to === 'all' ? [...nodes.keys()].filter((n) => n !== workload.from) : index.resolve(workload.to);
    const rounds = workload.repeat?.count ?? 1;
    for (let round = 0; round < rounds; round++) {
      for (const to of receivers) {
        streams.push({ workload: workload.name, from: workload.from, to, bytes: workload.bytes, chunkBytes: workload.chunkBytes ?? nodes.get(workload.from)!.chunkBytes, atMs: workload.atMs + round * (workload.repeat?.everyMs ?? 0) });
      }
    }
  }

  const { collectives, unplayed } = planCollectives(scenario, nodes, index.resolve.bind(index), streams, problem);

  const attacks = scenario.attacks.flatMap((attack, i) => {
    if (!(ATTACK_NAMES as readonly string[]).includes(attack.name)) problem(['attacks', i, 'name'], `no attack named "${attack.name}" (one of: ${ATTACK_NAMES.join(', ')})`);
    if (options.transport === 'udp') problem(['attacks', i], `${attack.name}: the live attacks speak TCP to their target; run this file over tcp, or without its attacks`);
    const replayTo = attack.replayTo === undefined ? [] : index.resolve(attack.replayTo);
    return index.resolve(attack.from).map((from) => ({ name: attack.name, from, target: attack.target, replayTo }));
  });

  const egress = egressRates(scenario, index.resolve.bind(index), addressOf);
  const hosts = index.hosts.map(({ name, address }): PlannedHost => {
    const roles: Role[] = [];
    if (streams.some((s) => s.from === name)) roles.push('sender');
    if (streams.some((s) => s.to === name)) roles.push('receiver');
    if (attacks.some((a) => a.from === name)) roles.push('attacker');
    if (roles.length === 0 && nodes.has(name)) roles.push('observer');
    return { name, address, roles, node: nodes.get(name) ?? null, egress: egress.get(name) ?? [] };
  });

  if (problems.length > 0) throw new TopologyPlanError(origin, problems);
  return { name: scenario.name, description: scenario.description, subnet, hosts, streams, collectives, attacks, simulatorOnly: simulatorOnly(scenario, unplayed) };
}

/**
 * Each collective's transfers, added to `streams` with their dependencies. A receiving node tells
 * streams apart only by their sender, so a collective plays only when none of its sender → receiver
 * pairs carries an earlier workload's or collective's streams; the others stay the simulator's
 * (`unplayed`).
 */
function planCollectives(scenario: Scenario, nodes: ReadonlyMap<string, PlannedNode>, resolve: (refs: string | string[]) => string[], streams: PlannedStream[], problem: (path: PropertyKey[], message: string) => void): { collectives: PlannedCollective[]; unplayed: string[] } {
  const pairsInUse = new Set(streams.map((s) => `${s.from}>${s.to}`));
  const collectives: PlannedCollective[] = [];
  const unplayed: string[] = [];
  scenario.collectives.forEach((spec, i) => {
    // As the simulator picks them (scenarios/collectives.ts): `all` is every node but the server, in the file's order.
    const participants = spec.nodes === 'all' ? [...nodes.keys()].filter((name) => name !== spec.server) : resolve(spec.nodes);
    let transfers: ReturnType<typeof planCollective>;
    try {
      transfers = planCollective({ kind: spec.kind, participants, bytes: spec.bytes, ...(spec.server ? { server: spec.server } : {}), microBatches: spec.microBatches });
    } catch (err) {
      if (!(err instanceof CollectivePlanError)) throw err;
      return problem(['collectives', i], err.message);
    }
    const pairs = new Set(transfers.map((t) => `${t.from}>${t.to}`));
    if ([...pairs].some((pair) => pairsInUse.has(pair))) return void unplayed.push(spec.name);
    for (const pair of pairs) pairsInUse.add(pair);
    const first = streams.length;
    const chunkBytes = spec.chunkBytes ?? nodes.get(transfers[0]!.from)!.chunkBytes;
    for (const t of transfers) streams.push({ workload: spec.name, from: t.from, to: t.to, bytes: t.bytes, chunkBytes, atMs: spec.atMs, after: t.after.map((d) => first + d) });
    collectives.push({ name: spec.name, kind: spec.kind, participants, bytes: spec.bytes, streams: transfers.map((_, j) => first + j) });
  });
  return { collectives, unplayed };
}

/** A switch port's bandwidth shapes each attached host's egress to anyone; a link's, the egress towards the other end. */
function egressRates(scenario: Scenario, resolve: (refs: string | string[]) => string[], addressOf: ReadonlyMap<string, string>): Map<string, EgressRate[]> {
  const rates = new Map<string, EgressRate[]>();
  const add = (host: string, rate: EgressRate) => rates.set(host, [...(rates.get(host) ?? []), rate]);
  const attached = new Set<string>();
  for (const sw of scenario.topology.switches) {
    const members = sw.hosts === 'all' ? [...addressOf.keys()].filter((h) => !attached.has(h)) : resolve(sw.hosts);
    for (const host of members) {
      attached.add(host);
      if (sw.port?.bandwidthBps !== undefined) add(host, { to: 'default', rateBps: sw.port.bandwidthBps });
    }
  }
  for (const link of scenario.topology.links) {
    if (link.bandwidthBps === undefined) continue;
    const [a, b] = link.between;
    add(a, { to: addressOf.get(b)!, rateBps: link.bandwidthBps });
    add(b, { to: addressOf.get(a)!, rateBps: link.bandwidthBps });
  }
  return rates;
}

function simulatorOnly(scenario: Scenario, unplayedCollectives: readonly string[]): string[] {
  const notes: string[] = [];
  const channels = [...scenario.topology.links, ...scenario.topology.switches.flatMap((s) => (s.port ? [s.port] : []))];
  const asked = (field: 'latencyMs' | 'jitterMs' | 'loss' | 'duplicate' | 'reorder') => channels.some((c) => (c[field] ?? 0) > 0);
  const impaired = (['latencyMs', 'jitterMs', 'loss', 'duplicate', 'reorder'] as const).filter(asked);
  if (impaired.length > 0) notes.push(`${impaired.join(', ')}: the simulator's alone (this kernel has no netem qdisc; containers and namespaces get the bridge's own sub-millisecond latency and no loss)`);
  if (scenario.events.length > 0) notes.push(`events (${scenario.events.map((e) => e.action).join(', ')}): not played on containers or namespaces`);
  if (scenario.topology.hosts.some((h) => h.clockSkewMs !== undefined)) notes.push('clockSkewMs: containers and namespaces share the host clock');
  if (scenario.topology.hosts.some((h) => h.tcp !== undefined)) notes.push('tcp settings: containers and namespaces use the kernel TCP as configured');
  if (scenario.workloads.some((w) => w.retries > 0)) notes.push('workload retries: a failed stream is reported, not sent again');
  if (scenario.nodes.some((n) => n.startWithinMs > 0)) notes.push('startWithinMs: nodes start as the back-end starts them');
  if (unplayedCollectives.length > 0) notes.push(`collectives (${unplayedCollectives.join(', ')}): the simulator's alone: each shares a sender → receiver pair with an earlier workload or collective, and a node tells streams apart only by their sender`);
  if (scenario.topology.fabrics.length > 0) notes.push('fabrics: containers and namespaces share one bridge; racks, spines and oversubscription are the simulator\'s');
  return notes;
}

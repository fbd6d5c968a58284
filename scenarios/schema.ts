/**
 * The scenario file format (YAML), as a zod schema. Units are in the field names: `…Ms` are
 * milliseconds of virtual time, `…Bps` bits per second, `…Bytes`/`bytes` byte counts; sizes and
 * rates also accept strings with a unit ("1GiB", "10Gbps": see units.ts). Probabilities are in
 * [0, 1]. Every field is described in scenarios/README.md.
 *
 * Shape (optional fields in brackets):
 *
 *   name, description, [claims: [P3, …]], [seed: 1]
 *   stop:      { maxMs, [until: workloads-done | max-time] }
 *   topology:
 *     hosts:    [{ name, address, [count], [clockSkewMs], [cpu: default|free|calibrated|{…}], [tcp: {…}] }]
 *     [links]:  [{ between: [hostA, hostB], …channel }]
 *     [switches]: [{ name, hosts: all | [host or group, …], [port: {…channel}] }]
 *   nodes:     [{ on: host(s), [community], [apiKey], [profile], [port], [chunkBytes], [peers], [discovery], [startWithinMs] }]
 *   [workloads]: [{ name, from, to: node(s) | all, bytes, [chunkBytes], [atMs], [repeat: {count, everyMs}], [retries] }]
 *   [collectives]: [{ name, kind: ring-all-reduce | parameter-server | pipeline | all-to-all, nodes: node(s) | all, bytes, [server], [microBatches], [steps], [chunkBytes], [atMs] }]
 *   [events]:  [{ atMs, action: partition|hold|heal, [between: [side, side]] }]
 *   [attacks]: [{ name, from: host without a node, target: node, [replayTo: nodes] }]   (run on containers only)
 *
 * A host with `count: N` is a group: hosts `<name>-1` … `<name>-N` at consecutive addresses from
 * `address`; wherever a list of hosts is expected, the group's name stands for all of them. An ASoc
 * node runs on a host and is called by the host's name. Cross-references (a link to an unknown host,
 * a workload from a host without a node, …) are checked here too, so every error has a path.
 */
import { z } from 'zod';
import { parseAddress } from '../sim/address.ts';
import { PROFILES, type ProfileName } from '../src/core/profile.ts';
import { expandHosts } from './hosts.ts';
import { parseBitRate, parseByteSize } from '../bench/units.ts';

// ---- leaves ----------------------------------------------------------------------------------

export const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-"');
const ms = z.number().nonnegative();
const probability = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();
const ipv4 = z.string().refine((text) => {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}, 'expected an IPv4 address such as "10.0.0.1"');

/** A number, or a string with a unit that `parse` understands; the result is a non-negative number. */
function quantity(parse: (text: string) => number, example: string) {
  return z
    .union([z.number(), z.string()], { error: (issue) => `expected a number or a string such as "${example}", got ${describe(issue.input)}` })
    .transform((value, ctx) => {
      const n = typeof value === 'number' ? value : parse(value);
      if (Number.isFinite(n) && n >= 0) return n;
      ctx.addIssue({ code: 'custom', message: `expected a non-negative number or a string such as "${example}", got ${JSON.stringify(value)}` });
      return z.NEVER;
    });
}

const bytes = quantity(parseByteSize, '1GiB');
const bitRate = quantity(parseBitRate, '10Gbps');
export const claimId = z.string().regex(/^[PSHXDT]\d+$/, 'expected a claim id such as "P3" (docs/claims.md lists them)');
export const profileName = z.enum(Object.keys(PROFILES) as [ProfileName, ...ProfileName[]]);
/** One host (or group) name, or a list of them. */
const hostRefs = z.union([identifier, z.array(identifier).min(1)], {
  error: (issue) => `expected a host name or a list of host names, got ${describe(issue.input)}`,
});

// ---- topology --------------------------------------------------------------------------------

/** One direction of a wire, or both: a link, or a switch port. Absent fields take sim/channel.ts defaults. */
const channelSchema = z.strictObject({
  bandwidthBps: bitRate.optional(),
  latencyMs: ms.optional(),
  jitterMs: ms.optional(),
  queueBytes: bytes.optional(),
  loss: probability.optional(),
  duplicate: probability.optional(),
  reorder: probability.optional(),
  reorderDelayMs: ms.optional(),
});

const cpuCostsSchema = z.strictObject({
  sendPerFrameMs: ms,
  sendPerByteMs: ms,
  receivePerFrameMs: ms,
  receivePerByteMs: ms,
});

/** `default`: sim/cpu.ts placeholders; `free`: no CPU cost; `calibrated`: the calibration file; or explicit costs. */
const cpuSchema = z.union([z.enum(['default', 'free', 'calibrated']), cpuCostsSchema.partial()], {
  error: (issue) => `expected "default", "free", "calibrated" or {sendPerFrameMs, sendPerByteMs, receivePerFrameMs, receivePerByteMs}, got ${describe(issue.input)}`,
});

const tcpSchema = z.strictObject({
  mss: positiveInt.optional(),
  sendBufferBytes: bytes.optional(),
  receiveBufferBytes: bytes.optional(),
  initialWindowSegments: positiveInt.optional(),
  minRtoMs: ms.optional(),
});

const hostSchema = z.strictObject({
  /** `all` is taken: workloads and switches use it for every node or host. */
  name: identifier.refine((name) => name !== 'all', '"all" cannot name a host'),
  address: ipv4,
  /** A group of this many hosts, `<name>-1` … `<name>-<count>`, at consecutive addresses. */
  count: positiveInt.optional(),
  clockSkewMs: z.number().optional(),
  cpu: cpuSchema.default('default'),
  tcp: tcpSchema.optional(),
});

const linkSchema = channelSchema.extend({ between: z.tuple([identifier, identifier]) });

const switchSchema = z.strictObject({
  name: identifier,
  /** `all`: every host not attached to an earlier switch. */
  hosts: z.union([z.literal('all'), z.array(identifier).min(1)], {
    error: (issue) => `expected "all" or a list of host names, got ${describe(issue.input)}`,
  }),
  port: channelSchema.optional(),
});

/** A leaf-spine fabric (sim/leaf-spine.ts): the hosts, in order, cut into racks on leaves; every leaf trunked to every spine. */
const fabricSchema = z.strictObject({
  name: identifier,
  /** `all`: every host not on a switch or an earlier fabric. */
  hosts: z.union([z.literal('all'), z.array(identifier).min(1)], {
    error: (issue) => `expected "all" or a list of host names, got ${describe(issue.input)}`,
  }),
  /** Hosts per rack (the last rack may have fewer). */
  rackSize: positiveInt,
  spines: positiveInt,
  /** Every host ↔ leaf port, both directions. */
  port: channelSchema.optional(),
  /** Every leaf ↔ spine trunk, each direction. */
  trunk: channelSchema.optional(),
});

const topologySchema = z.strictObject({
  hosts: z.array(hostSchema).min(1),
  links: z.array(linkSchema).default([]),
  switches: z.array(switchSchema).default([]),
  fabrics: z.array(fabricSchema).default([]),
});

// ---- nodes, workloads, events ----------------------------------------------------------------

const discoverySchema = z.strictObject({
  /** UDP port every node announces to and listens on (default 9999). */
  port: z.number().int().min(1).max(65535).optional(),
  /**
   * Most discovered peers a node dials (default: all). Of two nodes that discover each other only
   * the one with the smaller node id dials (src/core/dial-rule.ts); a node dials the first this
   * many such peers it hears from, and accepts whoever dials it.
   */
  maxDialedPeers: positiveInt.optional(),
});

const nodeSchema = z.strictObject({
  /** The hosts (or groups) that run this node; each node is called by its host's name. */
  on: hostRefs,
  community: z.string().min(1).default('asoc-lab'),
  /** The cluster's shared secret (UTF-8). Nodes with different keys cannot join each other. */
  apiKey: z.string().min(1).default('asoc-lab-sim-key'),
  profile: profileName.default('asoc-v1'),
  port: z.number().int().min(1).max(65535).default(9000),
  /** Bytes per DATA frame (RFC-0001 default: 1 MiB). */
  chunkBytes: bytes.default(1024 * 1024),
  /** Static peers: nodes this one dials and redials forever. */
  peers: hostRefs.optional(),
  /** Each node of this entry also dials the next one of it (host order), the last the first: a ring, as collectives use. */
  ring: z.boolean().default(false),
  /** UDP discovery: true, or its settings. Default off. */
  discovery: z.union([z.boolean(), discoverySchema]).default(false),
  /** Each node starts at a random time in [0, startWithinMs) (seeded), as machines boot apart. Default 0: all at 0. */
  startWithinMs: ms.default(0),
});

const workloadSchema = z.strictObject({
  name: identifier,
  from: identifier,
  /** One node, several, or `all`: every node but the sender (a fan-out: one stream to each, at once). */
  to: z.union([z.literal('all'), hostRefs]),
  /** Bytes per stream. */
  bytes,
  /** Overrides the sending node's chunkBytes. */
  chunkBytes: bytes.optional(),
  atMs: ms.default(0),
  /** Start the same streams again `count - 1` more times, `everyMs` apart. */
  repeat: z.strictObject({ count: positiveInt, everyMs: ms }).optional(),
  /** Times a failed stream is sent again (whole), once the receiver is connected again. */
  retries: z.number().int().nonnegative().default(0),
});

/** A collective (collectives.ts): transfers among several nodes, each waiting for the ones it depends on. */
const collectiveSchema = z.strictObject({
  name: identifier,
  kind: z.enum(['ring-all-reduce', 'parameter-server', 'pipeline', 'all-to-all']),
  /** The participants, in order (ring order, pipeline stages), or `all`: every node (but the server). */
  nodes: z.union([z.literal('all'), hostRefs]),
  /** ring-all-reduce: the tensor; parameter-server: what each worker sends and gets back; pipeline: one micro-batch; all-to-all: per pair. */
  bytes,
  /** parameter-server: the node the workers send to. */
  server: identifier.optional(),
  /** pipeline: micro-batches passed down the stages. */
  microBatches: positiveInt.default(1),
  /** ring-all-reduce: run only its first steps of 2(N − 1) (1: one tensor round). Default all. */
  steps: positiveInt.optional(),
  chunkBytes: bytes.optional(),
  atMs: ms.default(0),
});

const eventSchema = z.strictObject({
  atMs: ms,
  /** partition: packets between the sides are lost; hold: they wait; heal: both end. */
  action: z.enum(['partition', 'hold', 'heal']),
  /** The two sides (hosts or groups). Absent on heal: heal every link and switch. */
  between: z.tuple([hostRefs, hostRefs]).optional(),
});

/**
 * An attack of `asoc-lab attack` (its name), played by `asoc-lab topo run` from a host that runs no
 * node (the attacker) against a node. The simulator leaves these out: its attacks are the threat
 * scenarios (threats/).
 */
const attackSchema = z.strictObject({
  name: identifier,
  from: identifier,
  target: identifier,
  /** hello-replay: also replay the recorded HELLO to these nodes (the same key, another server). */
  replayTo: hostRefs.optional(),
});

const stopSchema = z.strictObject({
  /** Virtual time limit: the run stops here whatever else happens. */
  maxMs: z.number().positive(),
  /** `workloads-done` (default): stop as soon as every stream was delivered; `max-time`: run to maxMs. */
  until: z.enum(['workloads-done', 'max-time']).default('workloads-done'),
});

const scenarioShape = z.strictObject({
  name: identifier,
  description: z.string(),
  claims: z.array(claimId).default([]),
  seed: z.union([z.number().int(), z.string().min(1)]).default(1),
  stop: stopSchema,
  topology: topologySchema,
  nodes: z.array(nodeSchema).min(1),
  workloads: z.array(workloadSchema).default([]),
  collectives: z.array(collectiveSchema).default([]),
  events: z.array(eventSchema).default([]),
  attacks: z.array(attackSchema).default([]),
});

export type Scenario = z.output<typeof scenarioShape>;
export type HostSpec = z.output<typeof hostSchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type WorkloadSpec = z.output<typeof workloadSchema>;
export type CollectiveSpec = z.output<typeof collectiveSchema>;
export type FabricSpec = z.output<typeof fabricSchema>;
export type EventSpec = z.output<typeof eventSchema>;
export type AttackSpec = z.output<typeof attackSchema>;
export type CpuSpec = HostSpec['cpu'];

export const scenarioSchema = scenarioShape.superRefine((scenario, ctx) => checkReferences(scenario, (path, message) => ctx.addIssue({ code: 'custom', path, message })));

type Report = (path: PropertyKey[], message: string) => void;

/** Names that must exist, and things that must be unique, across the sections of a scenario. */
function checkReferences(scenario: Scenario, report: Report): void {
  const { index, problems } = expandHosts(scenario.topology.hosts);
  for (const problem of problems) report(['topology', 'hosts', ...problem.path], problem.message);
  const hostRefsAt = (refs: string | string[], path: PropertyKey[]) => {
    for (const [i, ref] of [refs].flat().entries()) {
      if (!index.has(ref)) report(typeof refs === 'string' ? path : [...path, i], `no host or host group named "${ref}"`);
    }
  };
  scenario.topology.links.forEach((link, i) => {
    hostRefsAt(link.between, ['topology', 'links', i, 'between']);
    if (link.between[0] === link.between[1]) report(['topology', 'links', i, 'between'], 'a link must join two different hosts');
  });
  const attached = new Map<string, string>();
  scenario.topology.switches.forEach((sw, i) => {
    if (sw.hosts === 'all') return;
    hostRefsAt(sw.hosts, ['topology', 'switches', i, 'hosts']);
    for (const host of index.resolve(sw.hosts)) {
      const other = attached.get(host);
      if (other !== undefined) report(['topology', 'switches', i, 'hosts'], `host "${host}" is already on switch "${other}" (a host has one switch port)`);
      attached.set(host, sw.name);
    }
  });
  scenario.topology.fabrics.forEach((fabric, i) => {
    if (fabric.hosts === 'all') return;
    hostRefsAt(fabric.hosts, ['topology', 'fabrics', i, 'hosts']);
    for (const host of index.resolve(fabric.hosts)) {
      const other = attached.get(host);
      if (other !== undefined) report(['topology', 'fabrics', i, 'hosts'], `host "${host}" is already on "${other}" (a host has one switch port)`);
      attached.set(host, fabric.name);
    }
  });
  const nodeHosts = new Set<string>();
  scenario.nodes.forEach((node, i) => {
    hostRefsAt(node.on, ['nodes', i, 'on']);
    for (const host of index.resolve(node.on)) {
      if (nodeHosts.has(host)) report(['nodes', i, 'on'], `host "${host}" already runs a node`);
      nodeHosts.add(host);
    }
  });
  const nodeRefsAt = (refs: string | string[], path: PropertyKey[]) => {
    hostRefsAt(refs, path);
    for (const host of index.resolve(refs)) if (!nodeHosts.has(host)) report(path, `host "${host}" runs no node`);
  };
  scenario.nodes.forEach((node, i) => node.peers !== undefined && nodeRefsAt(node.peers, ['nodes', i, 'peers']));
  const workloadNames = new Set<string>();
  scenario.workloads.forEach((workload, i) => {
    if (workloadNames.has(workload.name)) report(['workloads', i, 'name'], `workload name "${workload.name}" is used twice`);
    workloadNames.add(workload.name);
    nodeRefsAt(workload.from, ['workloads', i, 'from']);
    if (index.resolve(workload.from).length > 1) report(['workloads', i, 'from'], `"${workload.from}" is a group: a workload has one sender`);
    if (workload.to === 'all') return;
    nodeRefsAt(workload.to, ['workloads', i, 'to']);
    if (index.resolve(workload.to).includes(workload.from)) report(['workloads', i, 'to'], `"${workload.from}" cannot stream to itself`);
  });
  scenario.collectives.forEach((collective, i) => {
    if (workloadNames.has(collective.name)) report(['collectives', i, 'name'], `name "${collective.name}" is used twice among workloads and collectives`);
    workloadNames.add(collective.name);
    if (collective.nodes !== 'all') nodeRefsAt(collective.nodes, ['collectives', i, 'nodes']);
    const participants = collective.nodes === 'all' ? [...nodeHosts].filter((h) => h !== collective.server) : index.resolve(collective.nodes);
    if (collective.kind === 'parameter-server') {
      if (collective.server === undefined) report(['collectives', i, 'server'], 'a parameter-server collective needs its server');
      else {
        nodeRefsAt(collective.server, ['collectives', i, 'server']);
        if (participants.includes(collective.server)) report(['collectives', i, 'nodes'], `the server "${collective.server}" cannot also be a worker`);
      }
    } else if (collective.server !== undefined) report(['collectives', i, 'server'], `only a parameter-server has a server, not ${collective.kind}`);
    const distinct = new Set(participants).size;
    if (distinct < 2) report(['collectives', i, 'nodes'], `a collective needs at least 2 participants, got ${distinct}`);
    if (collective.steps !== undefined) {
      if (collective.kind !== 'ring-all-reduce') report(['collectives', i, 'steps'], `only a ring-all-reduce has steps, not ${collective.kind}`);
      else if (distinct >= 2 && collective.steps > 2 * (distinct - 1)) report(['collectives', i, 'steps'], `a ring all-reduce on ${distinct} nodes has ${2 * (distinct - 1)} steps, got ${collective.steps}`);
    }
  });
  scenario.attacks.forEach((attack, i) => {
    hostRefsAt(attack.from, ['attacks', i, 'from']);
    for (const host of index.resolve(attack.from)) if (nodeHosts.has(host)) report(['attacks', i, 'from'], `host "${host}" runs a node: an attack comes from a host without one`);
    nodeRefsAt(attack.target, ['attacks', i, 'target']);
    if (attack.replayTo !== undefined) nodeRefsAt(attack.replayTo, ['attacks', i, 'replayTo']);
  });
  scenario.events.forEach((event, i) => {
    if (event.between === undefined) {
      if (event.action !== 'heal') report(['events', i, 'between'], `${event.action} needs the two sides: between: [hostA, hostB]`);
      return;
    }
    event.between.forEach((side, s) => hostRefsAt(side, ['events', i, 'between', s]));
  });
}

// ---- error messages ----------------------------------------------------------------------------

/** How a value is named in an error message: its JSON type, and the value itself when short. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** zod's messages, reworded as "expected X, got Y" with the input's type. */
export const scenarioErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${JSON.stringify(issue.input) ?? 'nothing'}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${issue.minimum} item(s)` : `expected ${issue.inclusive ? '≥' : '>'} ${issue.minimum}, got ${String(issue.input)}`;
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${issue.maximum} item(s)` : `expected ${issue.inclusive ? '≤' : '<'} ${issue.maximum}, got ${String(issue.input)}`;
    default:
      return undefined;
  }
};

/** ["topology", "links", 2, "latencyMs"] → "topology.links[2].latencyMs" */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text === '' ? '(top level)' : text;
}

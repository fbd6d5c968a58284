/**
 * What a topology run measured, the same on every back-end (containers, network namespaces): each
 * stream's delivered goodput with its SHA-256 checked, what discovery found, each attack's outcome,
 * and the problems, made from the nodes' reports against the plan; and the lines a person reads.
 */
import type { NodeReport } from './events.ts';
import type { ContainerPlan, PlannedCollective, PlannedHost } from './plan.ts';
import { describeRates } from './shaping.ts';

export interface StreamFigure {
  workload: string;
  from: string;
  to: string;
  bytes: number;
  /** When the sender started it (Unix ms), and how long until the receipt. */
  startedAtMs: number;
  ms: number;
  /** Delivered goodput, 10^6 bytes per second, from the first byte sent to the receiver's receipt. */
  mbps: number;
  hashChecked: boolean;
  error: string | null;
}

export interface AttackFigure {
  name: string;
  from: string;
  target: string;
  replayTo: string[];
  profile: string;
  outcome: string;
  summary: string;
}

/** A collective played as streams: completion from its first transfer's start to its last receipt. */
export interface CollectiveFigure {
  name: string;
  kind: string;
  participants: string[];
  bytes: number;
  transfers: number;
  delivered: number;
  /** Null when a transfer failed. */
  completionMs: number | null;
}

export interface TopoFigures {
  topology: string;
  profile: string | null;
  /** What carried the nodes' connections. */
  transport: 'tcp' | 'udp';
  hosts: { name: string; address: string; roles: string[]; shaping: string }[];
  simulatorOnly: string[];
  streams: StreamFigure[];
  collectives: CollectiveFigure[];
  discovery: { name: string; found: number; expected: number }[];
  attacks: AttackFigure[];
  nodes: NodeReport[];
  /** Everything that went wrong; empty when the run did all the file asks. */
  problems: string[];
}

/** The figures of a run from the nodes' reports (a host without one is a problem). */
export function topoFigures(plan: ContainerPlan, reports: ReadonlyMap<string, NodeReport>, attacks: AttackFigure[], profile: string | null): TopoFigures {
  const transport = plan.hosts.some((h) => h.node?.transport === 'udp') ? 'udp' : 'tcp';
  const problems: string[] = [];
  const addressOf = new Map(plan.hosts.map((h) => [h.name, h.address]));
  for (const host of plan.hosts) if (!reports.has(host.name)) problems.push(`${host.name} left no report`);
  // Streams from one sender to one receiver pair up in order: the n-th sent with the n-th received.
  const taken = new Map<string, number>();
  const streams = plan.streams.map((planned): StreamFigure => {
    const key = `${planned.from}>${planned.to}`;
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    const sent = reports.get(planned.from)?.sent.filter((s) => s.to === planned.to && s.workload === planned.workload)[n];
    const received = reports.get(planned.to)?.received.filter((r) => r.from === addressOf.get(planned.from))[n];
    const error = sent?.error ?? received?.error ?? (!sent ? 'not sent' : !received ? 'not received' : sent.sha256 !== received.sha256 ? `SHA-256 differs: sent ${sent.sha256}, received ${received.sha256}` : received.bytes !== planned.bytes ? `received ${received.bytes} bytes of ${planned.bytes}` : null);
    if (error) problems.push(`${planned.workload} ${planned.from} → ${planned.to}: ${error}`);
    const ms = sent?.ms ?? 0;
    return { workload: planned.workload, from: planned.from, to: planned.to, bytes: received?.bytes ?? 0, startedAtMs: sent?.startedAtMs ?? 0, ms, mbps: error || ms === 0 ? 0 : planned.bytes / 1e6 / (ms / 1000), hashChecked: error === null, error };
  });
  const nodeHosts = plan.hosts.filter((h) => h.node);
  const discovery = nodeHosts
    .filter((h) => h.node!.discovery !== false)
    .map((h) => ({ name: h.name, found: reports.get(h.name)?.discovered.length ?? 0, expected: nodeHosts.length - 1 }));
  for (const d of discovery) if (d.found < d.expected) problems.push(`discovery: ${d.name} found ${d.found} of ${d.expected} other nodes`);
  return {
    topology: plan.name,
    profile,
    transport,
    hosts: plan.hosts.map((h) => ({ name: h.name, address: h.address, roles: h.roles, shaping: describeRates(h.egress) })),
    simulatorOnly: plan.simulatorOnly,
    streams,
    collectives: plan.collectives.map((c) => collectiveFigure(c, c.streams.map((i) => streams[i]!))),
    discovery,
    attacks,
    nodes: [...reports.values()],
    problems,
  };
}

function collectiveFigure(collective: PlannedCollective, streams: readonly StreamFigure[]): CollectiveFigure {
  const delivered = streams.filter((s) => s.error === null);
  const completionMs = delivered.length === streams.length ? Math.max(...delivered.map((s) => s.startedAtMs + s.ms)) - Math.min(...delivered.map((s) => s.startedAtMs)) : null;
  return { name: collective.name, kind: collective.kind, participants: collective.participants, bytes: collective.bytes, transfers: streams.length, delivered: delivered.length, completionMs };
}

/** Whatever teardown left (`left`: one phrase each, such as "container 1a2b") is a problem of the run. */
export function withLeftovers(figures: TopoFigures, left: readonly string[], errors: readonly string[]): TopoFigures {
  if (left.length === 0) return figures;
  return { ...figures, problems: [...figures.problems, `left behind after teardown: ${left.join(', ')}${errors.length > 0 ? ` (${errors.join('; ')})` : ''}`] };
}

/** A run cut short says why, and whether teardown left anything; what it then did not do follows from that. */
export function cutShort(figures: TopoFigures, problems: readonly string[]): TopoFigures {
  return problems.length === 0 ? figures : { ...figures, problems: [...problems, ...figures.problems.filter((p) => p.startsWith('left behind'))] };
}

/** One host as a run starts it: name, address, roles, shaping. */
export function hostLine(host: PlannedHost): string {
  return `  ${host.name.padEnd(12)} ${host.address.padEnd(15)} ${(host.roles.join(', ') || 'none').padEnd(18)} ${describeRates(host.egress)}`;
}

/** The run as a person reads it: a heading naming where it ran, the figures, the teardown line, the problems. */
export function figuresText(result: TopoFigures, where: string, teardown: string): string {
  const over = result.transport === 'udp' ? ' over UDP' : '';
  const out = [`topology ${result.topology} on ${where}${result.profile ? ` (every node ${result.profile}${over})` : over ? ` (every node${over})` : ''}`];
  // A collective's transfers are summed up in its own line; only a failed one is listed.
  const inCollective = new Set(result.collectives.map((c) => c.name));
  const listed = result.streams.filter((s) => !inCollective.has(s.workload) || s.error);
  if (listed.length > 0) {
    out.push('streams (MB = 10^6 bytes; goodput from the first byte sent to the receiver\'s receipt):');
    for (const s of listed) out.push(`  ${s.workload} ${s.from} → ${s.to}: ${s.error ? `FAILED: ${s.error}` : `${(s.bytes / 1e6).toFixed(1)} MB in ${(s.ms / 1000).toFixed(2)} s, ${s.mbps.toFixed(1)} MB/s, SHA-256 checked`}`);
  }
  for (const c of result.collectives) out.push(`collective ${c.name} (${c.kind}, ${c.participants.length} nodes, ${(c.bytes / 2 ** 20).toFixed(0)} MiB): ${c.completionMs === null ? `FAILED: ${c.delivered} of ${c.transfers} transfers arrived` : `${c.transfers} transfers, completed in ${(c.completionMs / 1000).toFixed(3)} s (first transfer's start to last receipt)`}`);
  if (result.discovery.length > 0) out.push(`discovery: ${result.discovery.map((d) => `${d.name} found ${d.found}/${d.expected}`).join(', ')}`);
  for (const a of result.attacks) out.push(`attack ${a.name} from ${a.from} against ${[a.target, ...a.replayTo].join(', ')} (${a.profile}): ${a.outcome}: ${a.summary}`);
  out.push(teardown);
  if (result.problems.length > 0) out.push('problems:', ...result.problems.map((p) => `  ${p}`));
  return out.join('\n');
}

/**
 * `asoc-lab topo run|up|down`: a topology file on real containers. A run builds the image, brings
 * the containers up, shapes each link's rate, starts the workloads, waits for every node to finish
 * its part, plays the attacks from the attacker's container, collects every node's report, and
 * always takes everything down again (also after a failure or an abort), checking that no
 * container, network or image is left behind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileName } from '../src/core/profile.ts';
import { loadScenario } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { API_KEY_SECRET } from './compose.ts';
import { containers, down, memoryUse, prepareDeployment, shape, start, stopAndCollect, up, waitForAll, type Deployment, type Leftovers } from './deployment.ts';
import { docker, preflight, type Engine } from './engine.ts';
import type { NodeReport } from './events.ts';
import { buildImage, unnamedImages, type BuiltImage } from './image.ts';
import { planContainers, type ContainerPlan } from './plan.ts';
import { describeRates } from './shaping.ts';

/** How long the nodes may take to start listening. */
const LISTEN_TIMEOUT_MS = 90_000;
/** Beyond the file's stop.maxMs, for containers to finish their part. */
const DONE_MARGIN_MS = 60_000;
const ATTACK_TIMEOUT_S = 30;

export interface TopologyFile {
  scenario: Scenario;
  plan: ContainerPlan;
  /** The file as the containers read it: relative to /app for files under scenarios/ (the image carries them), else where it is mounted. */
  topologyPath: string;
  /** A file the image does not carry: mounted read-only into each container from here. */
  mountFrom: string | null;
}

/** Reads a topology file and plans its containers. Files under scenarios/ are in the image; any other is mounted. */
export function loadTopology(file: string, repoRoot: string, profile?: ProfileName): TopologyFile {
  const absolute = path.resolve(file);
  const relative = path.relative(repoRoot, absolute).split(path.sep).join('/');
  const scenario = loadScenario(file);
  const plan = planContainers(scenario, file, { profile });
  if (relative.startsWith('scenarios/')) return { scenario, plan, topologyPath: relative, mountFrom: null };
  return { scenario, plan, topologyPath: `/topology/${path.basename(absolute)}`, mountFrom: absolute };
}

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

export interface TopoRunResult {
  topology: string;
  profile: string | null;
  composeFile: string;
  image: BuiltImage;
  hosts: { name: string; address: string; roles: string[]; shaping: string }[];
  simulatorOnly: string[];
  streams: StreamFigure[];
  discovery: { name: string; found: number; expected: number }[];
  attacks: AttackFigure[];
  nodes: NodeReport[];
  leftovers: Leftovers;
  /** Wall-clock milliseconds: from `up` until every container listened; from the start signal until every node was done. */
  timings: { startMs: number | null; workloadMs: number | null };
  /** Each container's memory use once every node was done, bytes (docker stats). */
  memoryBytes: Record<string, number>;
  /** Everything that went wrong; empty when the run did all the file asks. */
  problems: string[];
}

export interface TopoOptions {
  file: string;
  repoRoot: string;
  outDir: string;
  profile?: ProfileName | undefined;
  base?: string | undefined;
  signal?: AbortSignal;
  log: (line: string) => void;
}

async function deploy(options: TopoOptions): Promise<{ topology: TopologyFile; engine: Engine; image: BuiltImage; dep: Deployment; imagesBefore: string[] }> {
  const topology = loadTopology(options.file, options.repoRoot, options.profile);
  const engine = await preflight({ shaping: topology.plan.hosts.some((h) => h.egress.length > 0) });
  const image = await buildImage(options.repoRoot, { base: options.base, signal: options.signal, log: options.log });
  const imagesBefore = await unnamedImages();
  const dep = prepareDeployment(topology.plan, engine, { repoRoot: options.repoRoot, topologyPath: topology.topologyPath, mountFrom: topology.mountFrom, outDir: options.outDir, profile: options.profile });
  return { topology, engine, image, dep, imagesBefore };
}

/** Up, shaped and started; the caller takes it down. */
async function bringUp(dep: Deployment, options: TopoOptions, timings: TopoRunResult['timings'] = { startMs: null, workloadMs: null }): Promise<Map<string, string>> {
  const { plan } = dep;
  options.log(`starting ${plan.hosts.length} containers on ${plan.subnet.network}/${plan.subnet.prefix} (project ${dep.project.name}, ${dep.engine.compose.join(' ')})`);
  const began = performance.now();
  await up(dep, options.signal);
  const ids = await containers(dep);
  await waitForAll(dep, ids, 'listening', LISTEN_TIMEOUT_MS + plan.hosts.length * 2_000, options.signal);
  timings.startMs = performance.now() - began;
  for (const host of plan.hosts) options.log(`  ${host.name.padEnd(12)} ${host.address.padEnd(15)} ${(host.roles.join(', ') || 'none').padEnd(18)} ${describeRates(host.egress)}`);
  await shape(dep, ids);
  for (const note of plan.simulatorOnly) options.log(`  not on containers: ${note}`);
  await start(dep, ids);
  return ids;
}

export async function topoRun(options: TopoOptions): Promise<TopoRunResult> {
  const { topology, image, dep, imagesBefore } = await deploy(options);
  const { plan } = topology;
  let reports = new Map<string, NodeReport>();
  let attacks: AttackFigure[] = [];
  const problems: string[] = [];
  const timings: TopoRunResult['timings'] = { startMs: null, workloadMs: null };
  let memoryBytes: Record<string, number> = {};
  let leftovers: Leftovers;
  try {
    const ids = await bringUp(dep, options, timings);
    options.log('running the workloads');
    const began = performance.now();
    await waitForAll(dep, ids, 'done', topology.scenario.stop.maxMs + DONE_MARGIN_MS, options.signal);
    timings.workloadMs = performance.now() - began;
    memoryBytes = await memoryUse(ids);
    attacks = await runAttacks(dep, ids, options);
    reports = await stopAndCollect(dep, ids);
  } catch (err) {
    problems.push((err as Error).message);
  } finally {
    options.log('taking the containers and the network down');
    leftovers = await down(dep, imagesBefore);
  }
  const result = { ...summarize(plan, dep, image, reports, attacks, leftovers, options.profile ?? null), timings, memoryBytes };
  // A run cut short says why, and whether teardown left anything; what it then did not do follows from that.
  if (problems.length > 0) result.problems = [...problems, ...result.problems.filter((p) => p.startsWith('left behind'))];
  writeFileSync(path.join(dep.dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Brings a topology up and leaves it running (shaped, workloads started); `topo down` takes it down. */
export async function topoUp(options: TopoOptions): Promise<Deployment> {
  const { dep, imagesBefore } = await deploy(options);
  try {
    await bringUp(dep, options);
    return dep;
  } catch (err) {
    await down(dep, imagesBefore);
    throw err;
  }
}

export async function topoDown(options: TopoOptions): Promise<Leftovers> {
  const topology = loadTopology(options.file, options.repoRoot);
  const engine = await preflight({ shaping: false });
  const dep = prepareDeployment(topology.plan, engine, { repoRoot: options.repoRoot, topologyPath: topology.topologyPath, mountFrom: topology.mountFrom, outDir: options.outDir });
  return down(dep, await unnamedImages());
}

/** Each attack, as `asoc-lab attack` run inside the attacker's container against the target's address. */
async function runAttacks(dep: Deployment, ids: ReadonlyMap<string, string>, options: TopoOptions): Promise<AttackFigure[]> {
  const figures: AttackFigure[] = [];
  for (const [i, attack] of dep.plan.attacks.entries()) {
    const hostPort = (name: string) => {
      const host = dep.plan.hosts.find((h) => h.name === name)!;
      return `${host.address}:${host.node!.port}`;
    };
    const target = dep.plan.hosts.find((h) => h.name === attack.target)!;
    const profile = target.node!.profile;
    // --replay-to replaces the target as where replays go: the target comes first, then the others.
    const replays = attack.replayTo.length > 0 ? [attack.target, ...attack.replayTo].flatMap((name) => ['--replay-to', hostPort(name)]) : [];
    options.log(`attack ${attack.name} from ${attack.from} against ${[attack.target, ...attack.replayTo].join(', ')} (${profile})`);
    const inside = `/tmp/attack-${i}.json`;
    const container = ids.get(attack.from)!;
    await docker(
      ['exec', container, 'node', '/app/bin/asoc-lab.js', 'attack', attack.name, '--target', hostPort(attack.target), ...replays, '--allow-bench-net', '--victim-key-file', `/run/secrets/${API_KEY_SECRET}`, '--profile', profile, '--timeout', String(ATTACK_TIMEOUT_S), '--out', inside],
      { timeoutMs: (ATTACK_TIMEOUT_S + 30) * 1000, signal: options.signal },
    );
    const local = path.join(dep.dir, `attack-${i}-${attack.name}.json`);
    await docker(['cp', `${container}:${inside}`, local], { timeoutMs: 30_000 });
    const json = JSON.parse(readFileSync(local, 'utf8')) as { outcome: string; summary: string };
    figures.push({ ...attack, profile, outcome: json.outcome, summary: json.summary });
  }
  return figures;
}

function summarize(plan: ContainerPlan, dep: Deployment, image: BuiltImage, reports: ReadonlyMap<string, NodeReport>, attacks: AttackFigure[], leftovers: Leftovers, profile: string | null): Omit<TopoRunResult, 'timings' | 'memoryBytes'> {
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
  const left = [...leftovers.containers.map((c) => `container ${c}`), ...leftovers.networks.map((n) => `network ${n}`), ...leftovers.danglingImages.map((i) => `image ${i}`)];
  if (left.length > 0) problems.push(`left behind after teardown: ${left.join(', ')}${leftovers.errors.length > 0 ? ` (${leftovers.errors.join('; ')})` : ''}`);
  return {
    topology: plan.name,
    profile,
    composeFile: dep.project.file,
    image,
    hosts: plan.hosts.map((h) => ({ name: h.name, address: h.address, roles: h.roles, shaping: describeRates(h.egress) })),
    simulatorOnly: plan.simulatorOnly,
    streams,
    discovery,
    attacks,
    nodes: [...reports.values()],
    leftovers,
    problems,
  };
}

/** The run as a person reads it. */
export function resultText(result: TopoRunResult): string {
  const out = [`topology ${result.topology} on containers${result.profile ? ` (every node ${result.profile})` : ''}`];
  if (result.streams.length > 0) {
    out.push('streams (MB = 10^6 bytes; goodput from the first byte sent to the receiver\'s receipt):');
    for (const s of result.streams) out.push(`  ${s.workload} ${s.from} → ${s.to}: ${s.error ? `FAILED: ${s.error}` : `${(s.bytes / 1e6).toFixed(1)} MB in ${(s.ms / 1000).toFixed(2)} s, ${s.mbps.toFixed(1)} MB/s, SHA-256 checked`}`);
  }
  if (result.discovery.length > 0) out.push(`discovery: ${result.discovery.map((d) => `${d.name} found ${d.found}/${d.expected}`).join(', ')}`);
  for (const a of result.attacks) out.push(`attack ${a.name} from ${a.from} against ${[a.target, ...a.replayTo].join(', ')} (${a.profile}): ${a.outcome}: ${a.summary}`);
  const l = result.leftovers;
  out.push(l.containers.length + l.networks.length + l.danglingImages.length === 0 ? 'teardown: no container, network or unnamed image left' : `teardown left: ${l.containers.length} container(s), ${l.networks.length} network(s), ${l.danglingImages.length} unnamed image(s)`);
  if (result.problems.length > 0) out.push('problems:', ...result.problems.map((p) => `  ${p}`));
  return out.join('\n');
}

/** The repository this folder belongs to (the build context, and where topology paths are relative to). */
export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

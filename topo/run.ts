/**
 * `asoc-lab topo run|up|down`: a topology file on real containers. A run builds the image, brings
 * the containers up, shapes each link's rate, starts the workloads, waits for every node to finish
 * its part, plays the attacks from the attacker's container, collects every node's report, and
 * always takes everything down again (also after a failure or an abort), checking that no
 * container, network or image is left behind.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileName } from '../src/core/profile.ts';
import { loadScenario } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { API_KEY_SECRET } from './compose.ts';
import { containers, down, memoryUse, prepareDeployment, shape, start, stopAndCollect, up, waitForAll, type Deployment, type Leftovers } from './deployment.ts';
import { docker, preflight, type ComposeChoice, type Engine } from './engine.ts';
import type { NodeReport } from './events.ts';
import { cutShort, figuresText, hostLine, topoFigures, withLeftovers, type AttackFigure, type TopoFigures } from './figures.ts';
import { ATTACK_TIMEOUT_S, attackArgs, attackFigure, targetProfile } from './attack-command.ts';
import { buildImage, unnamedImages, type BuiltImage } from './image.ts';
import { planContainers, type ContainerPlan, type PlanOptions, type Transport } from './plan.ts';

/** How long the nodes may take to start listening. */
const LISTEN_TIMEOUT_MS = 90_000;
/** Beyond the file's stop.maxMs, for containers to finish their part. */
const DONE_MARGIN_MS = 60_000;

export interface TopologyFile {
  scenario: Scenario;
  plan: ContainerPlan;
  /** The file as the containers read it: relative to /app for files under scenarios/ (the image carries them), else where it is mounted. */
  topologyPath: string;
  /** A file the image does not carry: mounted read-only into each container from here. */
  mountFrom: string | null;
}

/** Reads a topology file and plans its containers. Files under scenarios/ are in the image; any other is mounted. */
export function loadTopology(file: string, repoRoot: string, overrides: PlanOptions = {}): TopologyFile {
  const absolute = path.resolve(file);
  const relative = path.relative(repoRoot, absolute).split(path.sep).join('/');
  const scenario = loadScenario(file);
  const plan = planContainers(scenario, file, overrides);
  if (relative.startsWith('scenarios/')) return { scenario, plan, topologyPath: relative, mountFrom: null };
  return { scenario, plan, topologyPath: `/topology/${path.basename(absolute)}`, mountFrom: absolute };
}

export interface TopoRunResult extends TopoFigures {
  composeFile: string;
  /** The compose command that ran it (docker-compose, or docker compose for v2). */
  compose: string;
  image: BuiltImage;
  leftovers: Leftovers;
  /** Wall-clock milliseconds: from `up` until every container listened; from the start signal until every node was done. */
  timings: { startMs: number | null; workloadMs: number | null };
  /** Each container's memory use once every node was done, bytes (docker stats). */
  memoryBytes: Record<string, number>;
}

export interface TopoOptions {
  file: string;
  repoRoot: string;
  outDir: string;
  profile?: ProfileName | undefined;
  /** Every node runs over this transport (default tcp; udp: stt only). */
  transport?: Transport | undefined;
  base?: string | undefined;
  /** Which compose runs the containers (default: $ASOC_COMPOSE, else docker-compose where installed, else v2). */
  compose?: ComposeChoice | undefined;
  signal?: AbortSignal;
  log: (line: string) => void;
}

async function deploy(options: TopoOptions): Promise<{ topology: TopologyFile; engine: Engine; image: BuiltImage; dep: Deployment; imagesBefore: string[] }> {
  const topology = loadTopology(options.file, options.repoRoot, options);
  const engine = await preflight({ shaping: topology.plan.hosts.some((h) => h.egress.length > 0), compose: options.compose });
  const image = await buildImage(options.repoRoot, { base: options.base, signal: options.signal, log: options.log });
  const imagesBefore = await unnamedImages();
  const dep = prepareDeployment(topology.plan, engine, { repoRoot: options.repoRoot, topologyPath: topology.topologyPath, mountFrom: topology.mountFrom, outDir: options.outDir, profile: options.profile, transport: options.transport });
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
  for (const host of plan.hosts) options.log(hostLine(host));
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
  const result: TopoRunResult = { ...cutShort(withLeftovers(topoFigures(plan, reports, attacks, options.profile ?? null), leftBehind(leftovers), leftovers.errors), problems), composeFile: dep.project.file, compose: dep.engine.compose.join(' '), image, leftovers, timings, memoryBytes };
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
  const engine = await preflight({ shaping: false, compose: options.compose });
  const dep = prepareDeployment(topology.plan, engine, { repoRoot: options.repoRoot, topologyPath: topology.topologyPath, mountFrom: topology.mountFrom, outDir: options.outDir });
  return down(dep, await unnamedImages());
}

/** Each attack, as `asoc-lab attack` run inside the attacker's container against the target's address. */
async function runAttacks(dep: Deployment, ids: ReadonlyMap<string, string>, options: TopoOptions): Promise<AttackFigure[]> {
  const figures: AttackFigure[] = [];
  for (const [i, attack] of dep.plan.attacks.entries()) {
    options.log(`attack ${attack.name} from ${attack.from} against ${[attack.target, ...attack.replayTo].join(', ')} (${targetProfile(dep.plan, attack)})`);
    const inside = `/tmp/attack-${i}.json`;
    const container = ids.get(attack.from)!;
    await docker(['exec', container, 'node', '/app/bin/asoc-lab.js', ...attackArgs(dep.plan, attack, `/run/secrets/${API_KEY_SECRET}`, inside)], { timeoutMs: (ATTACK_TIMEOUT_S + 30) * 1000, signal: options.signal });
    const local = path.join(dep.dir, `attack-${i}-${attack.name}.json`);
    await docker(['cp', `${container}:${inside}`, local], { timeoutMs: 30_000 });
    figures.push(attackFigure(dep.plan, attack, local));
  }
  return figures;
}

/** What teardown left, one phrase each. */
function leftBehind(leftovers: Leftovers): string[] {
  return [...leftovers.containers.map((c) => `container ${c}`), ...leftovers.networks.map((n) => `network ${n}`), ...leftovers.danglingImages.map((i) => `image ${i}`)];
}

/** The run as a person reads it. */
export function resultText(result: TopoRunResult): string {
  const l = result.leftovers;
  const teardown = l.containers.length + l.networks.length + l.danglingImages.length === 0 ? 'teardown: no container, network or unnamed image left' : `teardown left: ${l.containers.length} container(s), ${l.networks.length} network(s), ${l.danglingImages.length} unnamed image(s)`;
  return figuresText(result, 'containers', teardown);
}

/** The repository this folder belongs to (the build context, and where topology paths are relative to). */
export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

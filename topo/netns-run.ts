/**
 * `asoc-lab topo run|up|down --backend netns`: a topology file on network namespaces, the lighter
 * path (no engine, no image). A run creates the namespaces and the bridge, shapes each link's rate,
 * starts every node, runs the workloads and the attacks, collects every node's report, and always
 * tears everything down again (also after a failure or an abort), checking that no namespace and
 * no process in one is left. The figures are the container back-end's (figures.ts).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeReport } from './events.ts';
import { cutShort, figuresText, hostLine, topoFigures, withLeftovers, type AttackFigure, type TopoFigures } from './figures.ts';
import type { ContainerPlan } from './plan.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { bridgeNamespace, topologyPrefix } from './netns.ts';
import { assertNotUp, createNamespaces, go, memoryUse, preflightNetns, runAttacks, shapeNamespaces, startNodes, stopAndCollect, teardown, waitForAll, type NetnsDeployment, type NetnsLeftovers } from './netns-deployment.ts';
import { prepareRunDir } from './run-dir.ts';
import { loadTopology, type TopoOptions } from './run.ts';

/** How long the nodes may take to start listening. */
const LISTEN_TIMEOUT_MS = 60_000;
/** Beyond the file's stop.maxMs, for the nodes to finish their part. */
const DONE_MARGIN_MS = 60_000;

export interface NetnsRunResult extends TopoFigures {
  backend: 'netns';
  /** Where the nodes' logs, the attacks' JSON and result.json are. */
  runDir: string;
  leftovers: NetnsLeftovers;
  /** Wall-clock milliseconds: from creating the namespaces until every node listened; from the start signal until every node was done. */
  timings: { startMs: number | null; workloadMs: number | null };
  /** Each node process's resident memory once every node was done, bytes (VmRSS). */
  memoryBytes: Record<string, number>;
}

/** The file's plan, after the checks (root, ip, tc) and that the topology is not up already. */
async function prepare(options: TopoOptions): Promise<{ file: string; scenario: Scenario; plan: ContainerPlan }> {
  const file = path.resolve(options.file);
  const { scenario, plan } = loadTopology(file, options.repoRoot, options);
  await preflightNetns({ shaping: plan.hosts.some((h) => h.egress.length > 0) });
  await assertNotUp(plan.name);
  return { file, scenario, plan };
}

/** Namespaces created, the nodes started and listening, links shaped and the nodes told to go; the caller tears down. */
async function bringUp(dep: NetnsDeployment, file: string, options: TopoOptions, keepAfterExit: boolean, timings: NetnsRunResult['timings']): Promise<void> {
  const { plan } = dep;
  options.log(`creating ${plan.hosts.length} network namespaces ${topologyPrefix(plan.name)}… on ${plan.subnet.network}/${plan.subnet.prefix}, bridged in ${bridgeNamespace(plan.name)}`);
  const began = performance.now();
  await createNamespaces(plan, options.signal);
  dep.nodes = startNodes(plan, { repoRoot: options.repoRoot, topologyFile: file, dir: dep.dir, keyFile: dep.keyFile, profile: options.profile, transport: options.transport, keepAfterExit });
  await waitForAll(dep.nodes, 'listening', LISTEN_TIMEOUT_MS + plan.hosts.length * 2_000, options.signal);
  timings.startMs = performance.now() - began;
  for (const host of plan.hosts) options.log(hostLine(host));
  await shapeNamespaces(plan);
  for (const note of plan.simulatorOnly) options.log(`  not in namespaces: ${note}`);
  go(dep.nodes);
}

export async function netnsRun(options: TopoOptions): Promise<NetnsRunResult> {
  const { file, scenario, plan } = await prepare(options);
  const dep: NetnsDeployment = { plan, ...prepareRunDir(options.outDir, plan.name), nodes: [] };
  const timings: NetnsRunResult['timings'] = { startMs: null, workloadMs: null };
  let reports = new Map<string, NodeReport>();
  let attacks: AttackFigure[] = [];
  const problems: string[] = [];
  let memoryBytes: Record<string, number> = {};
  let leftovers: NetnsLeftovers;
  try {
    await bringUp(dep, file, options, false, timings);
    options.log('running the workloads');
    const began = performance.now();
    await waitForAll(dep.nodes, 'done', scenario.stop.maxMs + DONE_MARGIN_MS, options.signal);
    timings.workloadMs = performance.now() - began;
    memoryBytes = memoryUse(dep.nodes);
    attacks = await runAttacks(dep, options.repoRoot, options.log, options.signal);
    reports = await stopAndCollect(dep.nodes);
  } catch (err) {
    problems.push((err as Error).message);
  } finally {
    options.log('taking the namespaces down');
    leftovers = await teardown(plan.name);
  }
  const left = [...leftovers.namespaces.map((n) => `namespace ${n}`), ...leftovers.processes.map((p) => `process ${p}`)];
  const result: NetnsRunResult = { ...cutShort(withLeftovers(topoFigures(plan, reports, attacks, options.profile ?? null), left, leftovers.errors), problems), backend: 'netns', runDir: dep.dir, leftovers, timings, memoryBytes };
  writeFileSync(path.join(dep.dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Brings a topology up and leaves it running (shaped, workloads started); `topo down --backend netns` takes it down. */
export async function netnsUp(options: TopoOptions): Promise<NetnsDeployment> {
  const { file, plan } = await prepare(options);
  const dep: NetnsDeployment = { plan, ...prepareRunDir(options.outDir, plan.name), nodes: [] };
  try {
    await bringUp(dep, file, options, true, { startMs: null, workloadMs: null });
    return dep;
  } catch (err) {
    await teardown(plan.name);
    throw err;
  }
}

export async function netnsDown(options: TopoOptions): Promise<NetnsLeftovers> {
  const { plan } = loadTopology(options.file, options.repoRoot);
  await preflightNetns({ shaping: false });
  return teardown(plan.name);
}

export function netnsTeardownLine(leftovers: NetnsLeftovers): string {
  return leftovers.namespaces.length + leftovers.processes.length === 0 ? 'teardown: no namespace or process left' : `teardown left: ${leftovers.namespaces.length} namespace(s), ${leftovers.processes.length} process(es)`;
}

/** The run as a person reads it. */
export function netnsResultText(result: NetnsRunResult): string {
  return figuresText(result, 'network namespaces', netnsTeardownLine(result.leftovers));
}

/**
 * One topology brought up on containers: its compose project (asoc-lab-<name>), the compose file and
 * API key written to its run directory (reports/topo/<name>/), the containers by host name, and
 * the steps of a run: up, shape, start, wait for the nodes' events, run the attacks, collect the
 * reports, and down, which removes the containers and the network and checks nothing is left.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { composeText } from './compose.ts';
import { compose, docker, EngineError, exec, lines, type Engine } from './engine.ts';
import { parseEvents, type NodeReport, type TopoEvent } from './events.ts';
import type { ContainerPlan, PlannedHost, Transport } from './plan.ts';
import { prepareRunDir } from './run-dir.ts';
import { shapingCommands } from './shaping.ts';
import { unnamedImages } from './image.ts';
import type { ProfileName } from '../src/core/profile.ts';

const POLL_MS = 500;
const POLL_PAUSE_FACTOR = 4;
const STOP_GRACE_S = 15;

export interface Deployment {
  plan: ContainerPlan;
  engine: Engine;
  project: { name: string; file: string };
  dir: string;
  /** The compose file's variables for this run. */
  env: Record<string, string>;
}

/** A compose project name from a topology name: lowercase letters, digits, "-" and "_". */
export function projectName(topology: string): string {
  return `asoc-lab-${topology.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
}

/** Writes the run directory: the compose file (build context: the repository) and a fresh random API key. */
export function prepareDeployment(plan: ContainerPlan, engine: Engine, options: { repoRoot: string; topologyPath: string; mountFrom: string | null; outDir: string; profile?: ProfileName | undefined; transport?: Transport | undefined }): Deployment {
  const { dir, keyFile } = prepareRunDir(options.outDir, plan.name);
  const file = path.join(dir, 'docker-compose.yml');
  writeFileSync(file, composeText(plan, { topologyPath: options.topologyPath, mountFrom: options.mountFrom, context: options.repoRoot, keyFile }));
  return { plan, engine, project: { name: projectName(plan.name), file }, dir, env: { ASOC_TOPO_PROFILE: options.profile ?? '', ASOC_TOPO_TRANSPORT: options.transport ?? '', ASOC_TOPO_HOLD: '1' } };
}

export async function up(dep: Deployment, signal?: AbortSignal): Promise<void> {
  await compose(dep.engine, dep.project, ['up', '-d', '--no-build'], { env: dep.env, signal, timeoutMs: 300_000 });
}

/** Container ids by host name. */
export async function containers(dep: Deployment): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const host of dep.plan.hosts) {
    const id = (await compose(dep.engine, dep.project, ['ps', '-q', host.name], { env: dep.env, timeoutMs: 30_000 })).trim();
    if (!id) throw new EngineError(`no container for ${host.name} in project ${dep.project.name}`);
    ids.set(host.name, id);
  }
  return ids;
}

/** Applies each host's egress rates with tc inside its container's network namespace. */
export async function shape(dep: Deployment, ids: ReadonlyMap<string, string>): Promise<void> {
  for (const host of dep.plan.hosts) {
    const commands = shapingCommands(host.egress);
    if (commands.length === 0) continue;
    const pid = (await docker(['inspect', '--format', '{{.State.Pid}}', ids.get(host.name)!])).trim();
    if (!/^[1-9]\d*$/.test(pid)) throw new EngineError(`${host.name}'s container has no process to shape (pid "${pid}")`);
    for (const args of commands) await exec('nsenter', ['-t', pid, '-n', 'tc', ...args], { timeoutMs: 15_000 });
  }
}

/** Tells every node to start its workloads (they hold until the links are shaped). */
export async function start(dep: Deployment, ids: ReadonlyMap<string, string>): Promise<void> {
  for (const host of dep.plan.hosts) if (host.node) await docker(['kill', '--signal', 'USR1', ids.get(host.name)!], { timeoutMs: 15_000 });
}

/** The events in each container's log so far; a container that exited is an error naming its last lines. */
async function eventsOf(host: PlannedHost, id: string): Promise<TopoEvent[]> {
  const log = await docker(['logs', id], { timeoutMs: 30_000 });
  const state = (await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id], { timeoutMs: 15_000 })).trim();
  if (!state.startsWith('running')) {
    const stderr = await docker(['logs', '--tail', '8', id], { timeoutMs: 15_000 }).catch(() => '');
    throw new EngineError(`${host.name}'s container stopped early (${state}); its last lines:\n  ${lines(log + stderr).slice(-8).join('\n  ')}`);
  }
  return parseEvents(log);
}

/**
 * Waits until every host logged `kind`, polling the logs of those that have not yet; throws after
 * `timeoutMs` naming who is missing. Each poll runs two docker commands per host, which on two cores
 * would take CPU from the nodes being measured: the pause after a poll is at least
 * POLL_PAUSE_FACTOR times what the poll took.
 */
export async function waitForAll(dep: Deployment, ids: ReadonlyMap<string, string>, kind: 'listening' | 'done', timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing = dep.plan.hosts;
  for (;;) {
    signal?.throwIfAborted();
    const began = performance.now();
    const still: PlannedHost[] = [];
    for (const host of missing) if (!(await eventsOf(host, ids.get(host.name)!)).some((e) => e.event === kind)) still.push(host);
    missing = still;
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new EngineError(`after ${timeoutMs / 1000} s, ${missing.map((h) => h.name).join(', ')} had not logged "${kind}"`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(POLL_MS, POLL_PAUSE_FACTOR * (performance.now() - began))));
  }
}

/** Stops the containers (each node then logs its report) and reads the reports back. */
export async function stopAndCollect(dep: Deployment, ids: ReadonlyMap<string, string>): Promise<Map<string, NodeReport>> {
  await compose(dep.engine, dep.project, ['stop', '-t', String(STOP_GRACE_S)], { env: dep.env, timeoutMs: 120_000 });
  const reports = new Map<string, NodeReport>();
  for (const host of dep.plan.hosts) {
    const events = parseEvents(await docker(['logs', ids.get(host.name)!], { timeoutMs: 30_000 }));
    const result = events.find((e) => e.event === 'result');
    if (result?.event === 'result') reports.set(host.name, result.report);
  }
  return reports;
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 };

/** Each container's memory use now, in bytes, by host name (one `docker stats` sample). */
export async function memoryUse(ids: ReadonlyMap<string, string>): Promise<Record<string, number>> {
  const byId = new Map([...ids].map(([name, id]) => [id.slice(0, 12), name]));
  const text = await docker(['stats', '--no-stream', '--format', '{{.ID}} {{.MemUsage}}', ...ids.values()], { timeoutMs: 120_000 });
  const use: Record<string, number> = {};
  for (const line of lines(text)) {
    const match = /^(\w+) ([\d.]+)(\w+) \//.exec(line);
    const name = match ? byId.get(match[1]!.slice(0, 12)) : undefined;
    if (match && name) use[name] = Number(match[2]) * (MEMORY_UNITS[match[3]!] ?? NaN);
  }
  return use;
}

export interface Leftovers {
  containers: string[];
  networks: string[];
  danglingImages: string[];
  /** Why a removal failed (the engine's words), when one did. */
  errors: string[];
}

/** Removal attempts for a network the engine still thinks in use (at ~100 containers it can lag behind). */
const NETWORK_REMOVE_ATTEMPTS = 5;
const NETWORK_REMOVE_PAUSE_MS = 2_000;

/**
 * Removes the project's containers and network, and never throws: what is still there after the
 * attempts (and images left unnamed since `imagesBefore`) is returned with the errors, for the run
 * to report.
 */
export async function down(dep: Deployment, imagesBefore: readonly string[]): Promise<Leftovers> {
  const errors: string[] = [];
  const label = `label=com.docker.compose.project=${dep.project.name}`;
  const list = async (args: string[]) => lines(await docker([...args, '--filter', label], { timeoutMs: 30_000 }).catch(() => ''));
  await compose(dep.engine, dep.project, ['down', '--remove-orphans', '--volumes', '-t', '5'], { env: dep.env, timeoutMs: 300_000 }).catch((err: Error) => errors.push(err.message));
  const containersLeft = await list(['ps', '-aq']);
  if (containersLeft.length > 0) await docker(['rm', '-f', ...containersLeft], { timeoutMs: 120_000 }).catch((err: Error) => errors.push(err.message));
  for (let attempt = 0; attempt < NETWORK_REMOVE_ATTEMPTS; attempt++) {
    const networks = await list(['network', 'ls', '-q']);
    if (networks.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, NETWORK_REMOVE_PAUSE_MS));
    await docker(['network', 'rm', ...networks], { timeoutMs: 60_000 }).catch((err: Error) => {
      if (attempt === NETWORK_REMOVE_ATTEMPTS - 1) errors.push(`${err.message} (an endpoint the engine still holds: restarting dockerd releases it)`);
    });
  }
  return {
    containers: await list(['ps', '-aq']),
    networks: await list(['network', 'ls', '-q']),
    danglingImages: (await unnamedImages().catch(() => [])).filter((id) => !imagesBefore.includes(id)),
    errors: errors.length > 0 && (await list(['network', 'ls', '-q'])).length + (await list(['ps', '-aq'])).length > 0 ? errors : [],
  };
}

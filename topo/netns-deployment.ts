/**
 * One topology brought up on network namespaces (netns.ts lays it out): the checks first (root,
 * ip, tc), then the steps of a run: create the namespaces, shape, start each host's node as
 * `ip netns exec <ns> node bin/asoc-lab.js topo node …` (the same node runner the containers run,
 * its log in the run directory), wait for the nodes' events, run the attacks from the attacker's
 * namespace, collect the reports, and tear down: kill every process left in the topology's
 * namespaces, delete them, and list what is still there.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileName } from '../src/core/profile.ts';
import { ATTACK_TIMEOUT_S, attackArgs, attackFigure, targetProfile } from './attack-command.ts';
import { exec, lines, TopoEnvironmentError } from './engine.ts';
import { parseEvents, type NodeReport, type TopoEvent } from './events.ts';
import type { AttackFigure } from './figures.ts';
import { hostNamespace, netnsShapingCommands, setupCommands, topologyPrefix } from './netns.ts';
import type { ContainerPlan, PlannedHost, Transport } from './plan.ts';

const POLL_MS = 250;
const STOP_GRACE_MS = 15_000;
const KILL_WAIT_MS = 10_000;
const IP_TIMEOUT_MS = 15_000;

/** A node process in a namespace stopped, or a step of the run did not finish; the message says which. */
export class NamespaceRunError extends Error {
  override readonly name = 'NamespaceRunError';
}

export interface NamespaceNode {
  host: PlannedHost;
  namespace: string;
  pid: number;
  log: string;
  /** How the process ended, once it has (only known for processes this run started). */
  exit: string | null;
}

export interface NetnsDeployment {
  plan: ContainerPlan;
  dir: string;
  keyFile: string;
  nodes: NamespaceNode[];
}

/** Checks root, ip (with namespace support) and, when links are shaped, tc; says what is missing. */
export async function preflightNetns(options: { shaping: boolean; uid?: number | undefined }): Promise<void> {
  const uid = options.uid ?? process.getuid?.();
  if (uid !== 0) throw new TopoEnvironmentError('asoc-lab topo --backend netns needs root: it creates network namespaces, veths and a bridge (ip) and shapes links inside them (tc)');
  const tools = options.shaping ? ['ip', 'tc'] : ['ip'];
  for (const tool of tools) {
    try {
      await exec(tool, ['-V'], { timeoutMs: 5_000 });
    } catch (err) {
      if (err instanceof TopoEnvironmentError) throw new TopoEnvironmentError(`${tool} is not installed: ${tool === 'ip' ? 'namespaces, veths and the bridge are made' : 'links are shaped'} with it (Debian: apt-get install iproute2)`);
      throw err;
    }
  }
  try {
    await exec('ip', ['netns', 'list'], { timeoutMs: IP_TIMEOUT_MS });
  } catch (err) {
    throw new TopoEnvironmentError(`ip netns does not work here: ${(err as Error).message}`);
  }
}

/** The names of the namespaces of `topology` that exist now. */
export async function namespacesOf(topology: string): Promise<string[]> {
  const prefix = topologyPrefix(topology);
  // `ip netns list` prints "NAME" or "NAME (id: N)".
  return lines(await exec('ip', ['netns', 'list'], { timeoutMs: IP_TIMEOUT_MS })).map((line) => line.split(' ')[0]!).filter((name) => name.startsWith(prefix));
}

/** Refuses a topology that is up already: its namespaces are another run's (or an `up`'s) to take down. */
export async function assertNotUp(topology: string): Promise<void> {
  const existing = await namespacesOf(topology);
  if (existing.length > 0) throw new NamespaceRunError(`topology ${topology} is up already (${existing.length} namespace(s) ${topologyPrefix(topology)}…): asoc-lab topo down FILE --backend netns takes it down`);
}

/** The namespaces, the bridge, the veths and the addresses. */
export async function createNamespaces(plan: ContainerPlan, signal?: AbortSignal): Promise<void> {
  for (const args of setupCommands(plan)) {
    signal?.throwIfAborted();
    await exec('ip', args, { timeoutMs: IP_TIMEOUT_MS });
  }
}

export async function shapeNamespaces(plan: ContainerPlan): Promise<void> {
  for (const args of netnsShapingCommands(plan)) await exec('tc', args, { timeoutMs: IP_TIMEOUT_MS });
}

/**
 * Starts every host's `asoc-lab topo node` in its namespace, holding its workloads until SIGUSR1.
 * `ip netns exec` runs it in place, so the pid is the node's. Detached: a Ctrl-C at the terminal
 * reaches the run (which then tears down), not the nodes.
 */
export function startNodes(plan: ContainerPlan, options: { repoRoot: string; topologyFile: string; dir: string; keyFile: string; profile?: ProfileName | undefined; transport?: Transport | undefined; keepAfterExit: boolean }): NamespaceNode[] {
  const cli = path.join(options.repoRoot, 'bin/asoc-lab.js');
  return plan.hosts.map((host) => {
    const namespace = hostNamespace(plan.name, host.name);
    const log = path.join(options.dir, `${host.name}.log`);
    const fd = openSync(log, 'w');
    const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, cli, 'topo', 'node', options.topologyFile, '--name', host.name, '--file-addresses', '--api-key-file', options.keyFile], {
      cwd: options.repoRoot,
      env: { ...process.env, ASOC_TOPO_HOLD: '1', ASOC_TOPO_PROFILE: options.profile ?? '', ASOC_TOPO_TRANSPORT: options.transport ?? '' },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    const node: NamespaceNode = { host, namespace, pid: child.pid ?? 0, log, exit: child.pid === undefined ? 'not started' : null };
    child.on('error', (err) => (node.exit = err.message));
    child.on('exit', (code, signal) => (node.exit = signal ? `killed by ${signal}` : `exit code ${code}`));
    // `topo up` returns while the nodes run on.
    if (options.keepAfterExit) child.unref();
    return node;
  });
}

function eventsOf(node: NamespaceNode): TopoEvent[] {
  return existsSync(node.log) ? parseEvents(readFileSync(node.log, 'utf8')) : [];
}

/** Waits until every node logged `kind`; a node that stopped first, or the time running out, is an error naming who. */
export async function waitForAll(nodes: readonly NamespaceNode[], kind: 'listening' | 'done', timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const missing = nodes.filter((n) => !eventsOf(n).some((e) => e.event === kind));
    const stopped = missing.find((n) => n.exit !== null);
    if (stopped) throw new NamespaceRunError(`${stopped.host.name}'s node stopped early (${stopped.exit}); its last lines:\n  ${lines(readFileSync(stopped.log, 'utf8')).slice(-8).join('\n  ')}`);
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new NamespaceRunError(`after ${timeoutMs / 1000} s, ${missing.map((n) => n.host.name).join(', ')} had not logged "${kind}"`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Tells every node to start its workloads (they hold until the links are shaped). */
export function go(nodes: readonly NamespaceNode[]): void {
  for (const node of nodes) if (node.host.node) signalProcess(node.pid, 'SIGUSR1');
}

/** Each attack, as `asoc-lab attack` run in the attacker's namespace against the target's address. */
export async function runAttacks(dep: NetnsDeployment, repoRoot: string, log: (line: string) => void, signal?: AbortSignal): Promise<AttackFigure[]> {
  const figures: AttackFigure[] = [];
  for (const [i, attack] of dep.plan.attacks.entries()) {
    log(`attack ${attack.name} from ${attack.from} against ${[attack.target, ...attack.replayTo].join(', ')} (${targetProfile(dep.plan, attack)})`);
    const out = path.join(dep.dir, `attack-${i}-${attack.name}.json`);
    const args = attackArgs(dep.plan, attack, dep.keyFile, out);
    await exec('ip', ['netns', 'exec', hostNamespace(dep.plan.name, attack.from), process.execPath, path.join(repoRoot, 'bin/asoc-lab.js'), ...args], { cwd: repoRoot, timeoutMs: (ATTACK_TIMEOUT_S + 30) * 1000, signal });
    figures.push(attackFigure(dep.plan, attack, out));
  }
  return figures;
}

/** Stops every node (SIGTERM: each then logs its report) and reads the reports back. */
export async function stopAndCollect(nodes: readonly NamespaceNode[]): Promise<Map<string, NodeReport>> {
  for (const node of nodes) if (node.exit === null) signalProcess(node.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (nodes.some((n) => n.exit === null) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  const reports = new Map<string, NodeReport>();
  for (const node of nodes) {
    const result = eventsOf(node).find((e) => e.event === 'result');
    if (result?.event === 'result') reports.set(node.host.name, result.report);
  }
  return reports;
}

/** Each node's resident memory now (VmRSS of its process), in bytes, by host name; a node already gone is left out. */
export function memoryUse(nodes: readonly NamespaceNode[]): Record<string, number> {
  const use: Record<string, number> = {};
  for (const node of nodes) {
    if (node.pid <= 0 || node.exit !== null) continue;
    try {
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${node.pid}/status`, 'utf8'))?.[1];
      if (kib !== undefined) use[node.host.name] = Number(kib) * 1024;
    } catch {
      // gone between the check and the read
    }
  }
  return use;
}

export interface NetnsLeftovers {
  namespaces: string[];
  /** Processes still running in them. */
  processes: number[];
  /** Why a removal failed, when one did. */
  errors: string[];
}

/**
 * Kills every process in the topology's namespaces, deletes the namespaces (their veths and the
 * bridge go with them), and never throws: what is still there is returned for the run to report.
 */
export async function teardown(topology: string): Promise<NetnsLeftovers> {
  const errors: string[] = [];
  const killed: number[] = [];
  const namespaces = await namespacesOf(topology).catch((err: Error) => (errors.push(err.message), []));
  for (const ns of namespaces) {
    for (const pid of await pidsIn(ns)) {
      signalProcess(pid, 'SIGKILL');
      killed.push(pid);
    }
  }
  const deadline = Date.now() + KILL_WAIT_MS;
  while (killed.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  for (const ns of namespaces) await exec('ip', ['netns', 'delete', ns], { timeoutMs: IP_TIMEOUT_MS }).catch((err: Error) => errors.push(err.message));
  const left = await namespacesOf(topology).catch(() => namespaces);
  return { namespaces: left, processes: killed.filter(alive), errors: left.length > 0 ? errors : [] };
}

async function pidsIn(namespace: string): Promise<number[]> {
  return lines(await exec('ip', ['netns', 'pids', namespace], { timeoutMs: IP_TIMEOUT_MS }).catch(() => '')).map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Signals one process by its id (never 0 or below: those would reach whole process groups). */
function signalProcess(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

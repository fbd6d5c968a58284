/**
 * Puts a benchmark's sender and receiver on two different CPUs (Linux, with util-linux's taskset),
 * so a loopback run measures two nodes with a core each. Unpinned, Linux often runs a tightly
 * coupled sender/receiver pair on one core (it wakes the reader where the writer runs), and
 * loopback throughput then flips between two modes ~2.5× apart from one run to the next.
 */
import { execFileSync } from 'node:child_process';

export interface Pinning {
  sender: number;
  receiver: number;
}

/** The first two CPUs this process may run on, or null: not Linux, a single CPU, or no taskset. */
export function choosePinning(): Pinning | null {
  if (process.platform !== 'linux') return null;
  const allowed = affinity(process.pid);
  if (allowed === null) return null;
  const cpus = parseCpuList(allowed);
  return cpus.length >= 2 ? { sender: cpus[0]!, receiver: cpus[1]! } : null;
}

/**
 * Pins every thread of this process (the main thread, libuv's pool, V8's helpers) to `cpu`, as
 * `taskset -c` does for a child it starts; returns what restores the previous affinity.
 */
export function pinSelf(cpu: number): () => void {
  const pid = String(process.pid);
  const before = affinity(process.pid);
  if (before === null) throw new Error('cannot read this process’s CPU affinity with taskset');
  execFileSync('taskset', ['-a', '-pc', String(cpu), pid], { stdio: 'ignore' });
  return () => execFileSync('taskset', ['-a', '-pc', before, pid], { stdio: 'ignore' });
}

/** `command args` as a command line that runs it on `cpu`. */
export function onCpu(cpu: number, command: string, args: string[]): [string, string[]] {
  return ['taskset', ['-c', String(cpu), command, ...args]];
}

/** taskset's CPU list for a process ("0,1" or "0-3,6"), or null when taskset cannot tell. */
function affinity(pid: number): string | null {
  try {
    const out = execFileSync('taskset', ['-pc', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /affinity list:\s*([\d,-]+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

function parseCpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
  });
}

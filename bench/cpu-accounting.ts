/**
 * Where a run's CPU time went, CPU by CPU (Linux): each CPU's busy and softirq share of the
 * interval from /proc/stat, and how many NET_RX softirqs it ran from /proc/softirqs. Over loopback
 * the kernel's TCP work runs in softirq context on whichever CPU pushed the segment out, so these
 * figures say which side of a pinned sender/receiver pair carried the transfer's kernel work, and
 * which CPU was the bottleneck (bench/throughput-modes.ts classifies runs with them). What the
 * CPUs spent beyond the measured processes' own CPU time is other work on the machine: a run that
 * shared its CPUs with it is not a clean sample.
 */
import { readFileSync } from 'node:fs';

interface CpuCounters {
  busy: number;
  softirq: number;
  total: number;
}

export interface CpuSnapshot {
  /** Indexed by CPU number. */
  cpus: CpuCounters[];
  netRx: number[];
}

/** One CPU over an interval: shares of its time (0…1) and NET_RX softirqs it ran. */
export interface CpuShare {
  cpu: number;
  busy: number;
  softirq: number;
  netRx: number;
}

/** /proc/stat's per-CPU lines (`cpu0 …`), by CPU number; steal and idle/iowait are not busy. */
export function parsePerCpuStat(text: string): CpuCounters[] {
  const cpus: CpuCounters[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    // user nice system idle iowait irq softirq steal (guest time is inside user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = match[2]!.trim().split(/\s+/).map(Number);
    cpus[Number(match[1])] = { busy: user + nice + system + irq + softirq, softirq, total: user + nice + system + idle + iowait + irq + softirq + steal };
  }
  return cpus;
}

/** /proc/softirqs' NET_RX counts, by CPU number (columns CPU0, CPU1, …). */
export function parseNetRx(text: string): number[] {
  const line = text.split('\n').find((l) => l.trim().startsWith('NET_RX:'));
  return line ? line.trim().split(/\s+/).slice(1).map(Number) : [];
}

/** Now's counters, or null where /proc does not have them (not Linux). */
export function snapshotCpus(): CpuSnapshot | null {
  try {
    return { cpus: parsePerCpuStat(readFileSync('/proc/stat', 'utf8')), netRx: parseNetRx(readFileSync('/proc/softirqs', 'utf8')) };
  } catch {
    return null;
  }
}

/** Each CPU's shares between two snapshots (CPUs with no elapsed time are left out). */
export function cpuShares(from: CpuSnapshot, to: CpuSnapshot): CpuShare[] {
  return to.cpus.flatMap((end, cpu) => {
    const start = from.cpus[cpu];
    const elapsed = start ? end.total - start.total : 0;
    if (!start || elapsed <= 0) return [];
    const netRx = (to.netRx[cpu] ?? 0) - (from.netRx[cpu] ?? 0);
    return [{ cpu, busy: (end.busy - start.busy) / elapsed, softirq: (end.softirq - start.softirq) / elapsed, netRx }];
  });
}

/**
 * CPUs' worth of work other than `ownCpuSeconds` during a run of `seconds`: all CPUs' busy time
 * minus the measured processes' own (softirq work done in their context is charged to them).
 * /proc/stat counts in 10 ms ticks, so a short run's figure is ± a few hundredths.
 */
export function foreignCpus(shares: readonly CpuShare[], seconds: number, ownCpuSeconds: number): number {
  const busySeconds = shares.reduce((sum, s) => sum + s.busy, 0) * seconds;
  return Math.max(0, busySeconds - ownCpuSeconds) / seconds;
}

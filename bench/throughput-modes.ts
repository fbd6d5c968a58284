/**
 * The two modes of a pinned loopback transfer, told apart run by run. With the sender and the
 * receiver on two CPUs, TCP over loopback settles into one of two states and stays there:
 *
 * - sender-bound: the receiver keeps its window open, the sender's own writes push every segment
 *   through the stack (the receive softirq runs on the sender's CPU), the receiver only copies
 *   out. The sender's CPU is the busier one; this is the fast mode.
 * - receiver-bound: the receiver fell behind once, the window closed, and from then on segments
 *   leave when its window updates (ACKs) arrive — processed on the receiver's CPU, which now does
 *   the sender's transmit work as well as its own and so stays behind. The receiver's CPU is the
 *   busier one and it spends about twice the CPU per byte; throughput is 2–2.5× lower.
 *
 * A run's mode is read from the two CPUs' busy shares over the run (bench/cpu-accounting.ts).
 * Figures of the two modes are summarised apart and a ratio between protocols pairs only runs of
 * the same mode, so a mode flip is reported as a mode, not as spread. A run during which other work
 * took CPU time (bench/cpu-accounting.ts: foreignCpus) is disturbed and left out of the figures.
 * docs/benchmarking.md has the measurements behind this.
 */
import type { CpuShare } from './cpu-accounting.ts';

export const RUN_MODES = ['sender-bound', 'receiver-bound', 'balanced', 'unknown'] as const;
export type RunMode = (typeof RUN_MODES)[number];

/** Busy shares closer than this are too close to name a bottleneck. */
export const MODE_MARGIN = 0.05;

/**
 * The mode of one run whose sender ran on `senderCpu` and receiver on `receiverCpu`. unknown: not
 * pinned, no /proc, or a run with traffic both ways (no single sender).
 */
export function classifyRun(shares: readonly CpuShare[] | null, placement: { senderCpu: number; receiverCpu: number } | null): RunMode {
  if (!shares || !placement) return 'unknown';
  const sender = shares.find((s) => s.cpu === placement.senderCpu);
  const receiver = shares.find((s) => s.cpu === placement.receiverCpu);
  if (!sender || !receiver) return 'unknown';
  const difference = sender.busy - receiver.busy;
  if (Math.abs(difference) < MODE_MARGIN) return 'balanced';
  return difference > 0 ? 'sender-bound' : 'receiver-bound';
}

/** Other work of more than this many CPUs' worth during a run disturbs it (about 10 % of a 2-CPU pinned pair's time). */
export const MAX_FOREIGN_CPUS = 0.2;

export const isDisturbed = (foreignCpus: number | null): boolean => foreignCpus !== null && foreignCpus > MAX_FOREIGN_CPUS;

/** The runs that count: the undisturbed ones, or all of them when every run was disturbed (then the report says so). */
export function countedRuns<T extends { disturbed: boolean }>(runs: readonly T[]): T[] {
  const clean = runs.filter((r) => !r.disturbed);
  return clean.length > 0 ? clean : [...runs];
}

/**
 * Per-round figures out of bench reports, for the claims that compare protocols: a ratio pairs the
 * two protocols' runs of the SAME round (seconds apart, under the same machine conditions), never
 * one protocol's median with another's. Missing or corrupt runs are BenchEvidenceErrors.
 */
import { measuredRuns } from '../../bench/cpu.ts';
import type { CpuReport, PacedRun } from '../../bench/cpu-schema.ts';
import type { LatencyReport, LatencyRun } from '../../bench/latency-schema.ts';
import { countedRuns } from '../../bench/throughput-modes.ts';
import type { ThroughputReport, ThroughputRun } from '../../bench/throughput-schema.ts';
import type { ReferenceRounds } from './noise-rule.ts';

/** A bench result lacks what a claim needs (a protocol, a size, a run), or a run was corrupt. */
export class BenchEvidenceError extends Error {
  override readonly name = 'BenchEvidenceError';
}

/** One figure of one round. */
export interface RoundValue {
  round: number;
  value: number;
}

export const values = (rounds: readonly RoundValue[]): number[] => rounds.map((r) => r.value);

const KiB = 1024;
const MiB = 1024 * KiB;
/** 1024 → "1 KiB", 1048576 → "1 MiB", 100 → "100 B". */
export const sizeName = (n: number): string => (n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : n >= KiB && n % KiB === 0 ? `${n / KiB} KiB` : `${n} B`);

/** numerator ÷ denominator round by round, over the rounds both have; throws when they share none. */
export function pairedRatios(numerator: readonly RoundValue[], denominator: readonly RoundValue[], what: string): RoundValue[] {
  const byRound = new Map(denominator.map((d) => [d.round, d.value]));
  const ratios = numerator.flatMap((n) => {
    const d = byRound.get(n.round);
    return d === undefined || d === 0 ? [] : [{ round: n.round, value: n.value / d }];
  });
  if (ratios.length === 0) throw new BenchEvidenceError(`${what}: no round has both figures`);
  return ratios;
}

const byRound = (a: RoundValue, b: RoundValue) => a.round - b.round;

/** The closed-loop (ping-pong) runs of a protocol at a size, one per round; throws if missing or corrupt. */
export function pingPongRuns(report: LatencyReport, protocol: string, messageBytes: number): LatencyRun[] {
  const runs = report.runs.filter((r) => r.protocol === protocol && r.messageBytes === messageBytes && r.mode === 'closed');
  if (runs.length === 0) throw new BenchEvidenceError(`the latency bench has no ${protocol} ping-pong at ${messageBytes} B`);
  const bad = runs.find((r) => !r.intact || r.messages === 0);
  if (bad) throw new BenchEvidenceError(`the latency bench's ${protocol} ping-pong at ${messageBytes} B ${bad.intact ? 'has no messages' : 'echoed corrupt data'} in round ${bad.round}`);
  return runs;
}

/** A protocol's ping-pong p50 (µs, round trip) per round. */
export function pingPongP50(report: LatencyReport, protocol: string, messageBytes: number): RoundValue[] {
  return pingPongRuns(report, protocol, messageBytes)
    .map((r) => ({ round: r.round, value: r.latencyUs.p50 }))
    .sort(byRound);
}

/** A protocol's measured runs that count (bench/throughput-modes.ts: disturbed ones left out), by round. */
function throughputRuns(report: ThroughputReport, protocol: string): ThroughputRun[] {
  const runs = report.runs.filter((r) => r.protocol === protocol && !r.warmup);
  if (runs.length === 0) throw new BenchEvidenceError(`the throughput bench has no ${protocol} run`);
  const bad = runs.find((r) => !r.verified);
  if (bad) throw new BenchEvidenceError(`the throughput bench's ${protocol} run ${bad.run} was not delivered intact`);
  return countedRuns(runs).sort((a, b) => a.run - b.run);
}

/** A protocol's delivered MB/s per measured run (run r = round r) of the throughput bench. */
export function throughputRounds(report: ThroughputReport, protocol: string): RoundValue[] {
  return throughputRuns(report, protocol).map((r) => ({ round: r.run, value: r.MBps }));
}

/** numerator's MB/s ÷ denominator's, round by round, over the rounds where both have a run that counts. */
export function throughputRatios(report: ThroughputReport, numerator: string, denominator: string): RoundValue[] {
  const what = `${numerator} ÷ ${denominator} MB/s`;
  const denominators = new Map(throughputRuns(report, denominator).map((r) => [r.run, r]));
  const ratios = throughputRuns(report, numerator).flatMap((n) => {
    const d = denominators.get(n.run);
    return d && d.MBps > 0 ? [{ round: n.run, value: n.MBps / d.MBps }] : [];
  });
  if (ratios.length === 0) throw new BenchEvidenceError(`${what}: no round has both figures`);
  return ratios;
}

/** The mode most of a protocol's runs were in, and those runs' MB/s by round. */
export function throughputMainMode(report: ThroughputReport, protocol: string): { mode: ThroughputRun['mode']; of: number; rounds: RoundValue[] } {
  const runs = throughputRuns(report, protocol);
  const counts = new Map<ThroughputRun['mode'], number>();
  for (const r of runs) counts.set(r.mode, (counts.get(r.mode) ?? 0) + 1);
  const [mode] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  return { mode, of: runs.length, rounds: runs.filter((r) => r.mode === mode).map((r) => ({ round: r.run, value: r.MBps })) };
}

/** A protocol's measured paced runs (warm-up excluded), by round. */
export function pacedRuns(report: CpuReport, protocol: string): PacedRun[] {
  const runs = measuredRuns(report, protocol);
  if (runs.length === 0) throw new BenchEvidenceError(`the CPU bench has no ${protocol} run`);
  return runs;
}

export function pacedRounds(report: CpuReport, protocol: string, figure: (run: PacedRun) => number): RoundValue[] {
  return pacedRuns(report, protocol).map((r) => ({ round: r.round, value: figure(r) }));
}

// raw TCP's own per-round figures: the noise rule's reference in each bench.

/** raw TCP's ping-pong p50 at this size, per round: the reference for figures measured at that size. */
export function latencyReference(report: LatencyReport, messageBytes: number): ReferenceRounds {
  return { what: `${sizeName(messageBytes)} ping-pong p50`, rounds: values(pingPongP50(report, 'raw-tcp', messageBytes)) };
}

/** raw TCP's CPU s/GB (both processes) per round of the paced bench. */
export function cpuReference(report: CpuReport): ReferenceRounds {
  return { what: 'paced CPU s/GB (both processes)', rounds: values(pacedRounds(report, 'raw-tcp', (r) => r.cpu.secondsPerGB)) };
}

/**
 * raw TCP's MB/s per round of the throughput bench, in the mode most of its runs were in: a flip
 * between the two modes of a pinned loopback pair is reported as a mode, not as machine noise.
 */
export function throughputReference(report: ThroughputReport): ReferenceRounds {
  const main = throughputMainMode(report, 'raw-tcp');
  const within = main.mode === 'unknown' ? '' : ` (${main.mode} runs: ${main.rounds.length} of ${main.of})`;
  const measured = report.runs.filter((r) => !r.warmup);
  return { what: `throughput MB/s${within}`, rounds: values(main.rounds), disturbed: { runs: measured.filter((r) => r.disturbed).length, of: measured.length } };
}

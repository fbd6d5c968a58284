/**
 * When the machine was too noisy for a timed verdict. A loopback figure measures the protocol only
 * while the machine holds still; two signs that it did not:
 * - steal: the hypervisor took more than MAX_STEAL_FRACTION of all CPU time over the bench
 *   (bench/noise.ts, from /proc/stat). Stolen time slows every timed figure, crypto included.
 * - raw TCP disagreed with itself: the relative spread ((max − min) ÷ median) of raw TCP's own
 *   per-round figure in the same bench passed MAX_RAW_TCP_SPREAD. raw TCP has no protocol to
 *   vary, so a spread that large is the machine's (other processes, CPU frequency, scheduling).
 * - other work took the CPUs: the throughput bench marks a run disturbed when the machine's CPUs
 *   did other work beside the two processes (bench/throughput-modes.ts); past MAX_DISTURBED_SHARE
 *   of the runs, the few clean ones left are not enough to stand on.
 * A part decided under any of these is UNDECIDED with "machine too noisy: …"; exact byte counts are
 * never affected.
 *
 * The bound of 0.5 comes from verify's quick settings run repeatedly on the lab's shared 2-core VM
 * (other processes busy on it, load average 2–5): where raw TCP held one mode, its spread was
 * 0.15–0.3 (paced CPU s/GB, 1 KiB ping-pong p50), rarely 0.5; where its rounds flipped between two
 * modes about 2× apart (1 MiB ping-pongs, bulk throughput), 0.6–3. The bound separates the two: a
 * figure measured while the machine switched modes under it is not decided.
 */
import type { NoiseReport } from '../../bench/noise.ts';
import { relativeSpread } from '../../bench/stats.ts';
import type { Figure } from './verdict.ts';

export const MAX_STEAL_FRACTION = 0.05;
export const MAX_RAW_TCP_SPREAD = 0.5;
export const MAX_DISTURBED_SHARE = 1 / 3;

/** raw TCP's own per-round figure in a bench (e.g. its 1 KiB ping-pong p50 per round). */
export interface ReferenceRounds {
  what: string;
  rounds: readonly number[];
  /** Runs of the bench (all protocols) that other work on the machine disturbed, where the bench tells. */
  disturbed?: { runs: number; of: number };
}

export interface NoiseCheck {
  /** Why the machine was too noisy ("machine too noisy: …"), or null when it was quiet enough. */
  tooNoisy: string | null;
  noise: NoiseReport;
  /** raw TCP's per-round figures and their relative spread. */
  rawTcp: Array<{ what: string; rounds: number[]; spread: number }>;
}

export const NOISE_RULE = `machine too noisy when steal exceeds ${MAX_STEAL_FRACTION * 100} % of CPU time over the bench, or raw TCP's own per-round figure in the same bench spreads by more than ${MAX_RAW_TCP_SPREAD} ((max − min) ÷ median), or other work took CPU time during more than ${Math.round(MAX_DISTURBED_SHARE * 100)} % of a throughput bench's runs; its timed parts are then UNDECIDED`;

/** The rule applied to one bench's noise report and raw TCP's per-round figures in it (none for a bench without raw TCP). */
export function checkNoise(noise: NoiseReport, references: readonly ReferenceRounds[] = []): NoiseCheck {
  const rawTcp = references.filter((r) => r.rounds.length > 0).map((r) => ({ what: r.what, rounds: [...r.rounds], spread: relativeSpread(r.rounds) }));
  const reasons: string[] = [];
  if (noise.stealFraction !== null && noise.stealFraction > MAX_STEAL_FRACTION) reasons.push(`the hypervisor stole ${(noise.stealFraction * 100).toFixed(1)} % of CPU time (bound ${MAX_STEAL_FRACTION * 100} %)`);
  for (const r of rawTcp) if (r.spread > MAX_RAW_TCP_SPREAD) reasons.push(`raw TCP's ${r.what} spread ${r.spread.toFixed(2)} across rounds (bound ${MAX_RAW_TCP_SPREAD})`);
  for (const { disturbed } of references) {
    if (disturbed && disturbed.runs > MAX_DISTURBED_SHARE * disturbed.of) reasons.push(`other work took CPU time during ${disturbed.runs} of ${disturbed.of} runs (bound ${Math.round(MAX_DISTURBED_SHARE * 100)} %)`);
  }
  return { tooNoisy: reasons.length > 0 ? `machine too noisy: ${reasons.join('; ')}` : null, noise, rawTcp };
}

/** A judged figure under the rule: UNDECIDED on a noisy machine, whatever its interval says. */
export function underNoise(figure: Figure, check: NoiseCheck): Figure {
  return check.tooNoisy === null || figure.verdict === undefined ? figure : { ...figure, verdict: 'UNDECIDED' };
}

/** Order statistics and intervals for benchmark samples. */
import seedrandom from 'seedrandom';
import * as ss from 'simple-statistics';

/** The median (the mean of the middle two for an even count). Throws on no samples. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The q-quantile (0 ≤ q ≤ 1) of values already sorted ascending, interpolated between neighbours. */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/** Where samples lie: the median and the spread around it. */
export interface Spread {
  median: number;
  min: number;
  p10: number;
  p90: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sortedQuantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    p10: sortedQuantile(sorted, 0.1),
    p90: sortedQuantile(sorted, 0.9),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** A confidence interval of a statistic of samples (the shape lab/claims/verdict.ts judges). */
export interface SampleInterval {
  low: number;
  high: number;
  confidence: number;
  method: string;
}

export interface BootstrapOptions {
  /** Default 0.95. */
  confidence?: number;
  /** Default 4000. */
  resamples?: number;
  /** The resampling is seeded, so the same samples always give the same interval. Default 'asoc-lab'. */
  seed?: string;
}

/**
 * Percentile-bootstrap interval of the median of `samples` (per-round figures of one run). Seeded,
 * so it is a pure function of its input. With fewer than 3 samples there is no honest interval:
 * it spans the samples and says so in `method` (a verdict from it is then decided only when every
 * sample is on one side).
 */
export function bootstrapMedianInterval(samples: readonly number[], options: BootstrapOptions = {}): SampleInterval {
  if (samples.length === 0) throw new RangeError('an interval needs at least one sample');
  if (samples.some((s) => !Number.isFinite(s))) throw new RangeError(`samples must be finite numbers, got ${samples.join(', ')}`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be within (0, 1), got ${confidence}`);
  if (samples.length < 3) {
    // The range of n samples covers the median with probability 1 − 2^(1−n): 0 for one sample, ½ for two.
    const coverage = 1 - 2 ** (1 - samples.length);
    return { low: Math.min(...samples), high: Math.max(...samples), confidence: coverage, method: `range of ${samples.length} sample(s) (too few to bootstrap; it covers the median with probability ${coverage})` };
  }
  const resamples = options.resamples ?? 4000;
  const random = seedrandom(options.seed ?? 'asoc-lab');
  const medians = Array.from({ length: resamples }, () => ss.median(ss.sampleWithReplacement([...samples], samples.length, random)));
  medians.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    low: ss.quantileSorted(medians, tail),
    high: ss.quantileSorted(medians, 1 - tail),
    confidence,
    method: `percentile bootstrap of the median of ${samples.length} samples, ${resamples} resamples`,
  };
}

/** (max − min) ÷ median: how far apart a set of rounds landed (0.15 = within 15 %). */
export function relativeSpread(values: readonly number[]): number {
  const m = median(values);
  return (Math.max(...values) - Math.min(...values)) / Math.abs(m);
}

/** Order statistics for benchmark samples. */

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

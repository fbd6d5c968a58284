/** Summaries of a set of figures for the scenario report. */
import { median } from '../bench/stats.ts';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Min, median and max; null for no values. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

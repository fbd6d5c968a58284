/**
 * Figures for claim verdicts: from per-round samples (median, bootstrap interval of the median,
 * judged against the claim's threshold) or exact (a byte count: no interval), and the short texts
 * a verdict carries: the figure with its interval, and what a longer run would need to decide it.
 */
import { bootstrapMedianInterval, median } from '../../bench/stats.ts';
import { judge, type Figure, type Threshold } from './verdict.ts';

export interface FigureSpec {
  name: string;
  unit: string;
  threshold?: Threshold;
  statistic?: string;
  tolerance?: number;
}

/** A figure from repeated measurements (one sample per round, or per timed batch): their median and its interval. */
export function sampledFigure(spec: FigureSpec, samples: readonly number[]): Figure {
  if (samples.length === 0) throw new RangeError(`${spec.name}: no samples`);
  const figure: Figure = { ...spec, estimate: median(samples), interval: bootstrapMedianInterval(samples), samples: [...samples] };
  return spec.threshold ? { ...figure, verdict: judge(figure, spec.threshold) } : figure;
}

/** An exact figure (a byte count the protocol fixes): no interval; `samples` are the counts it was read from. */
export function exactFigure(spec: FigureSpec, value: number, samples: readonly number[] = [value]): Figure {
  const figure: Figure = { ...spec, estimate: value, interval: null, samples: [...samples] };
  return spec.threshold ? { ...figure, verdict: judge(figure, spec.threshold) } : figure;
}

/** "1.3 [1.2, 1.4]" (or "52" for an exact figure), each number through `format`. */
export function withInterval(figure: Pick<Figure, 'estimate' | 'interval'>, format: (value: number) => string): string {
  return figure.interval ? `${format(figure.estimate)} [${format(figure.interval.low)}, ${format(figure.interval.high)}]` : format(figure.estimate);
}

/** Past this many more samples an estimate is not worth giving: the figure sits on its threshold. */
const MAX_ESTIMATED = 1000;

/**
 * For a figure whose interval straddles its threshold: the bound it straddles, and about how many
 * more samples would narrow the interval enough to clear it, assuming the estimate stays where it
 * is and the interval's half-width on that side shrinks as 1/√samples (an estimate, said so).
 */
export function moreSamplesNeeded(figure: Figure, unit: 'rounds' | 'samples', format: (value: number) => string): string | null {
  if (figure.verdict !== 'UNDECIDED' || !figure.interval || !figure.threshold) return null;
  const { low, high } = figure.interval;
  const t = figure.threshold;
  // A lower bound is straddled when low < bound ≤ high, an upper one when low ≤ bound < high (judge()'s edges).
  const lower = 'within' in t ? [t.within[0]] : 'atLeast' in t ? [t.atLeast] : [];
  const upper = 'within' in t ? [t.within[1]] : 'atMost' in t ? [t.atMost] : [];
  const straddled = [...lower.filter((b) => low < b && b <= high), ...upper.filter((b) => low <= b && b < high)];
  const n = figure.samples.length;
  const needs = straddled.map((bound) => {
    const distance = Math.abs(figure.estimate - bound);
    const halfWidth = figure.estimate >= bound ? figure.estimate - low : high - figure.estimate;
    return { bound, distance, more: distance > 0 ? Math.max(1, Math.ceil(n * (halfWidth / distance) ** 2) - n) : Infinity };
  });
  const worst = needs.reduce((a, b) => (b.more > a.more ? b : a), needs[0] ?? { bound: NaN, distance: 0, more: Infinity });
  const straddles = `the interval [${format(low)}, ${format(high)}] straddles ${straddled.map(format).join(' and ') || 'the threshold'}`;
  if (!Number.isFinite(worst.more) || worst.more > MAX_ESTIMATED) return `${straddles}; the estimate ${format(figure.estimate)} sits too close to it for more ${unit} to settle it here`;
  return `${straddles}; about ${worst.more} more ${unit} would narrow it to ±${format(worst.distance)} at the observed spread (an estimate: the interval taken to shrink as 1/√${unit})`;
}

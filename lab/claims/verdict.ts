/**
 * A claim's verdict, the figures that decided it, and the rules that turn a measured interval into
 * a verdict. A performance figure is decided only when its whole confidence interval lies on one
 * side of the claim's threshold; otherwise it is UNDECIDED, never a coin flip between runs.
 */

/**
 * HOLDS, FAILS, PARTIAL (some parts hold, some fail), UNDECIDED (an interval straddles a threshold,
 * or the machine was too noisy to measure), PENDING (no instrument decided it in this run).
 */
export type Verdict = 'HOLDS' | 'FAILS' | 'PARTIAL' | 'UNDECIDED' | 'PENDING';

/** The verdict of one part of a claim (one figure against one threshold). */
export type PartVerdict = 'HOLDS' | 'FAILS' | 'UNDECIDED';

/** Where the true value of a figure lies, with this confidence. */
export interface Interval {
  low: number;
  high: number;
  /** e.g. 0.95 */
  confidence: number;
  /** How it was computed, e.g. 'bootstrap percentile of the median, 2000 resamples'. */
  method: string;
}

/** What the claim asks of a figure. */
export type Threshold = { atLeast: number } | { atMost: number } | { within: readonly [number, number] };

/** One measured quantity: its samples, its estimate and interval, and (when it decides) its threshold. */
export interface Figure {
  /** What was measured, e.g. 'grpc-stream ÷ asoc-v1 1 KiB ping-pong p50'. */
  name: string;
  unit: string;
  /** The statistic of the samples (the median unless `statistic` says otherwise), or an exact count. */
  estimate: number;
  /** null for exact figures (byte counts from the codecs), which need no interval. */
  interval: Interval | null;
  /** Every sample the estimate came from (per round, per run); [estimate] for an exact figure. */
  samples: number[];
  statistic?: string;
  threshold?: Threshold;
  /** The part's verdict against the threshold (judge()). */
  verdict?: PartVerdict;
  /**
   * For regression checks (asoc-lab compare): a ratio to raw TCP of the same run, which may fall by
   * at most this fraction of its previous value before the build fails.
   */
  tolerance?: number;
}

export interface ClaimResult {
  id: string;
  verdict: Verdict;
  /** One sentence a reader can check against the evidence. */
  summary: string;
  /** What the lab measured, short, with the interval (the report's first table). */
  measured?: string;
  /** The figures that decided it. */
  figures?: Figure[];
  /** When UNDECIDED: what a longer or quieter run would need. */
  toDecide?: string;
  /** Figures and facts, machine-readable. */
  evidence: Record<string, unknown>;
}

/** Below this confidence an interval (of too few samples) decides nothing. */
export const MIN_CONFIDENCE = 0.9;

/**
 * A figure's verdict against a threshold: HOLDS or FAILS only when the whole interval is on one
 * side, and the interval is one at MIN_CONFIDENCE or better.
 */
export function judge(figure: Pick<Figure, 'estimate' | 'interval'>, threshold: Threshold): PartVerdict {
  if (figure.interval && figure.interval.confidence < MIN_CONFIDENCE) return 'UNDECIDED';
  const low = figure.interval?.low ?? figure.estimate;
  const high = figure.interval?.high ?? figure.estimate;
  if ('atLeast' in threshold) return low >= threshold.atLeast ? 'HOLDS' : high < threshold.atLeast ? 'FAILS' : 'UNDECIDED';
  if ('atMost' in threshold) return high <= threshold.atMost ? 'HOLDS' : low > threshold.atMost ? 'FAILS' : 'UNDECIDED';
  const [from, to] = threshold.within;
  if (low >= from && high <= to) return 'HOLDS';
  if (high < from || low > to) return 'FAILS';
  return 'UNDECIDED';
}

/** A figure with its threshold and the verdict judge() gives it. */
export function judged(figure: Figure, threshold: Threshold): Figure {
  return { ...figure, threshold, verdict: judge(figure, threshold) };
}

const asPart = (part: boolean | PartVerdict): PartVerdict => (part === true ? 'HOLDS' : part === false ? 'FAILS' : part);

const combineDecided = (parts: readonly ('HOLDS' | 'FAILS')[]): Verdict =>
  parts.every((p) => p === 'HOLDS') ? 'HOLDS' : parts.some((p) => p === 'HOLDS') ? 'PARTIAL' : 'FAILS';

/**
 * A claim of several parts: HOLDS when every part holds, FAILS when none does, PARTIAL between.
 * An UNDECIDED part leaves the claim UNDECIDED unless every way it could fall gives the same
 * verdict (one part holds and another fails: PARTIAL whatever the undecided one does).
 */
export function verdictOf(parts: readonly (boolean | PartVerdict)[]): Verdict {
  if (parts.length === 0) throw new RangeError('a verdict needs at least one part');
  const decided = parts.map(asPart).filter((p): p is 'HOLDS' | 'FAILS' => p !== 'UNDECIDED');
  const undecided = parts.length - decided.length;
  if (undecided === 0) return combineDecided(decided);
  const ifAllHold = combineDecided([...decided, ...Array<'HOLDS'>(undecided).fill('HOLDS')]);
  const ifAllFail = combineDecided([...decided, ...Array<'FAILS'>(undecided).fill('FAILS')]);
  // Mixed resolutions lie between these two (or are PARTIAL), so agreeing ends decide.
  return ifAllHold === ifAllFail ? ifAllHold : 'UNDECIDED';
}

/** The verdicts that say the claim is decided either way (for "no HOLDS in one run and FAILS in another"). */
export const DECIDED: ReadonlySet<Verdict> = new Set(['HOLDS', 'FAILS', 'PARTIAL']);

/**
 * A claim's result and the figures that decided it. The verdicts and the rules that make them
 * (judge, verdictOf, allOf) are the instruments' too, in bench/verdict.ts.
 */
import type { Interval } from '../../bench/stats.ts';
import type { PartVerdict, Threshold, Verdict } from '../../bench/verdict.ts';

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

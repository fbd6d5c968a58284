/**
 * Whether a calibration's rounds agree well enough for a verdict to stand on them. Each round is
 * one measured run at every frame size, fitted on its own (calibrate-fit.ts); a side's costs are
 * the medians over rounds, each with a bootstrap interval of that median (verdicts are then taken
 * at both ends of the intervals, so a wide interval shows up there, as UNDECIDED). The rounds are
 * rejected, and the calibration measured again, when
 *
 *   - a round had to fix a cost at 0 (a negative per-frame or per-byte cost: the model did not fit
 *     that round, and 0 is not a measurement);
 *   - a cost's rounds spread wider than `maxSpread` ((max − min) ÷ median);
 *   - some round's cost at some frame size lies further than `maxResidual` from what the median
 *     costs predict for it ((observed − predicted) ÷ predicted): the costs written do not describe
 *     that measurement;
 *   - there are fewer than `minRounds` rounds (no interval to speak of).
 */
import { fitCosts, relativeResiduals, type CostFit, type CostSample } from './calibrate-fit.ts';
import { bootstrapMedianInterval, mean, median, relativeSpread, type Interval } from './stats.ts';

export interface StabilityRules {
  maxSpread: number;
  maxResidual: number;
  minRounds: number;
}

export const STABILITY_RULES: Readonly<StabilityRules> = { maxSpread: 1, maxResidual: 0.5, minRounds: 3 };

export interface RoundSample extends CostSample {
  chunkSize: number;
}

export interface RoundFit extends CostFit {
  round: number;
  /** (observed − predicted by the median costs) ÷ predicted, per frame size of this round. */
  residuals: Array<{ chunkSize: number; relative: number }>;
}

export interface CostSummary {
  median: number;
  /** (max − min) ÷ median over rounds; null when the median is 0. */
  spread: number | null;
  interval: Interval;
  perRound: number[];
}

export interface SideStability {
  perFrameMs: CostSummary;
  perByteMs: CostSummary;
  /** The largest |residual| over every round and frame size. */
  maxResidual: number;
  /** Of the median costs, over every round's samples (cost per byte against frames per byte). */
  rSquared: number;
  rounds: RoundFit[];
  /** Why these rounds cannot be used; empty when they can. */
  problems: string[];
}

function summarise(values: number[], seed: string): CostSummary {
  const m = median(values);
  return { median: m, spread: m === 0 ? null : relativeSpread(values), interval: bootstrapMedianInterval(values, { seed }), perRound: values };
}

const percent = (x: number) => `${(x * 100).toFixed(0)} %`;
const COST_NAMES = { perFrameMs: 'per-frame', perByteMs: 'per-byte' } as const;

/** 1 − Σ(y − ŷ)² ÷ Σ(y − ȳ)² with y the cost per byte of each sample and ŷ the line's. */
function rSquaredOf(samples: readonly CostSample[], line: Pick<CostFit, 'perFrameMs' | 'perByteMs'>): number {
  const ys = samples.map((s) => s.cpuMs / s.bytes);
  const yMean = mean(ys);
  const total = ys.reduce((a, y) => a + (y - yMean) ** 2, 0);
  const residual = samples.reduce((a, s, i) => a + (ys[i]! - (line.perFrameMs * s.frames + line.perByteMs * s.bytes) / s.bytes) ** 2, 0);
  return total === 0 ? 1 : 1 - residual / total;
}

/** Fits each round of one side (e.g. 'asoc-v1 receive') and judges them against the rules. */
export function judgeRounds(side: string, rounds: ReadonlyArray<{ round: number; samples: readonly RoundSample[] }>, rules: StabilityRules = STABILITY_RULES): SideStability {
  if (rounds.length === 0) throw new RangeError(`${side}: no rounds to judge`);
  const fits = rounds.map(({ round, samples }) => ({ round, ...fitCosts(samples) }));
  const costs = {
    perFrameMs: summarise(fits.map((r) => r.perFrameMs), `${side} per frame`),
    perByteMs: summarise(fits.map((r) => r.perByteMs), `${side} per byte`),
  };
  const line = { perFrameMs: costs.perFrameMs.median, perByteMs: costs.perByteMs.median };
  const judged: RoundFit[] = fits.map((fit, i) => ({
    ...fit,
    residuals: relativeResiduals(rounds[i]!.samples, line).map((relative, j) => ({ chunkSize: rounds[i]!.samples[j]!.chunkSize, relative })),
  }));
  const problems: string[] = [];
  if (rounds.length < rules.minRounds) problems.push(`${side}: ${rounds.length} round(s), at least ${rules.minRounds} needed for an interval`);
  for (const r of judged) {
    if (r.clamped) problems.push(`${side}, round ${r.round}: the ${COST_NAMES[r.clamped]} cost came out negative and was fixed at 0`);
  }
  for (const key of ['perFrameMs', 'perByteMs'] as const) {
    const { spread } = costs[key];
    if (spread === null) problems.push(`${side}: the median ${COST_NAMES[key]} cost is 0`);
    else if (spread > rules.maxSpread) problems.push(`${side}: the ${COST_NAMES[key]} cost spreads ${percent(spread)} across rounds (bound ${percent(rules.maxSpread)})`);
  }
  let worst = { relative: 0, round: 0, chunkSize: 0 };
  for (const r of judged) for (const res of r.residuals) if (Math.abs(res.relative) > Math.abs(worst.relative)) worst = { ...res, round: r.round };
  if (Math.abs(worst.relative) > rules.maxResidual) {
    problems.push(`${side}, round ${worst.round}: its ${worst.chunkSize}-byte frames cost ${percent(worst.relative)} off what the median costs predict (bound ±${percent(rules.maxResidual)})`);
  }
  const all = rounds.flatMap((r) => r.samples);
  return { ...costs, maxResidual: Math.abs(worst.relative), rSquared: rSquaredOf(all, line), rounds: judged, problems };
}

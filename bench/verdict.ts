/**
 * The lab's one verdict vocabulary and the rules that combine verdicts, for every instrument (the
 * attacks' observations, the threat scenarios' expectations) and for the lab's claims. A
 * performance figure is decided only when its whole confidence interval lies on one side of the
 * claim's threshold; otherwise it is UNDECIDED, never a coin flip between runs.
 *
 * Two ways to combine, for two questions:
 * - verdictOf: a claim of several parts (each part one aspect of it): HOLDS when every part holds,
 *   FAILS when none does, PARTIAL between.
 * - allOf: one test that passes only if every sub-test does (every frame size within range; every
 *   attack on a claim repelled): as weak as the weakest.
 */
import type { Interval } from './stats.ts';

export const VERDICTS = ['HOLDS', 'FAILS', 'PARTIAL', 'UNDECIDED', 'PENDING'] as const;
/**
 * HOLDS, FAILS, PARTIAL (some parts hold, some fail), UNDECIDED (an interval straddles a threshold,
 * or the machine was too noisy to measure), PENDING (no instrument decided it in this run).
 */
export type Verdict = (typeof VERDICTS)[number];

export const PART_VERDICTS = ['HOLDS', 'FAILS', 'UNDECIDED'] as const;
/** The verdict of one part of a claim (one figure against one threshold). */
export type PartVerdict = (typeof PART_VERDICTS)[number];

export const DECIDED_VERDICTS = ['HOLDS', 'FAILS', 'PARTIAL'] as const;
/** A verdict that decides the claim either way: what an attack observes and a threat scenario expects. */
export type DecidedVerdict = (typeof DECIDED_VERDICTS)[number];

/** What the claim asks of a figure. */
export type Threshold = { atLeast: number } | { atMost: number } | { within: readonly [number, number] };

/** Below this confidence an interval (of too few samples) decides nothing. */
export const MIN_CONFIDENCE = 0.9;

/**
 * A figure's verdict against a threshold: HOLDS or FAILS only when the whole interval is on one
 * side, and the interval is one at MIN_CONFIDENCE or better; an exact figure (no interval) is
 * compared as it is.
 */
export function judge(figure: { estimate: number; interval: Interval | null }, threshold: Threshold): PartVerdict {
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

type Part = boolean | PartVerdict | 'PARTIAL';

const asPart = (part: Part): Exclude<Part, boolean> => (part === true ? 'HOLDS' : part === false ? 'FAILS' : part);

const combineDecided = (parts: readonly DecidedVerdict[]): DecidedVerdict =>
  parts.every((p) => p === 'HOLDS') ? 'HOLDS' : parts.every((p) => p === 'FAILS') ? 'FAILS' : 'PARTIAL';

/**
 * A claim of several parts: HOLDS when every part holds, FAILS when none does, PARTIAL between (a
 * PARTIAL part, one that held in part, makes the claim PARTIAL). An UNDECIDED part leaves the claim
 * UNDECIDED unless every way it could fall gives the same verdict (one part holds and another
 * fails: PARTIAL whatever the undecided one does). No parts is a mistake (RangeError).
 */
export function verdictOf(parts: readonly (boolean | DecidedVerdict)[]): DecidedVerdict;
export function verdictOf(parts: readonly Part[]): Exclude<Verdict, 'PENDING'>;
export function verdictOf(parts: readonly Part[]): Exclude<Verdict, 'PENDING'> {
  if (parts.length === 0) throw new RangeError('a verdict needs at least one part');
  const decided = parts.map(asPart).filter((p): p is DecidedVerdict => p !== 'UNDECIDED');
  const undecided = parts.length - decided.length;
  if (undecided === 0) return combineDecided(decided);
  const ifAllHold = combineDecided([...decided, ...Array<'HOLDS'>(undecided).fill('HOLDS')]);
  const ifAllFail = combineDecided([...decided, ...Array<'FAILS'>(undecided).fill('FAILS')]);
  // Mixed resolutions lie between these two (or are PARTIAL), so agreeing ends decide.
  return ifAllHold === ifAllFail ? ifAllHold : 'UNDECIDED';
}

/**
 * A test that passes only if every sub-test does: FAILS if any fails; else UNDECIDED if any is
 * undecided (it could still fail); else PARTIAL if any held only in part; else HOLDS. A verdict of
 * PartVerdicts is a PartVerdict, of DecidedVerdicts a DecidedVerdict. No sub-tests is a mistake.
 */
export function allOf<V extends Exclude<Verdict, 'PENDING'>>(verdicts: readonly V[]): V {
  if (verdicts.length === 0) throw new RangeError('allOf needs at least one verdict');
  for (const weakest of ['FAILS', 'UNDECIDED', 'PARTIAL'] as const) if ((verdicts as readonly string[]).includes(weakest)) return weakest as V;
  return 'HOLDS' as V;
}

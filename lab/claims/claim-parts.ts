/**
 * A benchmark-decided claim is a few parts, each one figure against one threshold: timed parts
 * (per-round samples, an interval, the machine-noise rule) and exact ones (byte counts). This
 * module builds the parts and the claim result from them: the figures, and when the claim is
 * UNDECIDED, what would decide each undecided part.
 */
import { exactFigure, moreSamplesNeeded, sampledFigure, type FigureSpec } from './figures.ts';
import { underNoise, type NoiseCheck } from './noise-rule.ts';
import type { ClaimResult, Figure, PartVerdict, Verdict } from './verdict.ts';

export interface Part {
  figure: Figure;
  /** The bench's noise check (timed parts); null for exact ones. */
  noise: NoiseCheck | null;
  /** How the figure's numbers are written (with their unit). */
  format(value: number): string;
  /** What one sample is: a round of the bench, or a timed batch (the crypto bench). */
  sampleUnit: 'rounds' | 'samples';
}

export type Format = (value: number) => string;

/** A figure from repeated measurements, judged, then under the noise rule. */
export function timedPart(spec: FigureSpec, samples: readonly number[], noise: NoiseCheck, format: Format, sampleUnit: Part['sampleUnit'] = 'rounds'): Part {
  return { figure: underNoise(sampledFigure(spec, samples), noise), noise, format, sampleUnit };
}

/** An exact figure (no interval, no noise rule). */
export function exactPart(spec: FigureSpec, value: number, samples: readonly number[], format: Format): Part {
  return { figure: exactFigure(spec, value, samples), noise: null, format, sampleUnit: 'samples' };
}

/** A part's verdict (a part without a threshold is reported, not judged: an error to ask). */
export function verdictOfPart(part: Part): PartVerdict {
  const v = part.figure.verdict;
  if (v === undefined) throw new RangeError(`${part.figure.name} has no threshold, so no verdict`);
  return v;
}

/** Several figures that make one part only together (every size within range): FAILS if any fails, HOLDS if all hold. */
export function together(parts: readonly Part[]): PartVerdict {
  const verdicts = parts.map(verdictOfPart);
  return verdicts.includes('FAILS') ? 'FAILS' : verdicts.every((v) => v === 'HOLDS') ? 'HOLDS' : 'UNDECIDED';
}

/** For each undecided part: why (the noisy machine, or the interval straddling its threshold and about how many more samples would settle it). */
export function undecidedReasons(parts: readonly Part[]): string[] {
  return parts
    .filter((p) => p.figure.verdict === 'UNDECIDED')
    .map((p) => `${p.figure.name}: ${p.noise?.tooNoisy ?? moreSamplesNeeded(p.figure, p.sampleUnit, p.format) ?? 'undecided'}`);
}

export interface ClaimSpec {
  id: string;
  verdict: Verdict;
  summary: string;
  measured: string;
  parts: readonly Part[];
  /** When the claim's rule (not a part's interval) withholds the verdict: what is missing. */
  ruleReason?: string;
  evidence: Record<string, unknown>;
}

/** The claim with its figures; toDecide when UNDECIDED; the undecided parts' reasons in the evidence whenever there are any. */
export function claimResult(spec: ClaimSpec): ClaimResult {
  const reasons = [...undecidedReasons(spec.parts), ...(spec.ruleReason ? [spec.ruleReason] : [])];
  return {
    id: spec.id,
    verdict: spec.verdict,
    summary: spec.summary,
    measured: spec.measured,
    figures: spec.parts.map((p) => p.figure),
    ...(spec.verdict === 'UNDECIDED' ? { toDecide: reasons.join('; ') } : {}),
    evidence: { ...spec.evidence, ...(reasons.length > 0 ? { undecidedParts: reasons } : {}) },
  };
}

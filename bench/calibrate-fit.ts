/**
 * Fits cost = perFrame · frames + perByte · bytes to CPU-time samples taken at different frame
 * sizes. Each sample is divided by its byte count first,
 *
 *   cpuMs / bytes = perFrame · (frames / bytes) + perByte,
 *
 * which is a straight line in x = frames per byte (1 / frame size): slope perFrame, intercept perByte.
 * Dividing gives every sample the same weight whatever its size, so a long 1 MiB-frame run does not
 * drown a short 1 KiB one. Costs cannot be negative: when the unconstrained line has a negative
 * coefficient (noise on a cost near zero), that coefficient is fixed at 0 and the other refitted.
 */

export interface CostSample {
  frames: number;
  bytes: number;
  cpuMs: number;
}

export interface CostFit {
  perFrameMs: number;
  perByteMs: number;
  /** Coefficient of determination of the per-byte line (1: every sample on it). */
  rSquared: number;
  /** The coefficient that came out negative and was fixed at 0, if one did. */
  clamped: 'perFrameMs' | 'perByteMs' | null;
}

export class FitError extends Error {
  override readonly name = 'FitError';
}

export function fitCosts(samples: readonly CostSample[]): CostFit {
  const points = samples.map((s) => {
    if (!(s.bytes > 0 && s.frames > 0 && s.cpuMs >= 0)) throw new FitError(`a sample needs bytes > 0, frames > 0 and cpuMs ≥ 0, got ${JSON.stringify(s)}`);
    return { x: s.frames / s.bytes, y: s.cpuMs / s.bytes };
  });
  const xs = new Set(points.map((p) => p.x));
  if (xs.size < 2) throw new FitError('samples at two or more frame sizes are needed to tell per-frame from per-byte cost');
  const n = points.length;
  const meanX = sum(points.map((p) => p.x)) / n;
  const meanY = sum(points.map((p) => p.y)) / n;
  const sxx = sum(points.map((p) => (p.x - meanX) ** 2));
  const sxy = sum(points.map((p) => (p.x - meanX) * (p.y - meanY)));
  let slope = sxy / sxx;
  let intercept = meanY - slope * meanX;
  let clamped: CostFit['clamped'] = null;
  if (slope < 0) {
    // No per-frame cost: the best constant per-byte cost is the mean.
    [slope, intercept, clamped] = [0, Math.max(0, meanY), 'perFrameMs'];
  } else if (intercept < 0) {
    // No per-byte cost: least squares through the origin.
    [slope, intercept, clamped] = [sum(points.map((p) => p.x * p.y)) / sum(points.map((p) => p.x * p.x)), 0, 'perByteMs'];
  }
  const residual = sum(points.map((p) => (p.y - (slope * p.x + intercept)) ** 2));
  const total = sum(points.map((p) => (p.y - meanY) ** 2));
  return { perFrameMs: slope, perByteMs: intercept, rSquared: total === 0 ? 1 : 1 - residual / total, clamped };
}

/**
 * How far each sample's cost per byte lies from the fitted line, relative to the line:
 * (observed − fitted) ÷ fitted. A model that describes the costs keeps every one small; one frame
 * size far off the line says the two-cost model does not hold there.
 */
export function relativeResiduals(samples: readonly CostSample[], fit: Pick<CostFit, 'perFrameMs' | 'perByteMs'>): number[] {
  return samples.map((s) => {
    const fitted = fit.perFrameMs * s.frames + fit.perByteMs * s.bytes;
    // fitted is 0 only when every sample cost nothing (the fit's costs are never negative).
    return fitted > 0 ? (s.cpuMs - fitted) / fitted : 0;
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

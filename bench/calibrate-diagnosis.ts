/**
 * Why a calibration's costs move from run to run, from the calibration's own samples: the cost per
 * byte at each frame size and its spread, the receiver's page faults and how they go with its cost,
 * how much dearer the settling runs were than the fitted ones, and how much of the fitted per-byte
 * cost each frame size decides. What explained an earlier calibration swinging 8× between runs
 * (receive 0.22 vs 1.69 ns per byte, a per-frame cost fixed at 0) on a loaded 2-core VM:
 *
 * 1. Extrapolation. The per-byte cost is the intercept of a line through the sizes' costs per byte;
 *    with frames of 1 KiB, 16 KiB and 1 MiB it weighs the 16 KiB runs about as much as the 1 MiB
 *    ones (perByteWeights), so it moved with whatever the 16 KiB runs did.
 * 2. A regime the line cannot describe. Between a few KiB and 1 MiB the receiver, in some runs and
 *    processes and not others, faults in fresh pages for its read buffers (tens of minor faults per
 *    MiB against ~0) and spends 2–3× the CPU per byte; a point in that mode lands far off any line,
 *    and when one landed below it, a cost came out negative and was fixed at 0.
 * 3. Warm-up. Each frame size gets a fresh receiver process and the bench runs one warm-up; the
 *    cost per byte keeps falling for about 1 GiB more (the settling ratio), so early runs were
 *    measured half-warm.
 * 4. Pinning and the neighbours. Pinning every sender thread to the sender's CPU (taskset -a), so
 *    that its GC and compiler threads stay off the receiver's, made it worse: they then take turns
 *    with the sending thread, and on this VM 1 attempt in 5 was stable against 5 in 5 with the main
 *    thread alone pinned. Other work on the same 2 cores preempts both sides. On loopback the receiving TCP work runs in softirq on the sending CPU and, without IRQ time
 *    accounting, counts as the sender's time: the split between the sides follows the timing, and
 *    only a host's send + receive cost is the whole of it.
 */
import { sampleCorrelation } from 'simple-statistics';
import { z } from 'zod';
import { mean, median, relativeSpread } from './stats.ts';

interface Sample {
  attempt: number;
  round: number | null;
  protocol: string;
  side: 'send' | 'receive';
  chunkSize: number;
  bytes: number;
  cpuMs: number;
  seconds: number;
  faults: number | null;
}

export const diagnosisSchema = z.object({
  perSize: z.array(
    z.object({
      protocol: z.string(),
      side: z.enum(['send', 'receive']),
      chunkSize: z.number(),
      nsPerByte: z.number(),
      spread: z.number(),
      /** Minor page faults per MiB moved (median over runs), null when not counted. */
      faultsPerMiB: z.number().nullable(),
      /** Correlation over runs of the cost per byte with the faults per MiB. */
      faultsCorrelation: z.number().nullable(),
      MBps: z.number(),
      /** The settling runs' cost per byte ÷ the fitted runs' (above 1: the process was still warming). */
      settlingRatio: z.number().nullable(),
    }),
  ),
  /** How much each frame size's cost per byte weighs in the fitted per-byte cost (least squares intercept). */
  perByteWeights: z.array(z.object({ chunkSize: z.number(), weight: z.number() })),
  text: z.string(),
});
export type Diagnosis = z.infer<typeof diagnosisSchema>;

const nsPerByte = (s: Sample) => (s.cpuMs * 1e6) / s.bytes;
const faultsPerMiB = (s: Sample) => (s.faults === null ? null : s.faults / (s.bytes / 1024 ** 2));

/**
 * The weight of each frame size's cost per byte in the fitted intercept, one sample per size: with
 * x = 1 / size, intercept = Σ wᵢ yᵢ, wᵢ = 1/n − x̄ (xᵢ − x̄) / Σ (x − x̄)².
 */
export function perByteWeights(chunkSizes: readonly number[]): Array<{ chunkSize: number; weight: number }> {
  const xs = chunkSizes.map((c) => 1 / c);
  const xMean = mean(xs);
  const sxx = xs.reduce((a, x) => a + (x - xMean) ** 2, 0);
  return chunkSizes.map((chunkSize, i) => ({ chunkSize, weight: 1 / xs.length - (sxx === 0 ? 0 : (xMean * (xs[i]! - xMean)) / sxx) }));
}

export function diagnose(samples: readonly Sample[], attempts: ReadonlyArray<{ attempt: number; accepted: boolean }>, calibrated: string): Diagnosis {
  const last = attempts.at(-1)!.attempt;
  const mine = samples.filter((s) => s.attempt === last);
  const keys = [...new Map(mine.map((s) => [`${s.protocol} ${s.side} ${s.chunkSize}`, s])).values()];
  const perSize = keys.map(({ protocol, side, chunkSize }) => {
    const group = mine.filter((s) => s.protocol === protocol && s.side === side && s.chunkSize === chunkSize);
    const fitted = group.filter((s) => s.round !== null);
    const settling = group.filter((s) => s.round === null);
    const costs = fitted.map(nsPerByte);
    const faults = fitted.map(faultsPerMiB);
    const counted = faults.every((f) => f !== null);
    const correlation = counted && fitted.length >= 3 && new Set(faults).size > 1 && new Set(costs).size > 1 ? sampleCorrelation(costs, faults as number[]) : null;
    return {
      protocol,
      side,
      chunkSize,
      nsPerByte: median(costs),
      spread: relativeSpread(costs),
      faultsPerMiB: counted ? median(faults as number[]) : null,
      faultsCorrelation: correlation,
      MBps: median(fitted.map((s) => s.bytes / s.seconds / 1e6)),
      settlingRatio: settling.length ? median(settling.map(nsPerByte)) / median(costs) : null,
    };
  });
  const sizes = [...new Set(mine.map((s) => s.chunkSize))].sort((a, b) => a - b);
  const weights = perByteWeights(sizes);
  return { perSize, perByteWeights: weights, text: explain(perSize.filter((p) => p.protocol === calibrated), weights, attempts) };
}

const kib = (bytes: number) => (bytes >= 1024 ** 2 ? `${bytes / 1024 ** 2} MiB` : `${bytes / 1024} KiB`);

function explain(rows: Diagnosis['perSize'], weights: Diagnosis['perByteWeights'], attempts: ReadonlyArray<{ accepted: boolean }>): string {
  const receive = rows.filter((r) => r.side === 'receive');
  const largest = receive.reduce((a, b) => (b.chunkSize > a.chunkSize ? b : a));
  const sizeList = receive.map((r) => `${kib(r.chunkSize)} ${r.nsPerByte.toFixed(2)} ns/B (spread ${(r.spread * 100).toFixed(0)} %${r.faultsPerMiB === null ? '' : `, ${r.faultsPerMiB.toFixed(0)} faults/MiB`})`).join(', ');
  const settling = receive.filter((r) => r.settlingRatio !== null).map((r) => `${kib(r.chunkSize)} ×${r.settlingRatio!.toFixed(2)}`).join(', ');
  const correlated = receive.filter((r) => r.faultsCorrelation !== null).map((r) => `${kib(r.chunkSize)} r = ${r.faultsCorrelation!.toFixed(2)}`).join(', ');
  const faulting = receive.filter((r) => r !== largest && r.faultsPerMiB !== null && r.faultsPerMiB > 10 && r.chunkSize > 4096);
  const old = perByteWeights([1024, 16 * 1024, 1024 ** 2]);
  return [
    `Receiver cost per byte by frame size: ${sizeList}.`,
    faulting.length ? `At ${faulting.map((r) => kib(r.chunkSize)).join(', ')} the receiver faulted in fresh buffer pages (${faulting.map((r) => r.faultsPerMiB!.toFixed(0)).join(', ')} per MiB) and cost ${faulting.map((r) => `${(r.nsPerByte / largest.nsPerByte).toFixed(1)}×`).join(', ')} the ${kib(largest.chunkSize)} cost per byte: a mode no per-frame + per-byte line describes.` : '',
    settling ? `Settling runs (recorded, not fitted) cost more per byte than the fitted ones: ${settling}; a fresh receiver process keeps getting cheaper after the bench's warm-up.` : '',
    correlated ? `Receiver cost per byte vs its page faults, over runs: ${correlated}.` : '',
    `The fitted per-byte cost is ${weights.map((w) => `${w.weight.toFixed(2)} × the ${kib(w.chunkSize)} cost per byte`).join(' + ')}; with the earlier frames of 1 KiB, 16 KiB and 1 MiB it was ${old.map((w) => `${w.weight.toFixed(2)} × ${kib(w.chunkSize)}`).join(' + ')}, so it followed the 16 KiB runs, which fall in the faulting mode in some runs and not in others.`,
    `Attempts rejected in this calibration: ${attempts.filter((a) => !a.accepted).length} of ${attempts.length}.`,
  ]
    .filter(Boolean)
    .join(' ');
}

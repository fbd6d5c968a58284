/**
 * Simulated goodput against loss and RTT on the RFC testbed (scenarios/sweep.ts), as a measurement
 * of verify's: not a claim of the sources, but how far from the testbed's conditions P3's figure
 * lasts. One figure per loss × RTT: the median over seeds with its bootstrap interval.
 */
import { bootstrapMedianInterval, median } from '../../bench/stats.ts';
import { formatBytes } from '../../bench/units.ts';
import { formatLoss, runGoodputSweep, SWEEP_TOPOLOGY, type SweepPoint, type SweepSettings } from '../../scenarios/sweep.ts';
import type { Measurement } from './instrument.ts';
import type { Figure } from './verdict.ts';

const MiB = 1024 ** 2;

/** verify --quick: 27 short runs (seconds); the full grid: 125 longer ones (a few minutes). */
export const SWEEP_GRIDS = {
  quick: { lossRates: [0, 0.001, 0.01], rttsMs: [1, 10, 50], seeds: [1, 2, 3], bytes: 16 * MiB },
  full: { lossRates: [0, 0.0001, 0.001, 0.01, 0.03], rttsMs: [0.2, 1, 10, 50, 100], seeds: [1, 2, 3, 4, 5], bytes: 64 * MiB },
} as const;

const cellLabel = (loss: number, rttMs: number) => `${formatLoss(loss)} loss, RTT ${rttMs} ms`;

interface Cell {
  loss: number;
  rttMs: number;
  figure: Figure;
}

/** One figure per loss × RTT over the seeds that delivered; none when no seed did. */
function cells(settings: SweepSettings, points: readonly SweepPoint[]): Cell[] {
  return settings.lossRates.flatMap((loss) =>
    settings.rttsMs.flatMap((rttMs): Cell[] => {
      const runs = points.filter((p) => p.loss === loss && p.rttMs === rttMs);
      const samples = runs.flatMap((p) => (p.goodputMBps === null ? [] : [p.goodputMBps]));
      if (samples.length === 0) return [];
      const statistic = samples.length === runs.length ? `median over ${runs.length} seeds` : `median over the ${samples.length} of ${runs.length} seeds that delivered in full`;
      return [{ loss, rttMs, figure: { name: `goodput at ${cellLabel(loss, rttMs)}`, unit: 'MB/s', estimate: median(samples), interval: bootstrapMedianInterval(samples), samples, statistic } }];
    }),
  );
}

export function measureGoodputSweep(settings: SweepSettings): Measurement {
  const result = runGoodputSweep(settings);
  const measured = cells(settings, result.points);
  const failed = result.points.filter((p) => p.goodputMBps === null).length;
  const first = measured[0];
  const last = measured.at(-1);
  return {
    name: 'simulated goodput against loss and RTT',
    summary:
      `The simulated RFC testbed (${SWEEP_TOPOLOGY}: 10 GbE, CPU costs ${result.calibrationFile ? `from ${result.calibrationFile}` : "the simulator's placeholders, no calibration file"}), one ${formatBytes(settings.bytes)} stream a → b per run, ` +
      `loss ${settings.lossRates.map(formatLoss).join(', ')} × RTT ${settings.rttsMs.join(', ')} ms × ${settings.seeds.length} seeds: ` +
      `${first && last ? `median goodput from ${first.figure.estimate.toFixed(1)} MB/s (${cellLabel(first.loss, first.rttMs)}) to ${last.figure.estimate.toFixed(2)} MB/s (${cellLabel(last.loss, last.rttMs)})` : 'no run delivered'}` +
      `${failed ? `; ${failed} run(s) did not deliver within the time cap` : ''}; ${(result.wallMs / 1000).toFixed(1)} s wall. verify runs it unless --no-sweep.`,
    figures: measured.map((c) => c.figure),
    seeds: { 'each loss × RTT point': settings.seeds.join(', ') },
    data: result,
  };
}

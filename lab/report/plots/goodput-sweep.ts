/**
 * Simulated goodput against RTT, one line per loss rate: the median over seeds with whiskers over
 * the seeds, from the goodput sweep inside the report's measurements (scenarios/sweep.ts).
 */
import { z } from 'zod';
import { formatLoss } from '../../../scenarios/sweep.ts';
import { BASE, collect, type PlotDefinition } from './plot.ts';

const sweepSchema = z.object({
  kind: z.literal('goodput-sweep'),
  topology: z.string(),
  bytes: z.number().int().positive(),
  points: z.array(z.object({ loss: z.number(), rttMs: z.number().positive(), seed: z.number(), goodputMBps: z.number().nullable() })),
});

export interface SweepCell {
  loss: number;
  rttMs: number;
  medianMBps: number;
  minMBps: number;
  maxMBps: number;
  seeds: number;
  undelivered: number;
}

export interface SweepPlotData {
  topology: string;
  bytes: number;
  cells: SweepCell[];
}

const medianOf = (sorted: readonly number[]) => {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const goodputSweepPlot: PlotDefinition<SweepPlotData> = {
  id: 'goodput-loss-rtt',
  title: 'Simulated goodput against loss and RTT',
  lacking: 'the report has no goodput sweep (verify without --no-sweep runs it)',
  extract(report) {
    const [sweep] = collect(report, (v) => v.kind === 'goodput-sweep', sweepSchema);
    if (sweep === undefined) return null;
    const keys = [...new Set(sweep.points.map((p) => `${p.loss}|${p.rttMs}`))];
    const cells = keys.flatMap((key): SweepCell[] => {
      const runs = sweep.points.filter((p) => `${p.loss}|${p.rttMs}` === key);
      const rates = runs.flatMap((p) => (p.goodputMBps === null ? [] : [p.goodputMBps])).sort((a, b) => a - b);
      if (rates.length === 0) return [];
      return [{ loss: runs[0]!.loss, rttMs: runs[0]!.rttMs, medianMBps: medianOf(rates), minMBps: rates[0]!, maxMBps: rates.at(-1)!, seeds: rates.length, undelivered: runs.length - rates.length }];
    });
    return cells.length > 0 ? { topology: sweep.topology, bytes: sweep.bytes, cells } : null;
  },
  caption(data) {
    const undelivered = data.cells.reduce((sum, c) => sum + c.undelivered, 0);
    return `The simulated RFC testbed (${data.topology}), one ${data.bytes / 2 ** 20} MiB stream per run, the link's RTT and loss (each direction) swept; median goodput over the seeds (MB/s, virtual time, log scales), whiskers from the lowest to the highest seed${undelivered ? `; ${undelivered} run(s) that did not deliver are left out` : ''}.`;
  },
  spec(data) {
    const values = data.cells.map((c) => ({ ...c, lossLabel: formatLoss(c.loss) }));
    const lossOrder = [...new Set([...data.cells].sort((a, b) => a.loss - b.loss).map((c) => formatLoss(c.loss)))];
    const x = { field: 'rttMs', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'RTT (ms)' };
    const color = { field: 'lossLabel', type: 'nominal' as const, sort: lossOrder, title: 'loss' };
    return {
      ...BASE,
      data: { values },
      width: 480,
      height: 280,
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'medianMBps', type: 'quantitative', scale: { type: 'log' }, title: 'goodput (MB/s)' }, color } },
        { mark: { type: 'rule' }, encoding: { x, y: { field: 'minMBps', type: 'quantitative' }, y2: { field: 'maxMBps' }, color } },
      ],
    };
  },
};

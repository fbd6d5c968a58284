/**
 * Throughput by chunk size, one bar per baseline, raw TCP of the same runs as the ceiling (a dashed
 * line). From every throughput bench report inside the report's measurements; where two runs
 * measured the same protocol at the same chunk size, the one with more measured rounds is drawn.
 */
import { z } from 'zod';
import { bestByKey, BASE, collect, sizeLabel, type PlotDefinition } from './plot.ts';

const CEILING = 'raw-tcp';

const throughputRunSchema = z.object({
  kind: z.literal('throughput'),
  config: z.object({ chunkSize: z.number().int().positive() }),
  summary: z.record(z.string(), z.object({ medianMBps: z.number(), minMBps: z.number(), maxMBps: z.number(), runs: z.number().int().positive() })),
});

export interface ThroughputPoint {
  protocol: string;
  chunkBytes: number;
  medianMBps: number;
  minMBps: number;
  maxMBps: number;
  runs: number;
}

export const throughputPlot: PlotDefinition<ThroughputPoint[]> = {
  id: 'throughput',
  title: 'Throughput by chunk size, raw TCP as the ceiling',
  lacking: 'the report has no throughput runs (verify without --no-bench-claims and --no-throughput measures them)',
  extract(report) {
    const reports = collect(report, (v) => v.kind === 'throughput', throughputRunSchema);
    const points = reports.flatMap((r) => Object.entries(r.summary).map(([protocol, s]) => ({ protocol, chunkBytes: r.config.chunkSize, medianMBps: s.medianMBps, minMBps: s.minMBps, maxMBps: s.maxMBps, runs: s.runs })));
    const chosen = bestByKey(points, (p) => `${p.protocol}@${p.chunkBytes}`, (a, b) => a.runs > b.runs);
    return chosen.some((p) => p.protocol !== CEILING) ? chosen.sort((a, b) => a.chunkBytes - b.chunkBytes || a.protocol.localeCompare(b.protocol)) : null;
  },
  caption(points) {
    const sizes = [...new Set(points.map((p) => p.chunkBytes))].map(sizeLabel).join(', ');
    return `Median MB/s (10^6 bytes per second) over loopback, two processes, every byte counted at the receiver; whiskers span the measured runs (fewest: ${Math.min(...points.map((p) => p.runs))}). Dashed: raw TCP in the same runs. Chunk sizes measured: ${sizes}.`;
  },
  spec(points) {
    const values = points.map((p) => ({ ...p, chunk: sizeLabel(p.chunkBytes) }));
    const chunkOrder = [...new Set(points.map((p) => p.chunkBytes))].sort((a, b) => a - b).map(sizeLabel);
    const baselines = { filter: `datum.protocol !== '${CEILING}'` };
    return {
      ...BASE,
      data: { values },
      facet: { column: { field: 'chunk', type: 'ordinal', sort: chunkOrder, title: 'chunk size' } },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 260,
        height: 220,
        layer: [
          {
            transform: [baselines],
            mark: { type: 'bar' },
            encoding: {
              x: { field: 'protocol', type: 'nominal', title: null, axis: { labelAngle: -30 } },
              y: { field: 'medianMBps', type: 'quantitative', title: 'MB/s' },
              color: { field: 'protocol', type: 'nominal', legend: null },
            },
          },
          {
            transform: [baselines],
            mark: { type: 'rule', color: 'black' },
            encoding: { x: { field: 'protocol', type: 'nominal' }, y: { field: 'minMBps', type: 'quantitative' }, y2: { field: 'maxMBps' } },
          },
          {
            transform: [{ filter: `datum.protocol === '${CEILING}'` }],
            mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 2, color: '#444' },
            encoding: { y: { field: 'medianMBps', type: 'quantitative' } },
          },
          {
            transform: [{ filter: `datum.protocol === '${CEILING}'` }],
            mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -3, x: 'width', color: '#444' },
            encoding: { y: { field: 'medianMBps', type: 'quantitative' }, text: { value: 'raw TCP' } },
          },
        ],
      },
    };
  },
};

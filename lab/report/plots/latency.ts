/**
 * Ping-pong latency percentiles (closed loop: one message in flight) per protocol, one panel per
 * message size, from every latency bench report inside the report's measurements; a protocol and
 * size measured twice is drawn from the run with more messages.
 */
import { z } from 'zod';
import { bestByKey, BASE, collect, sizeLabel, type PlotDefinition } from './plot.ts';

const PERCENTILES = [
  { key: 'p50', label: 'p50' },
  { key: 'p90', label: 'p90' },
  { key: 'p99', label: 'p99' },
  { key: 'p999', label: 'p99.9' },
] as const;

const latencyReportSchema = z.object({
  kind: z.literal('latency'),
  runs: z.array(
    z.object({
      protocol: z.string(),
      messageBytes: z.number().int().positive(),
      mode: z.string(),
      messages: z.number().int().nonnegative(),
      intact: z.boolean(),
      latencyUs: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number() }),
    }),
  ),
});

export interface LatencyPoint {
  protocol: string;
  messageBytes: number;
  percentile: string;
  microseconds: number;
  messages: number;
}

type Run = z.infer<typeof latencyReportSchema>['runs'][number];

export const latencyPlot: PlotDefinition<LatencyPoint[]> = {
  id: 'latency',
  title: 'Ping-pong latency percentiles',
  lacking: 'the report has no latency runs (verify without --no-bench-claims measures them)',
  extract(report) {
    const runs = collect(report, (v) => v.kind === 'latency', latencyReportSchema).flatMap((r) => r.runs.filter((run) => run.mode === 'closed' && run.intact && run.messages > 0));
    const chosen = bestByKey<Run>(runs, (r) => `${r.protocol}@${r.messageBytes}`, (a, b) => a.messages > b.messages);
    const points = chosen.flatMap((r) => PERCENTILES.map((p) => ({ protocol: r.protocol, messageBytes: r.messageBytes, percentile: p.label, microseconds: r.latencyUs[p.key], messages: r.messages })));
    return points.length > 0 ? points : null;
  },
  caption(points) {
    const fewest = Math.min(...points.map((p) => p.messages));
    return `Round trip of one message echoed back over loopback (µs, log scale), HDR histogram percentiles; at least ${fewest.toLocaleString('en-US')} messages per line. Message sizes: ${[...new Set(points.map((p) => p.messageBytes))].sort((a, b) => a - b).map(sizeLabel).join(', ')}.`;
  },
  spec(points) {
    const sizes = [...new Set(points.map((p) => p.messageBytes))].sort((a, b) => a - b).map(sizeLabel);
    return {
      ...BASE,
      data: { values: points.map((p) => ({ ...p, size: sizeLabel(p.messageBytes) })) },
      facet: { column: { field: 'size', type: 'ordinal', sort: sizes, title: 'message size' } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 240,
        height: 220,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'percentile', type: 'ordinal', sort: PERCENTILES.map((p) => p.label), title: 'percentile', axis: { labelAngle: 0 } },
          y: { field: 'microseconds', type: 'quantitative', scale: { type: 'log' }, title: 'round trip (µs)' },
          color: { field: 'protocol', type: 'nominal', title: 'protocol' },
        },
      },
    };
  },
};

/**
 * A plot of the report: how to find its data in a report (extract, null when the report has none)
 * and the Vega-Lite spec of that data (spec), kept apart so both are tested with fixture data.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { z } from 'zod';
import type { VerdictReport } from '../schema.ts';

export interface PlotDefinition<Data> {
  /** File name (plots/<id>.svg) and anchor. */
  id: string;
  title: string;
  /** What the report lacked when it has no data for this plot: "no throughput runs (…)". */
  lacking: string;
  extract(report: VerdictReport): Data | null;
  /** One or two sentences under the plot: what is drawn and where the data came from. */
  caption(data: Data): string;
  spec(data: Data): TopLevelSpec;
}

/** A plot as the report shows it: an SVG, or (no data) the note saying why not. */
export type RenderedPlot = { id: string; title: string; caption: string; svg: string; note: null } | { id: string; title: string; caption: null; svg: null; note: string };

/**
 * Every value inside the report's measurement data that `isCandidate` picks and `schema` accepts
 * (the schema names only the fields the plot reads, so instruments may add others freely).
 */
export function collect<S extends z.ZodType>(report: VerdictReport, isCandidate: (value: Record<string, unknown>) => boolean, schema: S): z.output<S>[] {
  const found: z.output<S>[] = [];
  const seen = new Set<object>();
  const pending: unknown[] = report.measurements.map((m) => m.data);
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (!Array.isArray(value) && isCandidate(value as Record<string, unknown>)) {
      const parsed = schema.safeParse(value);
      if (parsed.success) {
        found.push(parsed.data);
        continue;
      }
    }
    pending.push(...(Array.isArray(value) ? value : Object.values(value)));
  }
  return found;
}

/** Of several values with the same key, the one `better` prefers (the first of equals). */
export function bestByKey<T>(values: readonly T[], key: (value: T) => string, better: (a: T, b: T) => boolean): T[] {
  const chosen = new Map<string, T>();
  for (const value of values) {
    const k = key(value);
    const current = chosen.get(k);
    if (current === undefined || better(value, current)) chosen.set(k, value);
  }
  return [...chosen.values()];
}

/** "1 KiB", "1 MiB", "64 B". */
export function sizeLabel(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (bytes >= 1024 && bytes % 1024 === 0 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes} ${units[i]}`;
}

/** Settings every plot shares: a white background, the same width and fonts. */
export const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 }, legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 } },
} as const;

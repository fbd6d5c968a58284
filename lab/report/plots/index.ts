/** The report's plots, in the order it shows them, rendered to SVG (or a note when a report lacks the data). */
import type { VerdictReport } from '../schema.ts';
import { challengeBirthdayPlot } from './challenge-birthday.ts';
import { goodputSweepPlot } from './goodput-sweep.ts';
import { handshakePlot } from './handshake.ts';
import { latencyPlot } from './latency.ts';
import type { PlotDefinition, RenderedPlot } from './plot.ts';
import { renderSvg } from './render.ts';
import { throughputPlot } from './throughput.ts';

export type { RenderedPlot };

// Each plot has its own data type; the list only passes a plot's data back to the same plot.
export const PLOTS: readonly PlotDefinition<any>[] = [throughputPlot, latencyPlot, goodputSweepPlot, handshakePlot, challengeBirthdayPlot];

export async function renderPlots(report: VerdictReport): Promise<RenderedPlot[]> {
  const rendered: RenderedPlot[] = [];
  for (const plot of PLOTS) {
    const data = plot.extract(report);
    const { id, title } = plot;
    rendered.push(data === null ? { id, title, caption: null, svg: null, note: `not drawn: ${plot.lacking}.` } : { id, title, caption: plot.caption(data), svg: await renderSvg(plot.spec(data)), note: null });
  }
  return rendered;
}

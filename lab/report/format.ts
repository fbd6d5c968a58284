/** How the report writes figures and intervals, the same in Markdown, HTML, the README table and compare. */
import type { ClaimEntry, ReportFigure } from './schema.ts';

/** Three significant digits, thousands separated; integers as they are. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}

/** "0.93 ratio (95 % interval 0.91–0.95)", or "52 B" for an exact figure. */
export function formatFigure(figure: Pick<ReportFigure, 'estimate' | 'unit' | 'interval'>): string {
  const value = `${formatNumber(figure.estimate)}${figure.unit ? ` ${figure.unit}` : ''}`;
  if (figure.interval === null) return value;
  const { low, high, confidence } = figure.interval;
  return `${value} (${Math.round(confidence * 100)} % interval ${formatNumber(low)}–${formatNumber(high)})`;
}

/** What the claim asks of a figure, in words. */
export function formatThreshold(threshold: ReportFigure['threshold']): string {
  if (threshold === undefined) return '';
  if ('atLeast' in threshold) return `≥ ${formatNumber(threshold.atLeast)}`;
  if ('atMost' in threshold) return `≤ ${formatNumber(threshold.atMost)}`;
  return `${formatNumber(threshold.within[0])}–${formatNumber(threshold.within[1])}`;
}

/** The claim's own short "measured" line, else its figures; null when it has neither. */
export function measuredText(claim: ClaimEntry): string | null {
  if (claim.measured) return claim.measured;
  if (claim.figures && claim.figures.length > 0) return claim.figures.map((f) => `${f.name}: ${formatFigure(f)}`).join('; ');
  return null;
}

/** The anchor of a claim's evidence section, in both the Markdown and the HTML. */
export const evidenceAnchor = (id: string) => `evidence-${id.toLowerCase()}`;

/** "2025-06-01 12:30 UTC". */
export const formatDate = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

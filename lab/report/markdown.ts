/** The verdict report as Markdown (report.md): findings first, then plots, evidence, measurements, the run. */
import { FIGURE_COLUMNS, figureRow, findingRows, NOISE_COLUMNS, noiseRows, openingLine, VERDICT_MEANING, VERDICT_ORDER, verdictCounts, type FindingRow } from './content.ts';
import { evidenceAnchor, formatThreshold } from './format.ts';
import type { RenderedPlot } from './plots/index.ts';
import type { ClaimEntry, ReportFigure, VerdictReport } from './schema.ts';

/** A table cell: no pipes or line breaks to break the row. */
const cell = (text: string | number) => String(text).replaceAll('|', '\\|').replace(/\r?\n/g, ' ');

export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

function sourceSays(row: FindingRow): string {
  if (row.quoted === null) return '—';
  return `“${row.quoted}”${row.source ? ` (${row.source})` : ''}`;
}

function findingsTable(report: VerdictReport): string[] {
  return markdownTable(
    ['claim', 'the source says', 'the lab measured', 'verdict', 'evidence'],
    findingRows(report).map((r) => [`**${r.id}** ${r.claim}`, sourceSays(r), r.measured ?? r.summary, `**${r.verdict}**`, `[${r.id}](#${r.anchor})`]),
  );
}

function figuresTable(figures: readonly ReportFigure[]): string[] {
  return markdownTable(
    FIGURE_COLUMNS.map(([, title]) => title),
    figures.map((f) => {
      const row = figureRow(f, formatThreshold(f.threshold));
      return FIGURE_COLUMNS.map(([key]) => row[key]);
    }),
  );
}

function plotSection(plot: RenderedPlot): string[] {
  if (plot.svg === null) return [`### ${plot.title}`, '', `_${plot.note}_`, ''];
  return [`### ${plot.title}`, '', `![${plot.title}](plots/${plot.id}.svg)`, '', plot.caption, ''];
}

function evidenceSection(claim: ClaimEntry): string[] {
  const lines = [`<a id="${evidenceAnchor(claim.id)}"></a>`, '', `### ${claim.id}: ${claim.verdict}`, '', `**Claim:** ${claim.text}`, ''];
  if (claim.quoted) lines.push(`**The source says:** “${claim.quoted}”${claim.source ? ` (${claim.source})` : ''}`, '');
  lines.push(`**Found:** ${claim.summary}`, '');
  if (claim.measured) lines.push(`**Measured:** ${claim.measured}`, '');
  if (claim.toDecide) lines.push(`**To decide it:** ${claim.toDecide}`, '');
  if (claim.figures && claim.figures.length > 0) lines.push(...figuresTable(claim.figures), '');
  if (Object.keys(claim.evidence).length > 0) lines.push('<details><summary>evidence (JSON)</summary>', '', '```json', JSON.stringify(claim.evidence, null, 2), '```', '', '</details>', '');
  return lines;
}

function measurementSection(m: VerdictReport['measurements'][number]): string[] {
  const lines = [`### ${m.name}`, '', m.summary, ''];
  if (m.figures && m.figures.length > 0) lines.push(...figuresTable(m.figures), '');
  return lines;
}

export function renderMarkdown(report: VerdictReport, plots: readonly RenderedPlot[]): string {
  const lines = [
    '# asoc-lab verdict report',
    '',
    `${openingLine(report)}.`,
    '',
    `Verdicts: ${verdictCounts(report)}. ${VERDICT_ORDER.map((v) => `${v}: ${VERDICT_MEANING[v]}`).join('; ')}.`,
    '',
    '## Claims',
    '',
    ...findingsTable(report),
    '',
    '## Plots',
    '',
    ...plots.flatMap(plotSection),
    '## Evidence',
    '',
    ...report.claims.flatMap(evidenceSection),
  ];
  if (report.measurements.length > 0) lines.push('## Measurements', '', ...report.measurements.flatMap(measurementSection));
  lines.push('## The run', '');
  if (report.skippedSteps.length > 0) lines.push(`Steps left out: ${report.skippedSteps.join(', ')}.`, '');
  const seeds = Object.entries(report.seeds);
  if (seeds.length > 0) lines.push(...markdownTable(['seeded', 'seed'], seeds.map(([what, seed]) => [what, String(seed)])), '');
  lines.push(...markdownTable(NOISE_COLUMNS, noiseRows(report)), '', 'Every sample, interval and the full evidence are in report.json beside this file.', '');
  return lines.join('\n');
}

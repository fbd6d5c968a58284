/**
 * The verdict report as one self-contained HTML page (report.html): inline CSS, the plots as inline
 * SVG, no script and nothing fetched, so it opens from a CI artifact or an e-mail as it is.
 */
import { FIGURE_COLUMNS, figureRow, findingRows, NOISE_COLUMNS, noiseRows, openingLine, VERDICT_MEANING, VERDICT_ORDER, verdictCounts } from './content.ts';
import { evidenceAnchor, formatThreshold } from './format.ts';
import type { RenderedPlot } from './plots/index.ts';
import type { ClaimEntry, ReportFigure, VerdictReport } from './schema.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string | number) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** `code` spans in the shared text (the opening line names the command) become <code>. */
const withCode = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; max-width: 1200px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; } h3 { margin-top: 1.8rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #d6d6d6; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.verdict { font-weight: 600; padding: .1rem .4rem; border-radius: 3px; white-space: nowrap; }
.HOLDS { background: #d9f2dd; } .PARTIAL { background: #fff0c2; } .FAILS { background: #f8d4d4; }
.UNDECIDED { background: #e3e3f7; } .PENDING { background: #eee; color: #555; }
.source { color: #555; font-size: .85em; }
figure { margin: 1rem 0 2rem; } figcaption { color: #444; font-size: .9rem; max-width: 60rem; }
.note { color: #666; font-style: italic; }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: .8rem; max-height: 30rem; }
details { margin: .5rem 0 1rem; }
`;

function table(header: readonly string[], rows: readonly (readonly string[])[], attributes = ''): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  // Cells arrive as HTML: callers escape their text.
  return `<table${attributes}><thead>${head}</thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
}

const badge = (verdict: string) => `<span class="verdict ${escapeHtml(verdict)}">${escapeHtml(verdict)}</span>`;

function findings(report: VerdictReport): string {
  const rows = findingRows(report).map((r) => [
    `<strong>${escapeHtml(r.id)}</strong> ${escapeHtml(r.claim)}`,
    r.quoted === null ? '—' : `“${escapeHtml(r.quoted)}”${r.source ? `<br><span class="source">${escapeHtml(r.source)}</span>` : ''}`,
    escapeHtml(r.measured ?? r.summary),
    badge(r.verdict),
    `<a href="#${r.anchor}">evidence</a>`,
  ]);
  return table(['claim', 'the source says', 'the lab measured', 'verdict', 'evidence'], rows, ' id="claims"');
}

function figuresTable(figures: readonly ReportFigure[]): string {
  const rows = figures.map((f) => {
    const row = figureRow(f, formatThreshold(f.threshold));
    return FIGURE_COLUMNS.map(([key]) => (key === 'verdict' && row.verdict ? badge(row.verdict) : escapeHtml(row[key])));
  });
  const samples = figures.map((f) => `<li>${escapeHtml(f.name)}: ${escapeHtml(f.samples.join(', '))}</li>`).join('');
  return `${table(FIGURE_COLUMNS.map(([, title]) => title), rows)}<details><summary>samples</summary><ul>${samples}</ul></details>`;
}

function plotFigure(plot: RenderedPlot): string {
  if (plot.svg === null) return `<section class="plot" id="plot-${plot.id}"><h3>${escapeHtml(plot.title)}</h3><p class="note">${escapeHtml(plot.note)}</p></section>`;
  return `<figure class="plot" id="plot-${plot.id}"><h3>${escapeHtml(plot.title)}</h3>${plot.svg}<figcaption>${escapeHtml(plot.caption)}</figcaption></figure>`;
}

function evidence(claim: ClaimEntry): string {
  const parts = [`<section class="evidence" id="${evidenceAnchor(claim.id)}">`, `<h3>${escapeHtml(claim.id)} ${badge(claim.verdict)}</h3>`, `<p><strong>Claim:</strong> ${escapeHtml(claim.text)}</p>`];
  if (claim.quoted) parts.push(`<p><strong>The source says:</strong> “${escapeHtml(claim.quoted)}”${claim.source ? ` <span class="source">(${escapeHtml(claim.source)})</span>` : ''}</p>`);
  parts.push(`<p><strong>Found:</strong> ${escapeHtml(claim.summary)}</p>`);
  if (claim.measured) parts.push(`<p><strong>Measured:</strong> ${escapeHtml(claim.measured)}</p>`);
  if (claim.toDecide) parts.push(`<p><strong>To decide it:</strong> ${escapeHtml(claim.toDecide)}</p>`);
  if (claim.figures && claim.figures.length > 0) parts.push(figuresTable(claim.figures));
  if (Object.keys(claim.evidence).length > 0) parts.push(`<details><summary>evidence (JSON)</summary><pre>${escapeHtml(JSON.stringify(claim.evidence, null, 2))}</pre></details>`);
  parts.push('</section>');
  return parts.join('\n');
}

function measurement(m: VerdictReport['measurements'][number]): string {
  return `<section class="measurement"><h3>${escapeHtml(m.name)}</h3><p>${escapeHtml(m.summary)}</p>${m.figures && m.figures.length > 0 ? figuresTable(m.figures) : ''}</section>`;
}

export function renderHtml(report: VerdictReport, plots: readonly RenderedPlot[]): string {
  const seeds = Object.entries(report.seeds);
  const body = [
    '<h1>asoc-lab verdict report</h1>',
    `<p>${withCode(openingLine(report))}.</p>`,
    `<p>Verdicts: ${escapeHtml(verdictCounts(report))}.</p>`,
    `<ul>${VERDICT_ORDER.map((v) => `<li>${badge(v)} ${escapeHtml(VERDICT_MEANING[v])}</li>`).join('')}</ul>`,
    '<h2>Claims</h2>',
    findings(report),
    '<h2>Plots</h2>',
    ...plots.map(plotFigure),
    '<h2>Evidence</h2>',
    ...report.claims.map(evidence),
    ...(report.measurements.length > 0 ? ['<h2>Measurements</h2>', ...report.measurements.map(measurement)] : []),
    '<h2>The run</h2>',
    ...(report.skippedSteps.length > 0 ? [`<p>Steps left out: ${escapeHtml(report.skippedSteps.join(', '))}.</p>`] : []),
    ...(seeds.length > 0 ? [table(['seeded', 'seed'], seeds.map(([what, seed]) => [escapeHtml(what), escapeHtml(seed)]))] : []),
    table(NOISE_COLUMNS, noiseRows(report).map((r) => r.map(escapeHtml))),
    '<p>Every sample, interval and the full evidence are in report.json beside this page.</p>',
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>asoc-lab verdict report, ${escapeHtml(report.generatedAt.slice(0, 10))}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

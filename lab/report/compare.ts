/**
 * Two reports side by side: every figure that moved (by claim id or measurement name and figure
 * name), the verdicts that changed, and the regressions that fail a build:
 *
 * - a figure with a `tolerance` (a ratio to raw TCP of its own run) that fell by more than that
 *   fraction of its old value, or that the new report lacks;
 * - a verdict, of a claim or of one figure, that went from HOLDS to FAILS.
 *
 * UNDECIDED and PENDING never fail: a noisier or shorter run may not decide what an older one did.
 * The old report's tolerance is the one that counts (it is the baseline's budget).
 */
import { formatFigure } from './format.ts';
import type { ReportFigure, VerdictReport } from './schema.ts';

export interface FigureChange {
  /** "P7: <figure name>" or "<measurement name>: <figure name>". */
  key: string;
  before: ReportFigure | null;
  after: ReportFigure | null;
}

export interface VerdictChange {
  id: string;
  before: string;
  after: string;
}

export interface Comparison {
  /** Figures in both reports whose estimate or interval differs. */
  moved: FigureChange[];
  /** Figures in only one of them. */
  onlyBefore: FigureChange[];
  onlyAfter: FigureChange[];
  unchanged: number;
  verdictChanges: VerdictChange[];
  /** One sentence per regression, naming the figure or claim; empty when the new report passes. */
  regressions: string[];
}

/** Every figure of a report by key; a name used twice under one owner gets " (2)", " (3)" … */
export function figuresByKey(report: VerdictReport): Map<string, ReportFigure> {
  const owners = [...report.claims.map((c) => ({ owner: c.id, figures: c.figures ?? [] })), ...report.measurements.map((m) => ({ owner: m.name, figures: m.figures ?? [] }))];
  const byKey = new Map<string, ReportFigure>();
  for (const { owner, figures } of owners) {
    for (const figure of figures) {
      const base = `${owner}: ${figure.name}`;
      let key = base;
      for (let n = 2; byKey.has(key); n++) key = `${base} (${n})`;
      byKey.set(key, figure);
    }
  }
  return byKey;
}

const sameInterval = (a: ReportFigure['interval'], b: ReportFigure['interval']) => (a === null || b === null ? a === b : a.low === b.low && a.high === b.high && a.confidence === b.confidence);

/** "−12.3 %" from `before` to `after`. */
export function relativeChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? '0 %' : 'from 0';
  const change = (after / before - 1) * 100;
  return `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)} %`;
}

function toleranceRegression(key: string, before: ReportFigure, after: ReportFigure | undefined): string | null {
  if (before.tolerance === undefined) return null;
  if (after === undefined) return `${key}: in the old report with a ${Math.round(before.tolerance * 100)} % tolerance, missing from the new one`;
  const floor = before.estimate * (1 - before.tolerance);
  if (after.estimate >= floor) return null;
  return `${key}: fell from ${formatFigure(before)} to ${formatFigure(after)} (${relativeChange(before.estimate, after.estimate)}), more than its ${Math.round(before.tolerance * 100)} % tolerance`;
}

export function compareReports(before: VerdictReport, after: VerdictReport): Comparison {
  const old = figuresByKey(before);
  const fresh = figuresByKey(after);
  const comparison: Comparison = { moved: [], onlyBefore: [], onlyAfter: [], unchanged: 0, verdictChanges: [], regressions: [] };
  for (const [key, figure] of old) {
    const now = fresh.get(key);
    if (now === undefined) comparison.onlyBefore.push({ key, before: figure, after: null });
    else if (now.estimate !== figure.estimate || !sameInterval(now.interval, figure.interval)) comparison.moved.push({ key, before: figure, after: now });
    else comparison.unchanged++;
    const regression = toleranceRegression(key, figure, now);
    if (regression !== null) comparison.regressions.push(regression);
    if (figure.verdict === 'HOLDS' && now?.verdict === 'FAILS') comparison.regressions.push(`${key}: HOLDS → FAILS (${formatFigure(figure)} → ${formatFigure(now)})`);
  }
  for (const [key, figure] of fresh) if (!old.has(key)) comparison.onlyAfter.push({ key, before: null, after: figure });

  const newClaims = new Map(after.claims.map((c) => [c.id, c]));
  for (const claim of before.claims) {
    const now = newClaims.get(claim.id);
    if (now === undefined || now.verdict === claim.verdict) continue;
    comparison.verdictChanges.push({ id: claim.id, before: claim.verdict, after: now.verdict });
    if (claim.verdict === 'HOLDS' && now.verdict === 'FAILS') {
      const failing = (now.figures ?? []).filter((f) => f.verdict === 'FAILS').map((f) => f.name);
      comparison.regressions.push(`${claim.id}: HOLDS → FAILS${failing.length > 0 ? ` (failing: ${failing.join('; ')})` : ''}: ${now.summary}`);
    }
  }
  return comparison;
}

/** The comparison as compare prints it. */
export function comparisonText(comparison: Comparison, names: { before: string; after: string }): string {
  const lines: string[] = [];
  const figure = (f: ReportFigure | null) => (f === null ? '—' : formatFigure(f));
  const list = (title: string, changes: readonly FigureChange[]) => {
    if (changes.length > 0) lines.push(title, ...changes.map((c) => `  ${c.key}: ${figure(c.before)} → ${figure(c.after)}${c.before && c.after ? ` (${relativeChange(c.before.estimate, c.after.estimate)})` : ''}`), '');
  };
  lines.push(`old: ${names.before}`, `new: ${names.after}`, '');
  list(`figures that moved (${comparison.moved.length}; ${comparison.unchanged} unchanged):`, comparison.moved);
  if (comparison.moved.length === 0) lines.push(`no figure moved (${comparison.unchanged} unchanged)`, '');
  list('figures only in the old report:', comparison.onlyBefore);
  list('figures only in the new report:', comparison.onlyAfter);
  if (comparison.verdictChanges.length > 0) lines.push('verdicts that changed:', ...comparison.verdictChanges.map((v) => `  ${v.id}: ${v.before} → ${v.after}`), '');
  if (comparison.regressions.length > 0) lines.push(`${comparison.regressions.length} regression(s):`, ...comparison.regressions.map((r) => `  ${r}`));
  else lines.push('no regression: no figure fell past its tolerance and no verdict went from HOLDS to FAILS');
  return lines.join('\n');
}

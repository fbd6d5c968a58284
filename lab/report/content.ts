/**
 * What the Markdown and the HTML report both say, as plain data: the opening lines, the findings
 * table (claim, what the source says, what the lab measured, verdict, link to the evidence), and the
 * run's facts. The two renderers only lay these out.
 */
import { evidenceAnchor, formatDate, formatNumber, measuredText } from './format.ts';
import type { NoiseFigures, ReportFigure, VerdictReport } from './schema.ts';

export const VERDICT_ORDER = ['HOLDS', 'PARTIAL', 'FAILS', 'UNDECIDED', 'PENDING'] as const;

/** What each verdict means, for the report's legend. */
export const VERDICT_MEANING: Record<(typeof VERDICT_ORDER)[number], string> = {
  HOLDS: 'the claim is true of what the lab ran',
  PARTIAL: 'some parts hold, some fail',
  FAILS: 'the claim is not true of what the lab ran',
  UNDECIDED: "a figure's interval straddles the claim's threshold, or the machine was too noisy; the evidence says what would decide it",
  PENDING: 'not decided in this run',
};

export interface FindingRow {
  id: string;
  anchor: string;
  claim: string;
  /** The source's own words (quoted figure) and where they are; null when the catalogue has none. */
  quoted: string | null;
  source: string | null;
  /** What the lab measured, with its interval; null when the claim has no figures or measured line. */
  measured: string | null;
  /** The claim's one-paragraph finding (the report shows it where there is no measurement). */
  summary: string;
  verdict: VerdictReport['claims'][number]['verdict'];
}

export function findingRows(report: VerdictReport): FindingRow[] {
  return report.claims.map((c) => ({
    id: c.id,
    anchor: evidenceAnchor(c.id),
    claim: c.text,
    quoted: c.quoted ?? null,
    source: c.source ?? null,
    measured: measuredText(c),
    summary: c.summary,
    verdict: c.verdict,
  }));
}

/** "12 HOLDS, 3 PARTIAL, …" in VERDICT_ORDER, leaving out verdicts no claim has. */
export function verdictCounts(report: VerdictReport): string {
  return VERDICT_ORDER.flatMap((v) => {
    const n = report.claims.filter((c) => c.verdict === v).length;
    return n > 0 ? [`${n} ${v}`] : [];
  }).join(', ');
}

export function machineLine(report: VerdictReport): string {
  const m = report.machine;
  return `${m.cpu} (${m.cores} logical CPUs${m.virtual ? ', virtual machine' : ''}, ${m.memoryGiB} GiB), ${m.platform} ${m.kernel}`;
}

export function versionLine(report: VerdictReport): string {
  const v = report.versions;
  const commit = v.gitCommit === null ? 'outside a git checkout' : `commit ${v.gitCommit.slice(0, 12)}${v.gitDirty ? ' with uncommitted changes' : ''}`;
  return `asoc-lab ${v.package} (${commit}), Node ${v.node}`;
}

/** The command that makes a report like this one. */
export const verifyCommandOf = (report: VerdictReport) => `asoc-lab verify${report.mode === 'quick' ? ' --quick' : ''}`;

/** "<date>, quick run (`asoc-lab verify --quick`) on <machine>; <versions>", without a full stop. */
export function openingLine(report: VerdictReport): string {
  return `${formatDate(report.generatedAt)}, ${report.mode} run (\`${verifyCommandOf(report)}\`) on ${machineLine(report)}; ${versionLine(report)}`;
}

export interface FigureRow {
  name: string;
  estimate: string;
  interval: string;
  samples: number;
  statistic: string;
  threshold: string;
  verdict: string;
  tolerance: string;
}

export function figureRow(f: ReportFigure, thresholdText: string): FigureRow {
  return {
    name: f.name,
    estimate: `${formatNumber(f.estimate)}${f.unit ? ` ${f.unit}` : ''}`,
    interval: f.interval === null ? 'exact' : `${formatNumber(f.interval.low)}–${formatNumber(f.interval.high)} (${Math.round(f.interval.confidence * 100)} %, ${f.interval.method})`,
    samples: f.samples.length,
    statistic: f.statistic ?? '',
    threshold: thresholdText,
    verdict: f.verdict ?? '',
    tolerance: f.tolerance === undefined ? '' : `may fall ${Math.round(f.tolerance * 100)} %`,
  };
}

export const FIGURE_COLUMNS: readonly [keyof FigureRow, string][] = [
  ['name', 'figure'],
  ['estimate', 'estimate'],
  ['interval', 'interval'],
  ['samples', 'samples'],
  ['statistic', 'statistic'],
  ['threshold', 'claim asks'],
  ['verdict', 'part verdict'],
  ['tolerance', 'regression check'],
];

const percentOrDash = (fraction: number | null) => (fraction === null ? '—' : `${(fraction * 100).toFixed(1)} %`);

/** One row per step and one for the whole run: how quiet the machine was. */
export function noiseRows(report: VerdictReport): string[][] {
  const row = (what: string, seconds: number, n: NoiseFigures) => [what, `${seconds.toFixed(0)} s`, percentOrDash(n.busyFraction), percentOrDash(n.stealFraction), `${n.loadAverage.start.toFixed(2)} → ${n.loadAverage.end.toFixed(2)}`];
  return [...report.noise.steps.map((s) => row(s.title, s.seconds, s.noise)), row('whole run', report.noise.run.seconds, report.noise.run)];
}

export const NOISE_COLUMNS = ['step', 'time', 'CPU busy (all CPUs)', 'stolen by the hypervisor', '1-min load'];

/** The verdicts as verify prints them: one line per claim. */
export function verdictLines(report: VerdictReport): string {
  const width = Math.max(...report.claims.map((c) => c.id.length));
  return report.claims.map((c) => `${c.id.padEnd(width)}  ${c.verdict.padEnd(9)}  ${measuredText(c) ?? c.summary}`).join('\n');
}

/**
 * The README's opening findings: a short table generated from a report (date, machine, each
 * decided claim's verdict and what was measured, with its interval, or a link to its evidence in
 * the report when it has no figures), written between two markers
 * so `asoc-lab report readme-table --write` can replace it and a test can check it did not drift.
 */
import { findingRows, openingLine, verdictCounts } from './content.ts';
import { markdownTable } from './markdown.ts';
import type { VerdictReport } from './schema.ts';

export const FINDINGS_START = '<!-- findings:start -->';
export const FINDINGS_END = '<!-- findings:end -->';

/** The README lacks the markers, or has them out of order. */
export class FindingsMarkerError extends Error {
  override readonly name = 'FindingsMarkerError';
}

/** The section's Markdown (without the markers); `reportLink` is the report.md the README links to. */
export function findingsSection(report: VerdictReport, reportLink: string): string {
  const rows = findingRows(report);
  const decided = rows.filter((r) => r.verdict !== 'PENDING');
  const pending = rows.filter((r) => r.verdict === 'PENDING').map((r) => r.id);
  return [
    `What the lab found (${openingLine(report)}): ${verdictCounts(report)}. The [full report](${reportLink}) has every figure's samples and interval, the plots, and the evidence.`,
    '',
    ...markdownTable(
      ['claim', 'verdict', 'the lab measured'],
      decided.map((r) => [`**${r.id}** ${r.claim}`, `**${r.verdict}**`, r.measured ?? `[the evidence](${reportLink}#${r.anchor})`]),
    ),
    ...(pending.length > 0 ? ['', `Not decided in that run (PENDING): ${pending.join(', ')}.`] : []),
  ].join('\n');
}

function markerPositions(readme: string): { start: number; end: number } {
  const start = readme.indexOf(FINDINGS_START);
  const end = readme.indexOf(FINDINGS_END);
  if (start < 0 || end < 0 || end < start) throw new FindingsMarkerError(`the README needs the lines ${FINDINGS_START} and ${FINDINGS_END}, in that order, around the findings`);
  return { start: start + FINDINGS_START.length, end };
}

/** The findings now between the markers. */
export function findingsIn(readme: string): string {
  const { start, end } = markerPositions(readme);
  return readme.slice(start, end).trim();
}

/** The README with `section` between the markers. */
export function withFindings(readme: string, section: string): string {
  const { start, end } = markerPositions(readme);
  return `${readme.slice(0, start)}\n${section}\n${readme.slice(end)}`;
}

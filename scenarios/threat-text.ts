/** The verdict tables of `asoc-lab scenario run`, as lines of text. */
import type { ClaimAggregate, ThreatResult } from './threat-runner.ts';

/** Narrowest evidence column worth wrapping into; below it, evidence goes on the next lines. */
const MIN_EVIDENCE_WIDTH = 30;

/** Words of `text` in lines of at most `width` characters (a longer word is cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Rows of cells, the last column wrapped so no line passes `width`. */
function table(header: string[], rows: string[][], width: number): string[] {
  const fixed = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const indent = fixed.reduce((sum, w) => sum + w + 2, 0);
  const evidenceWidth = Math.max(MIN_EVIDENCE_WIDTH, width - indent);
  const line = (cells: string[]) => cells.map((c, i) => (i < fixed.length ? c.padEnd(fixed[i]!) : c)).join('  ');
  const out = [line(header)];
  for (const row of rows) {
    const [first, ...rest] = wrap(row[row.length - 1]!, evidenceWidth);
    out.push(line([...row.slice(0, -1), first!]).trimEnd());
    for (const more of rest) out.push(`${' '.repeat(indent)}${more}`);
  }
  return out;
}

export function formatThreatResult(result: ThreatResult, width: number): string[] {
  const rows = result.rows.map((r) => [r.claim, r.profile, r.expected, r.match ? r.observed : `${r.observed} ≠`, r.evidence]);
  return [
    `${result.scenario} (seed ${result.seed}): ${result.description}`,
    `attack ${result.attack.kind}: ${result.attack.description}`,
    ...table(['claim', 'profile', 'expected', 'observed', 'evidence'], rows, width).map((l) => `  ${l}`),
  ];
}

export function formatAggregate(aggregate: readonly ClaimAggregate[], width: number): string[] {
  const rows = aggregate.map((a) => [a.claim, a.profile, a.observed, a.observed === a.expected ? 'yes' : `no (expected ${a.expected})`, `${a.decidedBy}${a.scenarios.length > 1 ? ` (1 of ${a.scenarios.length} scenarios)` : ''}`]);
  return ['per claim, the weakest verdict observed over all scenarios:', ...table(['claim', 'profile', 'observed', 'as expected', 'weakest in'], rows, width).map((l) => `  ${l}`)];
}

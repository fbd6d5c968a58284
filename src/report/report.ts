/**
 * The verdict report: every claim of the catalogue with its verdict and evidence (or the
 * instrument that will decide it), plus the measurements of the run, as JSON and Markdown.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CLAIMS } from '../claims/catalogue.ts';
import type { Measurement } from '../claims/instrument.ts';
import type { ClaimResult } from '../claims/verdict.ts';

export type { Measurement };

export interface VerdictReport {
  kind: 'asoc-lab-verdicts';
  generatedAt: string;
  machine: MachineDescription;
  claims: ClaimResult[];
  measurements: Measurement[];
}

export interface MachineDescription {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
  };
}

/** Decided claims first come from `decided`; every other catalogue claim is listed as PENDING. */
export function buildReport(decided: ClaimResult[], measurements: Measurement[], generatedAt: Date): VerdictReport {
  const byId = new Map(decided.map((r) => [r.id, r]));
  const claims = CLAIMS.map(
    (c): ClaimResult => byId.get(c.id) ?? { id: c.id, verdict: 'PENDING', summary: `Not decided yet: needs ${c.decidedBy}.`, evidence: {} },
  );
  return { kind: 'asoc-lab-verdicts', generatedAt: generatedAt.toISOString(), machine: describeMachine(), claims, measurements };
}

export function renderMarkdown(report: VerdictReport): string {
  const text = new Map(CLAIMS.map((c) => [c.id, c.text]));
  const escape = (s: string) => s.replaceAll('|', '\\|');
  const m = report.machine;
  const lines = [
    '# asoc-lab verdict report',
    '',
    `Generated ${report.generatedAt} on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}, ${m.platform} ${m.kernel}.`,
    'Claim ids are those of SPEC.md. Every figure below was produced by this run.',
    '',
    '| claim | verdict | claimed | what the lab found |',
    '|---|---|---|---|',
    ...report.claims.map((c) => `| ${c.id} | ${c.verdict} | ${escape(text.get(c.id) ?? '')} | ${escape(c.summary)} |`),
    '',
  ];
  if (report.measurements.length > 0) {
    lines.push('## Measurements', '');
    for (const meas of report.measurements) lines.push(`- **${meas.name}**: ${meas.summary}`);
    lines.push('');
  }
  lines.push('Evidence for every verdict is in the JSON report beside this file.', '');
  return lines.join('\n');
}

export async function writeReport(report: VerdictReport, dir: string): Promise<{ json: string; markdown: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const markdown = path.join(dir, 'latest.md');
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(markdown, renderMarkdown(report));
  return { json, markdown };
}

export function verdictTable(report: VerdictReport): string {
  const width = Math.max(...report.claims.map((c) => c.id.length));
  return report.claims.map((c) => `${c.id.padEnd(width)}  ${c.verdict.padEnd(7)}  ${c.summary}`).join('\n');
}

/**
 * What an attack reports: whether the protection a claim promises stopped it, the claim ids it
 * bears on, and the counts and times that decided it. One line for the terminal, JSON for the record.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * SUCCEEDED: the protection the claims promise did not stop the attack.
 * REFUSED: the server stopped it.
 * INCONCLUSIVE: the run could not tell (no client to record, a budget too short to see a timeout …).
 */
export type LiveAttackOutcome = 'SUCCEEDED' | 'REFUSED' | 'INCONCLUSIVE';

export interface AttackResult {
  attack: string;
  target: string;
  /** The address the attack's connections came from (null: the kernel's choice). */
  source: string | null;
  outcome: LiveAttackOutcome;
  claims: string[];
  /** One sentence a reader can check against the counts and times. */
  summary: string;
  counts: Record<string, number>;
  /** Durations in milliseconds. */
  timesMs: Record<string, number>;
  /** Per-attempt records and settings, for the JSON. */
  details: Record<string, unknown>;
  startedAt: string;
  wallMs: number;
  budgetMs: number;
}

export function outcomeLine(result: AttackResult): string {
  const counts = Object.entries(result.counts).map(([k, v]) => `${k}=${v}`);
  const times = Object.entries(result.timesMs).map(([k, v]) => `${k}=${v.toFixed(1)}ms`);
  return [
    `${result.attack} ${result.outcome} [${result.claims.join(' ')}] against ${result.target}${result.source ? ` from ${result.source}` : ''}: ${result.summary}`,
    `  counts: ${counts.join(' ') || '-'}`,
    `  times:  ${times.join(' ') || '-'}  (wall ${(result.wallMs / 1000).toFixed(2)} s of a ${(result.budgetMs / 1000).toFixed(1)} s budget)`,
  ].join('\n');
}

/** Writes the result as JSON to `out`, or to reports/attacks/<attack>-<timestamp>.json; returns the path. */
export async function writeAttackReport(result: AttackResult, out?: string): Promise<string> {
  const file = out ?? path.join('reports', 'attacks', `${result.attack}-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

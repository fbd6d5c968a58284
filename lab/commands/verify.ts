import { watchNoise } from '../../bench/noise.ts';
import { progressBar, showsProgress } from '../../bench/progress.ts';
import { CLAIMS } from '../claims/catalogue.ts';
import type { Instrument, InstrumentOutcome, Measurement } from '../claims/instrument.ts';
import { INSTRUMENTS } from '../claims/instruments.ts';
import type { ClaimResult } from '../claims/verdict.ts';
import { existsSync } from 'node:fs';
import { buildReport } from '../report/build.ts';
import { verdictLines } from '../report/content.ts';
import type { VerdictReport } from '../report/schema.ts';
import { createRunDir, pointLatest, writeReportFiles } from '../report/store.ts';
import { parseFlags, UsageError, type Command } from './common.ts';

/** verify's help: its steps, in order, with the claims each decides and the flag that skips it, from the registry. */
export function verifyHelp(instruments: readonly Instrument[]): string {
  const steps = instruments.map((i) => {
    const ids = Object.keys(i.claims);
    return `  ${i.name.padEnd(11)} ${i.title}${ids.length ? ` (${ids.join(', ')})` : ''}${i.skipFlag ? `; --${i.skipFlag} skips it` : ''}`;
  });
  return `Usage: asoc-lab verify [options]

Decides every claim the lab can decide (docs/claims.md says how, claim by claim) and writes the
verdict report into OUT/<timestamp>/ (report.json, report.md, report.html, plots/) and points
OUT/latest at it. A performance verdict is HOLDS or FAILS only when the whole confidence interval of
the figure that decides it is on one side of the claim's threshold; otherwise UNDECIDED, with the
interval and what a longer run would need. Claims no instrument decides are PENDING.

Steps, in order:
${steps.join('\n')}

  --quick                 short settings (a few minutes on 2 cores; what CI runs)
  --only IDS              only the steps that decide these claims, e.g. --only P3,S2
  --out DIR               where the report directories go (default reports)
  --calibration FILE      use this simulator calibration instead of measuring one now

Exit status: 0, or 1 when a security verdict differs from its scenario's expectation, 2 on bad flags.
What moved between two reports: asoc-lab compare OLD NEW (e.g. reports/reference reports/latest).`;
}

const help = verifyHelp(INSTRUMENTS);

export const verifyCommand: Command = {
  name: 'verify',
  measures: true,
  summary: 'decide every claim the lab can decide and write the verdict report',
  help,
  async run(argv) {
    const skipFlags = Object.fromEntries(INSTRUMENTS.filter((i) => i.skipFlag).map((i) => [i.skipFlag!, { type: 'boolean' as const }]));
    const { values } = parseFlags(argv, { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, calibration: { type: 'string' }, ...skipFlags });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const only = values.only === undefined ? null : parseClaimIds(values.only as string);
    const calibrationFile = values.calibration as string | undefined;
    if (calibrationFile && !existsSync(calibrationFile)) throw new UsageError(`--calibration ${calibrationFile}: no such file (asoc-lab calibrate writes one)`);
    const selected = INSTRUMENTS.filter((i) => !(i.skipFlag && (values as Record<string, unknown>)[i.skipFlag]) && (only === null || Object.keys(i.claims).some((id) => only.has(id))));
    const out = (values.out as string | undefined) ?? 'reports';
    const quick = Boolean(values.quick);

    const started = new Date();
    const runDir = await createRunDir(out, started);
    const runNoise = watchNoise();
    const { outcomes, steps } = await runSteps(selected, { quick, out: runDir, calibrationFile });
    const decided = mergeClaims(outcomes.map((o) => o.claims)).filter((c) => only === null || only.has(c.id));
    const measurements: Measurement[] = outcomes.flatMap((o) => o.measurements);
    const skippedSteps = INSTRUMENTS.filter((i) => !selected.includes(i)).map((i) => i.name);
    const report = buildReport({ decided, measurements, generatedAt: started, quick, noise: { run: runNoise(), steps }, skippedSteps });
    const written = await writeReportFiles(report, runDir);
    const latest = await pointLatest(out, runDir);
    console.log('');
    console.log(verdictLines(report));
    for (const m of measurements) console.log(`\n${m.name}: ${m.summary}`);
    for (const note of written.plotNotes) console.log(`\nplot ${note}`);
    console.log(`\nreport: ${written.html} (also report.md and report.json there; ${latest} points at it)`);
    const mismatches = outcomes.flatMap((o) => o.mismatches ?? []);
    if (mismatches.length > 0) {
      console.error(`\n${mismatches.length} security observation(s) differ from their scenario's expectation:\n${mismatches.map((m) => `  ${m}`).join('\n')}`);
      return 1;
    }
    return 0;
  },
};

/** "P3,s2" → {P3, S2}; an id the catalogue lacks is a usage error. */
function parseClaimIds(text: string): Set<string> {
  const ids = text.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const known = new Set(CLAIMS.map((c) => c.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (ids.length === 0 || unknown.length > 0) throw new UsageError(`--only ${text}: ${unknown.length ? `unknown claim id(s) ${unknown.join(', ')}` : 'no claim ids'}; known: ${[...known].join(', ')}`);
  return new Set(ids);
}

type StepRecord = VerdictReport['noise']['steps'][number];

/** Runs the steps in order, with a progress bar naming the step (on a terminal), a log line per step, and each step's time and noise. */
async function runSteps(steps: readonly Instrument[], options: { quick: boolean; out: string; calibrationFile?: string }): Promise<{ outcomes: InstrumentOutcome[]; steps: StepRecord[] }> {
  const bar = showsProgress() ? progressBar() : null;
  const outcomes: InstrumentOutcome[] = [];
  const records: StepRecord[] = [];
  try {
    for (const [index, step] of steps.entries()) {
      const prefix = `step ${index + 1}/${steps.length}: ${step.title}`;
      console.log(`${prefix} …`);
      const progress = (fraction: number, label: string) => bar?.update(Math.round((index + Math.min(Math.max(fraction, 0), 1)) * 100), steps.length * 100, `${prefix} — ${label}`);
      progress(0, 'starting');
      const started = performance.now();
      const noise = watchNoise();
      outcomes.push(await step.run({ ...options, log: (line) => (bar ? undefined : console.log(line)), progress }));
      const seconds = (performance.now() - started) / 1000;
      records.push({ name: step.name, title: step.title, seconds, noise: noise() });
      progress(1, `done in ${seconds.toFixed(0)} s`);
    }
  } finally {
    bar?.stop();
  }
  return { outcomes, steps: records };
}

/** Each claim's verdict from the last instrument that decided it. */
function mergeClaims(perStep: readonly ClaimResult[][]): ClaimResult[] {
  const byId = new Map<string, ClaimResult>();
  for (const claims of perStep) for (const c of claims) byId.set(c.id, c);
  return [...byId.values()];
}

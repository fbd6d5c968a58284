import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { compareCommand } from '../../../lab/commands/compare.ts';
import { compareReports } from '../../../lab/report/compare.ts';
import type { VerdictReport } from '../../../lab/report/schema.ts';
import { fixtureReport } from './fixture.ts';

const RATIO = 'P7: asoc-v1 ÷ raw-tcp, 1 MiB chunks';

/** The fixture with P7's ratio (tolerance 10 %, old estimate 0.93) at `estimate`. */
function withRatio(estimate: number): VerdictReport {
  const report = fixtureReport();
  const figure = report.claims.find((c) => c.id === 'P7')!.figures![0]!;
  figure.estimate = estimate;
  figure.interval = { ...figure.interval!, low: estimate - 0.02, high: estimate + 0.02 };
  return report;
}

function withVerdict(id: string, verdict: VerdictReport['claims'][number]['verdict']): VerdictReport {
  const report = fixtureReport();
  report.claims.find((c) => c.id === id)!.verdict = verdict;
  return report;
}

test('a report against itself: nothing moved, no regression', () => {
  const comparison = compareReports(fixtureReport(), fixtureReport());
  assert.deepEqual(comparison.moved, []);
  assert.deepEqual(comparison.regressions, []);
  assert.equal(comparison.unchanged, 3);
});

test('a ratio that fell past its tolerance is a regression naming the figure; within it, it only moved', () => {
  const fell = compareReports(fixtureReport(), withRatio(0.8));
  assert.equal(fell.regressions.length, 1);
  assert.ok(fell.regressions[0]!.startsWith(`${RATIO}: fell from 0.93 ratio`), fell.regressions[0]);
  assert.match(fell.regressions[0]!, /−14\.0 %\), more than its 10 % tolerance/);
  const dipped = compareReports(fixtureReport(), withRatio(0.85));
  assert.deepEqual(dipped.regressions, [], '−8.6 % is within 10 %');
  assert.deepEqual(dipped.moved.map((m) => m.key), [RATIO]);
  assert.deepEqual(compareReports(fixtureReport(), withRatio(1.2)).regressions, [], 'a rise is never a regression');
});

test('a figure with a tolerance missing from the new report is a regression', () => {
  const after = fixtureReport();
  delete after.claims.find((c) => c.id === 'P7')!.figures;
  const comparison = compareReports(fixtureReport(), after);
  assert.deepEqual(comparison.onlyBefore.map((c) => c.key), [RATIO]);
  assert.match(comparison.regressions[0]!, /^P7: asoc-v1 ÷ raw-tcp, 1 MiB chunks: in the old report with a 10 % tolerance, missing from the new one$/);
});

test('HOLDS → FAILS fails, for a claim and for a figure', () => {
  const claim = compareReports(fixtureReport(), withVerdict('P1', 'FAILS'));
  assert.deepEqual(claim.verdictChanges, [{ id: 'P1', before: 'HOLDS', after: 'FAILS' }]);
  assert.match(claim.regressions[0]!, /^P1: HOLDS → FAILS/);
  const after = fixtureReport();
  after.claims.find((c) => c.id === 'P1')!.figures![0]!.verdict = 'FAILS';
  assert.match(compareReports(fixtureReport(), after).regressions[0]!, /^P1: HELLO \+ ACCEPT payloads: HOLDS → FAILS/);
});

test('HOLDS → UNDECIDED, → PENDING, and FAILS → HOLDS are listed but pass', () => {
  for (const [id, verdict] of [['P1', 'UNDECIDED'], ['P1', 'PENDING'], ['S2', 'HOLDS']] as const) {
    const comparison = compareReports(fixtureReport(), withVerdict(id, verdict));
    assert.equal(comparison.verdictChanges.length, 1);
    assert.deepEqual(comparison.regressions, [], `${id} → ${verdict}`);
  }
});

async function reportFile(t: TestContext, report: VerdictReport): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'asoc-compare-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'report.json');
  await writeFile(file, JSON.stringify(report));
  return file;
}

/** compare's exit status and what it printed. */
async function runCompare(t: TestContext, args: string[]): Promise<{ status: number; output: string }> {
  const printed: string[] = [];
  t.mock.method(console, 'log', (...parts: unknown[]) => printed.push(parts.join(' ')));
  const status = await compareCommand.run(args);
  t.mock.restoreAll();
  return { status, output: printed.join('\n') };
}

test('asoc-lab compare: 0 against itself, 1 naming the figure past its tolerance, 1 on HOLDS → FAILS, 0 on HOLDS → UNDECIDED', async (t) => {
  const reference = await reportFile(t, fixtureReport());
  assert.equal((await runCompare(t, [reference, reference])).status, 0);
  const fell = await runCompare(t, [reference, await reportFile(t, withRatio(0.8))]);
  assert.equal(fell.status, 1);
  assert.ok(fell.output.includes(`1 regression(s):\n  ${RATIO}: fell from`), fell.output);
  assert.ok(fell.output.includes(`figures that moved (1; 2 unchanged):\n  ${RATIO}: 0.93 ratio (95 % interval 0.91–0.95) → 0.8 ratio (95 % interval 0.78–0.82) (−14.0 %)`), fell.output);
  assert.equal((await runCompare(t, [reference, await reportFile(t, withVerdict('P1', 'FAILS'))])).status, 1);
  assert.equal((await runCompare(t, [reference, await reportFile(t, withVerdict('P1', 'UNDECIDED'))])).status, 0);
});

test('asoc-lab compare: a missing or invalid report, or a wrong number of them, is a usage error', async (t) => {
  const reference = await reportFile(t, fixtureReport());
  await assert.rejects(compareCommand.run([reference, '/nonexistent/report.json']), { name: 'UsageError', message: /no such file/ });
  const broken = await reportFile(t, { ...fixtureReport(), mode: 'fast' } as unknown as VerdictReport);
  await assert.rejects(compareCommand.run([reference, broken]), { name: 'UsageError', message: /mode:/ });
  await assert.rejects(compareCommand.run([reference]), { name: 'UsageError', message: /expected two reports/ });
});

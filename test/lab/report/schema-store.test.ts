import assert from 'node:assert/strict';
import { existsSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildReport } from '../../../lab/report/build.ts';
import { ReportFormatError, validateReport } from '../../../lab/report/schema.ts';
import { createRunDir, pointLatest, readReport, ReportNotFoundError, runDirName, writeReportFiles } from '../../../lab/report/store.ts';
import { CLAIMS } from '../../../lab/claims/catalogue.ts';
import { fixtureReport } from './fixture.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'asoc-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('the schema names every bad field by its path', () => {
  const report = fixtureReport() as unknown as { claims: { figures?: { estimate: unknown }[] }[]; mode: string };
  report.claims[0]!.figures![0]!.estimate = 'fifty-two';
  report.mode = 'fast';
  assert.throws(
    () => validateReport(report, 'r.json'),
    (err: unknown) => err instanceof ReportFormatError && err.problems.some((p) => p.startsWith('claims.0.figures.0.estimate:')) && err.problems.some((p) => p.startsWith('mode:')) && err.message.startsWith('r.json is not a valid asoc-lab report'),
  );
});

test('the schema refuses figures JSON cannot carry (Infinity would be written as null)', () => {
  const report = fixtureReport();
  report.claims[1]!.figures![0]!.estimate = Infinity;
  assert.throws(() => validateReport(report, 'r'), /claims\.1\.figures\.0\.estimate/);
});

test("an older report (another kind) is refused with what to do, not a list of every missing field", () => {
  assert.throws(() => validateReport({ kind: 'asoc-lab-verdicts', claims: [] }, 'latest.json'), (err: unknown) => err instanceof ReportFormatError && err.problems.length === 1 && /rerun asoc-lab verify/.test(err.problems[0]!));
});

test('buildReport lists every catalogue claim, undecided ones PENDING with what decides them, and the seeds by measurement', () => {
  const report = buildReport({
    decided: [{ id: 'P2', verdict: 'HOLDS', summary: '14 bytes', evidence: {} }],
    measurements: [{ name: 'sweep', summary: 's', seeds: { points: 3 }, data: {} }],
    generatedAt: new Date('2025-06-01T00:00:00Z'),
    quick: true,
    noise: fixtureReport().noise,
    skippedSteps: ['threats'],
  });
  assert.deepEqual(report.claims.map((c) => c.id), CLAIMS.map((c) => c.id));
  assert.equal(report.claims.find((c) => c.id === 'P2')!.verdict, 'HOLDS');
  const p3 = report.claims.find((c) => c.id === 'P3')!;
  assert.equal(p3.verdict, 'PENDING');
  assert.match(p3.summary, /^Not decided in this run: needs /);
  assert.equal(p3.text, CLAIMS.find((c) => c.id === 'P3')!.text);
  assert.deepEqual(report.seeds, { 'sweep: points': 3 });
  assert.equal(report.mode, 'quick');
  assert.equal(report.versions.node, process.version);
});

test('a report written and read back is the same report; a directory, its latest link and the file all read', async (t) => {
  const out = await tempDir(t);
  const dir = await createRunDir(out, new Date('2025-06-01T12:30:05.123Z'));
  assert.equal(path.basename(dir), '2025-06-01T12-30-05Z');
  const written = await writeReportFiles(fixtureReport(), dir);
  const link = await pointLatest(out, dir);
  assert.equal(readlinkSync(link), '2025-06-01T12-30-05Z', 'relative, so the tree can move');
  for (const target of [dir, link, written.json]) assert.deepEqual(await readReport(target), fixtureReport());
  for (const file of ['report.md', 'report.html', 'plots/throughput.svg', 'plots/challenge-birthday.svg']) assert.ok(existsSync(path.join(dir, file)), file);
});

test('a second run in the same second gets its own directory, and latest moves to it', async (t) => {
  const out = await tempDir(t);
  const started = new Date('2025-06-01T12:30:05Z');
  const first = await createRunDir(out, started);
  const second = await createRunDir(out, started);
  assert.equal(second, `${first}-2`);
  await pointLatest(out, first);
  await pointLatest(out, second);
  assert.equal(readlinkSync(path.join(out, 'latest')), `${runDirName(started)}-2`);
});

test('reading: a missing path or a directory without report.json is ReportNotFoundError, a changed file ReportFormatError', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(readReport(path.join(dir, 'nothing')), ReportNotFoundError);
  await assert.rejects(readReport(dir), (err: unknown) => err instanceof ReportNotFoundError && /without report\.json/.test((err as Error).message));
  await writeReportFiles(fixtureReport(), dir);
  const file = path.join(dir, 'report.json');
  const json = JSON.parse(await readFile(file, 'utf8'));
  delete json.claims[0].verdict;
  await writeFile(file, JSON.stringify(json));
  await assert.rejects(readReport(dir), (err: unknown) => err instanceof ReportFormatError && err.problems.some((p) => p.startsWith('claims.0.verdict:')));
  await writeFile(file, '{ not json');
  await assert.rejects(readReport(dir), ReportFormatError);
});

test('a field the schema does not name (an instrument ahead of the report) survives validation', () => {
  const report = fixtureReport() as unknown as { claims: Record<string, unknown>[]; measurements: Record<string, unknown>[] };
  report.claims[0]!.settings = { runs: 5 };
  report.measurements[0]!.unit = 'MB/s';
  const checked = validateReport(report, 'r') as unknown as typeof report;
  assert.deepEqual(checked.claims[0]!.settings, { runs: 5 });
  assert.equal(checked.measurements[0]!.unit, 'MB/s');
});

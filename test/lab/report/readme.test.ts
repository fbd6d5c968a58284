import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { reportCommand } from '../../../lab/commands/report.ts';
import { FINDINGS_END, FINDINGS_START, FindingsMarkerError, findingsIn, findingsSection, withFindings } from '../../../lab/report/readme-findings.ts';
import { readReport, writeReportFiles } from '../../../lab/report/store.ts';
import { fixtureReport } from './fixture.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test("the README opens with the reference report's findings, exactly as `npm run readme-table` writes them", async () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const reference = await readReport(path.join(ROOT, 'reports/reference'));
  assert.equal(findingsIn(readme), findingsSection(reference, 'reports/reference/report.md'), 'README.md and reports/reference differ: run npm run readme-table');
  assert.ok(readme.indexOf(FINDINGS_START) < readme.indexOf('```'), 'the findings come before the commands');
});

test('findings: the opening line, one row per decided claim with its verdict and measurement, the pending ones named', () => {
  const section = findingsSection(fixtureReport(), 'reports/x/report.md');
  const lines = section.split('\n');
  assert.match(lines[0]!, /^What the lab found \(2025-06-01 12:30 UTC, quick run \(`asoc-lab verify --quick`\) on Test CPU .*\): 2 HOLDS, 1 FAILS, 1 PENDING\. The \[full report\]\(reports\/x\/report\.md\)/);
  assert.deepEqual(lines.slice(2, 4), ['| claim | verdict | the lab measured |', '|---|---|---|']);
  assert.equal(lines[4], '| **P1** Handshake is 52 bytes | **HOLDS** | 52 B (exact) |');
  assert.equal(lines.filter((l) => l.startsWith('| **')).length, 3);
  assert.equal(lines.at(-1), 'Not decided in that run (PENDING): D1.');
});

test('withFindings replaces only what is between the markers, and needs both in order', () => {
  const readme = `# title\n${FINDINGS_START}\nold\n${FINDINGS_END}\n\nrest\n`;
  assert.equal(withFindings(readme, 'new'), `# title\n${FINDINGS_START}\nnew\n${FINDINGS_END}\n\nrest\n`);
  assert.equal(findingsIn(withFindings(readme, 'new')), 'new');
  assert.throws(() => withFindings('# no markers', 'x'), FindingsMarkerError);
  assert.throws(() => findingsIn(`${FINDINGS_END}\n${FINDINGS_START}`), FindingsMarkerError);
});

test('asoc-lab report readme-table --write rewrites the section with a link relative to the README', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'asoc-readme-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const reportDir = path.join(dir, 'reports', 'ref');
  await mkdir(reportDir, { recursive: true });
  await writeReportFiles(fixtureReport(), reportDir);
  const readme = path.join(dir, 'README.md');
  await writeFile(readme, `# x\n${FINDINGS_START}\n${FINDINGS_END}\n`);
  t.mock.method(console, 'log', () => {});
  assert.equal(await reportCommand.run(['readme-table', reportDir, '--write', readme]), 0);
  assert.equal(findingsIn(await readFile(readme, 'utf8')), findingsSection(fixtureReport(), 'reports/ref/report.md'));
  await writeFile(readme, '# no markers\n');
  await assert.rejects(reportCommand.run(['readme-table', reportDir, '--write', readme]), { name: 'UsageError', message: /findings:start/ });
});

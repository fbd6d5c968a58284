import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { verifyCommand } from '../../../lab/commands/verify.ts';
import { INSTRUMENTS } from '../../../lab/claims/instruments.ts';
import { readReport } from '../../../lab/report/store.ts';

test('verify writes its report through the report writer: a timestamped directory, latest pointing at it, the steps it left out', async (t) => {
  const out = await mkdtemp(path.join(tmpdir(), 'asoc-verify-'));
  t.after(() => rm(out, { recursive: true, force: true }));
  t.mock.method(console, 'log', () => {});
  assert.equal(await verifyCommand.run(['--only', 'X1', '--out', out]), 0);
  t.mock.restoreAll();
  const [runDir] = readdirSync(out).filter((name) => name !== 'latest');
  assert.match(runDir!, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  assert.equal(readlinkSync(path.join(out, 'latest')), runDir);
  for (const file of ['report.json', 'report.md', 'report.html']) assert.ok(existsSync(path.join(out, runDir!, file)), file);
  const report = await readReport(path.join(out, 'latest'));
  assert.equal(report.mode, 'full');
  assert.equal(report.claims.find((c) => c.id === 'X1')!.verdict, 'HOLDS');
  assert.deepEqual(report.noise.steps.map((s) => s.name), ['codecs']);
  assert.deepEqual(report.skippedSteps, INSTRUMENTS.filter((i) => i.name !== 'codecs').map((i) => i.name));
});

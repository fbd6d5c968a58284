import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readReport } from '../../../lab/report/store.ts';

const REFERENCE = fileURLToPath(new URL('../../../reports/reference/', import.meta.url));

test('the reference report is a valid quick run with every file a reader opens', async () => {
  const report = await readReport(REFERENCE);
  assert.equal(report.mode, 'quick', 'CI compares quick runs with it');
  for (const file of ['report.md', 'report.html']) assert.ok(readFileSync(path.join(REFERENCE, file), 'utf8').length > 1000, file);
});

test('the reference report speaks to a user: claims, targets and commands, never the project\'s issue numbers', () => {
  for (const file of ['report.md', 'report.html']) {
    const text = readFileSync(path.join(REFERENCE, file), 'utf8');
    assert.doesNotMatch(text, /\bissues?\s*#?\d+/i, file);
  }
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const DRIVER_DIR = new URL('../../src/driver/', import.meta.url).pathname;
const FORBIDDEN = ['Math.random', 'Date.now', 'performance.now', 'process.hrtime', 'setTimeout', 'setInterval', 'new Date('];

test('the shared orchestration (src/driver) takes its time and randomness from the transport', () => {
  const files = readdirSync(DRIVER_DIR).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length >= 3, 'found the orchestration sources');
  const offences = files.flatMap((name) => {
    const text = readFileSync(join(DRIVER_DIR, name), 'utf8');
    return FORBIDDEN.filter((word) => text.includes(word)).map((word) => `${name}: ${word}`);
  });
  assert.deepEqual(offences, []);
});

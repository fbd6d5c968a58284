import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const SIM_DIR = new URL('../../sim/', import.meta.url).pathname;
const FORBIDDEN = ['Math.random', 'Date.now', 'performance.now', 'process.hrtime', 'setTimeout', 'setInterval', 'new Date('];

test('nothing under sim/ reads the wall clock or an unseeded random source', () => {
  const files = readdirSync(SIM_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length > 10, 'found the simulator sources');
  const offences = files.flatMap((name) => {
    const text = readFileSync(join(SIM_DIR, name), 'utf8');
    return FORBIDDEN.filter((word) => text.includes(word)).map((word) => `${name}: ${word}`);
  });
  assert.deepEqual(offences, []);
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/** The deterministic parts of the lab: time and randomness only come in as arguments. */
const DETERMINISTIC_DIRS = ['sim/', 'src/core/', 'src/wire/', 'src/crypto/'];
const FORBIDDEN = ['Math.random', 'Date.now', 'performance.now', 'process.hrtime', 'setTimeout', 'setInterval', 'setImmediate', 'new Date(', 'randomBytes', 'randomInt', 'randomUUID'];

for (const dir of DETERMINISTIC_DIRS) {
  test(`nothing under ${dir} reads the wall clock, real timers or an unseeded random source`, () => {
    const root = new URL(`../../${dir}`, import.meta.url).pathname;
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    assert.ok(files.length >= 3, `found the sources of ${dir}`);
    const offences = files.flatMap((name) => {
      const text = readFileSync(join(root, name), 'utf8');
      return FORBIDDEN.filter((word) => text.includes(word)).map((word) => `${dir}${name}: ${word}`);
    });
    assert.deepEqual(offences, []);
  });
}

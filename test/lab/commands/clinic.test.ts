import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clinicUnavailable, parseClinicArgs, runUnderClinic } from '../../../lab/commands/clinic.ts';

test('clinic flags: its own before the bench name, the rest go to the bench; mistakes are usage errors', () => {
  const options = parseClinicArgs(['--tool', 'flame', '--dest', 'out', '--timeout', '30', 'latency', '--sizes', '1KiB', '--help']);
  assert.deepEqual(options, { bench: 'latency', benchArgs: ['--sizes', '1KiB', '--help'], tools: ['flame'], dest: resolve('out'), timeoutS: 30 });
  assert.deepEqual(parseClinicArgs(['crypto'])?.tools, ['flame', 'doctor']);
  assert.throws(() => parseClinicArgs(['--tool', 'bubbleprof', 'crypto']), { name: 'UsageError' });
  assert.throws(() => parseClinicArgs(['--tool', 'flame']), { name: 'UsageError' });
  assert.throws(() => parseClinicArgs(['--frobnicate', 'crypto']), { name: 'UsageError' });
});

test('clinic: flame over a short crypto bench writes a flame graph where it says', async (t) => {
  const unavailable = await clinicUnavailable();
  if (unavailable) {
    console.log(`# skipped: ${unavailable}`);
    return t.skip(unavailable);
  }
  const dest = await mkdtemp(join(tmpdir(), 'asoc-clinic-'));
  try {
    const [run, ...more] = await runUnderClinic({
      bench: 'crypto',
      benchArgs: ['--groups', 'codec', '--time-ms', '50', '--warmup-ms', '0', '--out', dest],
      tools: ['flame'],
      dest,
      timeoutS: 120,
      echo: false,
    });
    assert.equal(more.length, 0);
    assert.ok(run && run.tool === 'flame' && run.exitCode === 0);
    assert.ok(run.html.startsWith(dest) && existsSync(run.html), run.html);
    assert.ok(readFileSync(run.html, 'utf8').length > 10_000, 'the flame graph HTML is not empty');
  } finally {
    await rm(dest, { recursive: true, force: true });
  }
});

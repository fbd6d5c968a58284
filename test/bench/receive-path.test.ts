import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runReceivePathBench } from '../../bench/receive-path.ts';
import { parseReceivePathArgs } from '../../lab/commands/bench/receive-path.ts';
import { UsageError } from '../../lab/commands/common.ts';

const MiB = 1024 * 1024;

test('receive-path bench: every variant receives every byte, runs alternate, and the summary counts them', async () => {
  const report = await runReceivePathBench({ totalBytes: 4 * MiB + 3, runs: 2, variants: ['data-events', 256 * 1024], runTimeoutMs: 10_000 });
  assert.deepEqual(report.runs.map((r) => [r.variant, r.run]), [['data-events', 0], ['onread-256KiB', 0], ['data-events', 1], ['onread-256KiB', 1]]);
  for (const run of report.runs) {
    assert.ok(run.MBps > 0);
    // A reused buffer is filled up to its size; node's own reads are at most 64 KiB.
    assert.ok(run.bytesPerRead <= (run.variant === 'data-events' ? 64 * 1024 : 256 * 1024), `${run.variant}: ${run.bytesPerRead} bytes per read`);
  }
  assert.deepEqual(Object.keys(report.summary), ['data-events', 'onread-256KiB']);
  assert.equal(Object.values(report.summary['onread-256KiB']!.modes).reduce((a, b) => a + b, 0), 2);
});

test('receive-path flags: sizes and variants; bad ones are usage errors naming the flag', () => {
  const options = parseReceivePathArgs(['--bytes', '64MiB', '--runs', '3', '--reads', 'data-events,1MiB']);
  assert.equal(options?.totalBytes, 64 * MiB);
  assert.deepEqual(options?.variants, ['data-events', MiB]);
  assert.throws(() => parseReceivePathArgs(['--reads', 'big']), (err: Error) => err instanceof UsageError && /--reads/.test(err.message));
  assert.throws(() => parseReceivePathArgs(['--runs', '0']), (err: Error) => err instanceof UsageError && /--runs/.test(err.message));
});

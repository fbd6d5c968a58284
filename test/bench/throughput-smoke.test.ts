import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThroughputArgs, runThroughputBench } from '../../bench/throughput.ts';
import { throughputReportSchema } from '../../bench/throughput-schema.ts';

const MiB = 1024 * 1024;

test('throughput bench: 8 MiB per run, both protocols, delivered and SHA-256 verified, valid report', async () => {
  const totalBytes = 8 * MiB;
  const report = await runThroughputBench({ totalBytes, chunkSize: MiB, runs: 1, verify: 'sha256', runTimeoutMs: 10_000 });
  throughputReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.deepEqual(
    report.runs.map((r) => [r.protocol, r.run, r.warmup]),
    [
      ['raw-tcp', 0, true],
      ['asoc-v1', 0, true],
      ['raw-tcp', 1, false],
      ['asoc-v1', 1, false],
    ],
  );
  for (const run of report.runs) {
    assert.equal(run.verified, true, `${run.protocol} run ${run.run} not verified`);
    assert.equal(run.bytes, totalBytes);
    assert.ok(run.MBps > 0 && run.seconds > 0);
  }
  assert.equal(report.summary['asoc-v1']?.runs, 1);
  assert.equal(report.summary['raw-tcp']?.runs, 1);
  assert.equal(typeof report.ratios['asoc-v1/raw-tcp'], 'number');
  assert.equal(typeof report.target.met, 'boolean');
});

test('throughput bench flags: sizes, modes and protocol list; bad values are usage errors', () => {
  const options = parseThroughputArgs(['--bytes', '8MiB', '--chunk', '64k', '--runs', '2', '--verify', 'count', '--protocols', 'asoc-v1', '--timeout', '30', '--out', 'x']);
  assert.ok(options);
  assert.equal(options.totalBytes, 8 * MiB);
  assert.equal(options.chunkSize, 64 * 1024);
  assert.equal(options.runs, 2);
  assert.equal(options.verify, 'count');
  assert.deepEqual(options.protocols, ['asoc-v1']);
  assert.equal(options.runTimeoutMs, 30_000);
  assert.equal(options.out, 'x');
  assert.throws(() => parseThroughputArgs(['--verify', 'md5']), { name: 'UsageError' });
  assert.throws(() => parseThroughputArgs(['--runs', '0']), { name: 'UsageError' });
  assert.throws(() => parseThroughputArgs(['--frobnicate']), { name: 'UsageError' });
});

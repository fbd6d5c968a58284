import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runThroughputBench } from '../../bench/throughput.ts';
import { parseThroughputArgs } from '../../lab/commands/bench/throughput.ts';
import { throughputReportSchema } from '../../bench/throughput-schema.ts';

const MiB = 1024 * 1024;

test('throughput bench: 8 MiB per run, raw TCP and ASoc v1, delivered and SHA-256 verified, valid report with ratios and targets', async () => {
  const totalBytes = 8 * MiB;
  const report = await runThroughputBench({ protocols: ['asoc-v1'], totalBytes, chunkSize: MiB, runs: 1, verify: 'sha256', runTimeoutMs: 10_000, intervalMs: 50 });
  throughputReportSchema.parse(JSON.parse(JSON.stringify(report)));
  const warmupRound = [
    ['raw-tcp', 0, true],
    ['asoc-v1', 0, true],
  ];
  assert.equal(report.config.warmupRuns, 3);
  assert.deepEqual(report.runs.map((r) => [r.protocol, r.run, r.warmup]), [
    ...warmupRound,
    ...warmupRound,
    ...warmupRound,
    ['raw-tcp', 1, false],
    ['asoc-v1', 1, false],
  ]);
  for (const run of report.runs) {
    assert.equal(run.verified, true, `${run.protocol} run ${run.run} not verified`);
    assert.equal(run.bytes, totalBytes);
    assert.ok(run.MBps > 0 && run.seconds > 0);
    // The intervals partition the run and add up to what was delivered.
    assert.equal(run.intervals.reduce((sum, i) => sum + i.forwardBytes + i.reverseBytes, 0), totalBytes);
    assert.ok(Math.abs(run.intervals.at(-1)!.to - run.seconds) < 1e-9);
    // Each process's GC and page faults over the run; the server's come from the child.
    assert.ok(run.memory, `${run.protocol} run ${run.run}: no memory readings`);
    assert.ok(run.memory.server.minorPageFaults >= 0 && run.memory.client.gcMs >= 0);
  }
  if (process.platform === 'linux') {
    for (const run of report.runs) {
      // A CPU with no clock tick during the run (a run of a few ms) is left out of run.cpus.
      assert.ok(Array.isArray(run.cpus) && run.foreignCpus !== null, 'CPU accounting from /proc on Linux');
      // Pinned one-way runs name their bottleneck side (or say the two CPUs were too close to tell)
      // whenever /proc sampled both CPUs: a run of a few ms can fall between two clock ticks of a CPU.
      const pinning = report.config.pinning;
      const sampled = (cpu: number) => run.cpus!.some((share) => share.cpu === cpu);
      if (pinning && sampled(pinning.client) && sampled(pinning.server)) assert.notEqual(run.mode, 'unknown');
    }
  }
  assert.deepEqual(report.runs.find((r) => r.protocol === 'asoc-v1')!.setupBytes, [{ clientToServer: 50, serverToClient: 30 }]);
  assert.equal(report.summary['raw-tcp']?.ratioToRawTcp, 1);
  assert.equal(typeof report.ratios['asoc-v1/raw-tcp'], 'number');
  const target = report.targets.find((t) => t.name === 'asoc-v1 >= 90% of raw-tcp');
  assert.equal(typeof target?.met, 'boolean');
  assert.equal(report.targets.find((t) => t.denominator === 'grpc-stream')?.ratio, null, 'grpc-stream did not run');
});

test('throughput bench: reverse and bidirectional runs over parallel sessions, by duration', async () => {
  for (const direction of ['reverse', 'bidir'] as const) {
    const report = await runThroughputBench({ protocols: ['raw-tcp'], direction, parallel: 2, durationMs: 100, chunkSize: 64 * 1024, runs: 1, verify: 'sha256', runTimeoutMs: 10_000 });
    const run = report.runs.at(-1)!;
    const ways = direction === 'bidir' ? ['forward', 'forward', 'reverse', 'reverse'] : ['reverse', 'reverse'];
    assert.deepEqual(run.transfers.map((t) => t.way).sort(), ways);
    assert.ok(run.verified && run.transfers.every((t) => t.bytes > 0), `${direction}: ${JSON.stringify(run.transfers)}`);
    assert.equal(run.setupBytes.length, 2);
    if (direction === 'bidir') assert.equal(run.mode, 'unknown', 'with both sides sending there is no single bottleneck side to name');
  }
});

test('throughput bench flags: sizes, modes and protocol list; bad values are usage errors', () => {
  const options = parseThroughputArgs(['--bytes', '8MiB', '--chunk', '64KiB', '--runs', '2', '--verify', 'count', '--protocols', 'asoc-v1,grpc-stream', '--parallel', '3', '--bidir', '--timeout', '30', '--out', 'x']);
  assert.ok(options);
  assert.equal(options.totalBytes, 8 * MiB);
  assert.equal(options.chunkSize, 64 * 1024);
  assert.equal(options.runs, 2);
  assert.equal(options.verify, 'count');
  assert.deepEqual(options.protocols, ['asoc-v1', 'grpc-stream']);
  assert.equal(options.parallel, 3);
  assert.equal(options.direction, 'bidir');
  assert.equal(options.runTimeoutMs, 30_000);
  assert.equal(options.out, 'x');
  assert.equal(parseThroughputArgs(['--duration', '2.5'])?.durationMs, 2500);
  for (const bad of [['--verify', 'md5'], ['--runs', '0'], ['--frobnicate'], ['--protocols', 'carrier-pigeon'], ['--reverse', '--bidir'], ['--bytes', '1MiB', '--duration', '1'], ['--chunk', '8MiB']]) {
    assert.throws(() => parseThroughputArgs(bad), { name: 'UsageError' }, bad.join(' '));
  }
});

test('throughput bench: a protocol whose server cannot send is refused for reverse runs, before anything starts', async () => {
  await assert.rejects(runThroughputBench({ protocols: ['http1'], direction: 'reverse', totalBytes: MiB }), /http1: its server cannot send/);
});

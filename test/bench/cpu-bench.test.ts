import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuArgs, runCpuBench } from '../../bench/cpu.ts';
import { latencyReportSchema } from '../../bench/latency-schema.ts';

test('cpu bench: an offered rate in MB/s becomes an open loop at that many messages/s; CPU figures per process', async () => {
  const report = await runCpuBench({ protocols: ['raw-tcp', 'asoc-v1'], rateMBps: 20, messageBytes: 64 * 1024, maxSeconds: 0.5 });
  latencyReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.equal(report.kind, 'cpu');
  assert.ok(report.cores.logical >= 1 && report.cores.model.length > 0);
  for (const run of report.runs) {
    assert.equal(run.mode, 'open');
    assert.ok(run.intact);
    assert.ok(Math.abs(run.offeredPerSecond! - 20e6 / 65536) < 1e-9);
    // At 20 MB/s neither side is anywhere near a full core, and both did some work.
    assert.ok(run.cpu.clientPercent > 0 && run.cpu.clientPercent < 100, `client ${run.cpu.clientPercent} %`);
    assert.ok(run.cpu.serverPercent > 0 && run.cpu.serverPercent < 100, `server ${run.cpu.serverPercent} %`);
    assert.ok(run.messages >= 0.5 * 0.5 * (20e6 / 65536), `${run.protocol}: ${run.messages} messages`);
  }
});

test('cpu flags: rate, size and duration; bad sizes are usage errors', () => {
  assert.deepEqual(parseCpuArgs(['--rate-mbps', '100', '--size', '64KiB', '--duration', '3', '--protocols', 'asoc-v1']), {
    protocols: ['asoc-v1'],
    rateMBps: 100,
    messageBytes: 65536,
    maxSeconds: 3,
    pin: true,
  });
  assert.throws(() => parseCpuArgs(['--size', 'lots']), { name: 'UsageError' });
  assert.throws(() => parseCpuArgs(['--rate-mbps', '0']), { name: 'UsageError' });
});

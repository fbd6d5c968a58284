import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredRuns, runCpuBench } from '../../bench/cpu.ts';
import { parseCpuArgs } from '../../lab/commands/bench/cpu.ts';
import { cpuReportSchema } from '../../bench/cpu-schema.ts';

test('cpu bench: a paced one-way stream per protocol, raw TCP added, every byte counted, CPU per process per round', async () => {
  const report = await runCpuBench({ protocols: ['asoc-v1'], rateMBps: 20, chunkBytes: 64 * 1024, seconds: 0.3, rounds: 2, warmupRounds: 1 });
  cpuReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.deepEqual(report.config.protocols, ['raw-tcp', 'asoc-v1']);
  assert.equal(report.runs.length, 6, 'one warm-up and two measured rounds of two protocols');
  assert.ok(report.cores.logical >= 1 && report.cores.model.length > 0);
  for (const protocol of report.config.protocols) {
    assert.deepEqual(measuredRuns(report, protocol).map((r) => r.round), [1, 2]);
  }
  for (const run of report.runs) {
    const what = `${run.protocol} round ${run.round}`;
    assert.equal(run.plannedBytes, 20e6 * 0.3);
    assert.equal(run.deliveredBytes, run.sentBytes, `${what}: every byte sent was counted`);
    assert.equal(run.sentBytes, run.plannedBytes, `${what}: 20 MB/s is far below loopback, so the whole schedule was sent`);
    // Paced, not flat out: 6 MB at 20 MB/s takes about 0.3 s, never much less.
    assert.ok(run.seconds >= 0.25, `${what}: ${run.seconds} s`);
    assert.ok(run.cpu.clientPercent > 0 && run.cpu.clientPercent < 100, `${what}: sender ${run.cpu.clientPercent} %`);
    assert.ok(run.cpu.serverPercent > 0 && run.cpu.serverPercent < 100, `${what}: receiver ${run.cpu.serverPercent} %`);
  }
});

test('cpu flags: rate, chunk, duration, rounds; bad values are usage errors', () => {
  assert.deepEqual(parseCpuArgs(['--rate-mbps', '100', '--chunk', '64KiB', '--duration', '3', '--rounds', '7', '--protocols', 'asoc-v1']), {
    protocols: ['asoc-v1'],
    rateMBps: 100,
    chunkBytes: 65536,
    seconds: 3,
    rounds: 7,
    pin: true,
  });
  assert.throws(() => parseCpuArgs(['--chunk', 'lots']), { name: 'UsageError' });
  assert.throws(() => parseCpuArgs(['--rate-mbps', '0']), { name: 'UsageError' });
  assert.throws(() => parseCpuArgs(['--rounds', '0']), { name: 'UsageError' });
});

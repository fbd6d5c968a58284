import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedLoop, openLoop } from '../../bench/latency-loops.ts';
import { runLatencyBench } from '../../bench/latency.ts';
import { parseLatencyArgs } from '../../lab/commands/bench/latency.ts';
import { latencyReportSchema } from '../../bench/latency-schema.ts';
import type { ClientSession } from '../../src/baselines/types.ts';

test('latency bench: raw TCP and ASoc v1, 1 KiB and 64 KiB, closed and open loop; intact echoes, ordered percentiles, ratios', async () => {
  const report = await runLatencyBench({
    protocols: ['raw-tcp', 'asoc-v1'],
    sizes: [1024, 64 * 1024],
    maxSeconds: 0.3,
    maxMessages: 300,
    warmupMessages: 5,
    openRate: () => 300,
  });
  latencyReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.equal(report.runs.length, 8);
  for (const run of report.runs) {
    const l = run.latencyUs;
    const what = `${run.protocol} ${run.messageBytes} B ${run.mode}`;
    assert.ok(run.intact, `${what}: an echo differed from its message`);
    assert.ok(run.messages > 0, `${what}: no messages`);
    assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max * 1.001, `${what}: ${JSON.stringify(l)}`);
    assert.ok(run.cpu.clientSeconds > 0 && run.cpu.secondsPerGB > 0, `${what}: no CPU time`);
    if (run.mode === 'open') assert.ok(run.sendLagUs && run.fromSendUs && run.offeredPerSecond === 300);
  }
  assert.deepEqual(
    report.ratios.map((r) => [r.protocol, r.messageBytes, r.mode]),
    [
      ['asoc-v1', 1024, 'closed'],
      ['asoc-v1', 1024, 'open'],
      ['asoc-v1', 65536, 'closed'],
      ['asoc-v1', 65536, 'open'],
    ],
  );
  assert.ok(report.target && report.target.measured > 0 && report.target.met === report.target.measured <= 1.3);
});

test('latency bench: an open loop that cannot keep up stops at the in-flight byte cap instead of queueing without bound', async () => {
  // 64 KiB messages offered far faster than loopback echoes them, at most 4 messages' worth unanswered.
  const report = await runLatencyBench({ protocols: ['raw-tcp'], sizes: [64 * 1024], modes: ['open'], openRate: () => 1e6, maxInFlightBytes: 4 * 64 * 1024, maxSeconds: 0.5, warmupMessages: 1 });
  const [run] = report.runs;
  assert.ok(run && run.saturated, 'the run did not report saturation');
  assert.ok(run.intact && run.messages >= 4);
});

/** An echo session whose replies all wait while the "server" stalls from `from` to `until` ms after creation. */
function stallingSession(from: number, until: number): ClientSession {
  const start = performance.now();
  return {
    echo: (message) =>
      new Promise((resolve) => {
        const at = performance.now() - start;
        setTimeout(() => resolve(message), at >= from && at < until ? until - at : 0);
      }),
    send: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
}

test('open loop counts queueing a closed loop hides (coordinated omission): a 100 ms stall', async () => {
  const message = new Uint8Array(8);
  const slow = (h: { getValueAtPercentile(p: number): number }) => h.getValueAtPercentile(90);
  const closed = await closedLoop(stallingSession(100, 200), message, { maxMessages: 100_000, maxSeconds: 0.4 });
  const open = await openLoop(stallingSession(100, 200), message, { maxMessages: 400, maxSeconds: 0.4, rate: 1000, maxInFlight: 1000 });
  // Closed loop: one message waited through the stall, thousands did not; p90 stays small.
  assert.ok(slow(closed.histogram) < 20e6, `closed-loop p90 ${slow(closed.histogram) / 1e6} ms`);
  // Open loop: every message scheduled during the stall waited for its end: a quarter of the run.
  assert.ok(open.histogram.getValueAtPercentile(90) > 20e6, `open-loop p90 ${open.histogram.getValueAtPercentile(90) / 1e6} ms`);
  assert.ok(open.messages >= 300 && !open.saturated);
});

test('open loop stops as saturated past maxInFlight unanswered messages, and still answers for those sent', async () => {
  const slowEcho: ClientSession = {
    echo: (m) => new Promise((resolve) => setTimeout(() => resolve(m), 50)),
    send: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  };
  const result = await openLoop(slowEcho, new Uint8Array(4), { maxMessages: 10_000, maxSeconds: 2, rate: 2000, maxInFlight: 5 });
  assert.ok(result.saturated);
  assert.equal(result.messages, 5);
  assert.ok(result.seconds < 1);
});

test('latency flags: sizes, modes, protocols; mistakes are usage errors', () => {
  const options = parseLatencyArgs(['--protocols', 'raw-tcp,asoc-v1', '--sizes', '1KiB,1MiB', '--mode', 'open', '--rate', '50', '--messages', '10', '--duration', '2', '--no-pin']);
  assert.ok(options);
  assert.deepEqual(options.protocols, ['raw-tcp', 'asoc-v1']);
  assert.deepEqual(options.sizes, [1024, 1024 * 1024]);
  assert.deepEqual(options.modes, ['open']);
  assert.equal(options.openRate?.(1024), 50);
  assert.equal(options.pin, false);
  assert.throws(() => parseLatencyArgs(['--mode', 'sideways']), { name: 'UsageError' });
  assert.throws(() => parseLatencyArgs(['--sizes', 'big']), { name: 'UsageError' });
  assert.throws(() => parseLatencyArgs(['--protocols', 'smoke-signals']), { name: 'UsageError' });
});

test('latency bench in rounds: protocols interleaved in a rotated order, ratios to raw TCP of the same round', async () => {
  const report = await runLatencyBench({ protocols: ['raw-tcp', 'asoc-v1'], sizes: [1024], modes: ['closed'], rounds: 3, maxSeconds: 0.2, maxMessages: 50, warmupMessages: 2 });
  latencyReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.equal(report.config.rounds, 3);
  assert.deepEqual(
    report.runs.map((r) => `${r.round} ${r.protocol}`),
    ['1 raw-tcp', '1 asoc-v1', '2 asoc-v1', '2 raw-tcp', '3 raw-tcp', '3 asoc-v1'],
  );
  for (const ratio of report.ratios) {
    const run = (protocol: string) => report.runs.find((r) => r.protocol === protocol && r.round === ratio.round)!;
    assert.equal(ratio.p50, run('asoc-v1').latencyUs.p50 / run('raw-tcp').latencyUs.p50);
  }
  assert.deepEqual(report.ratios.map((r) => r.round), [1, 2, 3]);
});

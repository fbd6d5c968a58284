import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpReportSchema, runHttpBench } from '../../bench/http.ts';
import { parseHttpArgs } from '../../lab/commands/bench/http.ts';

test('http bench: autocannon POSTs against the http1 baseline; every answered body reached the server', async () => {
  const report = await runHttpBench({ sizes: [1024, 64 * 1024], maxSeconds: 1, maxRequests: 300 });
  httpReportSchema.parse(JSON.parse(JSON.stringify(report)));
  for (const run of report.runs) {
    assert.ok(run.ok > 0 && run.ok <= 300 + run.connections, `${run.chunkBytes} B: ${run.ok} answered`);
    assert.equal(run.non2xx, 0);
    assert.ok(run.intact, `${run.chunkBytes} B: the server counted ${run.serverReceivedBytes} bytes for ${run.ok} requests`);
    assert.ok(run.latencyMs.p50 <= run.latencyMs.p99 && run.latencyMs.p99 <= run.latencyMs.max);
    assert.ok(run.requestsPerSecond.mean > 0 && run.bodyMBps > 0);
  }
});

test('http flags: sizes, connections, bounds; bad values are usage errors', () => {
  assert.deepEqual(parseHttpArgs(['--sizes', '1KiB', '--connections', '4', '--duration', '2', '--requests', '50', '--no-pin']), {
    sizes: [1024],
    connections: 4,
    maxSeconds: 2,
    maxRequests: 50,
    pin: false,
  });
  assert.throws(() => parseHttpArgs(['--connections', '0']), { name: 'UsageError' });
  assert.throws(() => parseHttpArgs(['--sizes', 'x']), { name: 'UsageError' });
});

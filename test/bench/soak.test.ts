import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoakBench } from '../../bench/soak.ts';
import { parseSoakArgs } from '../../lab/commands/bench/soak.ts';

test('a short soak of asoc-hardened: every check passes, and every kind of peer took part', async () => {
  const report = await runSoakBench({ profiles: ['asoc-hardened'], seconds: 4, sampleEverySeconds: 2 });
  const [result] = report.results;
  assert.ok(result);
  assert.deepEqual(result.failures, []);
  assert.ok(result.samples.length >= 3 && result.samples.every((s) => s.heapUsedMiB > 0 && s.fds > 0), JSON.stringify(result.samples));
  for (const kind of ['toNode', 'streamsToNode', 'fromNode'] as const) assert.equal(result.sends[kind].delivered, result.sends[kind].started, kind);
  assert.ok(result.sends.toStoppedReaders.started >= 1);
  assert.deepEqual(result.sends.toStoppedReaders.rejected, { 'ConnectionClosedError (send-timeout)': result.sends.toStoppedReaders.started });
  assert.equal(result.bytes.receivedByNode, result.bytes.confirmedToNode);
  assert.ok(result.bytes.confirmedToNode > 0 && result.bytes.confirmedFromNode > 0);
  assert.ok(result.churn.handshakeCycles > 0 && result.churn.partialFrames > 0);
  assert.deepEqual(Object.keys(result.churn.refusedConnections).sort(), ['many tiny frames', 'not ASoc', 'oversized HELLO', 'silence', 'truncated header', 'wrong type']);
  assert.equal(result.node.peersDown['partial-frame-timeout'], result.churn.partialFrames);
});

test('bench soak flags: only the profiles a soak can run, positive durations', () => {
  assert.deepEqual(parseSoakArgs(['--profiles', 'asoc-hardened/encrypted', '--duration', '5']), { profiles: ['asoc-hardened/encrypted'], seconds: 5, sampleEverySeconds: 5 });
  assert.throws(() => parseSoakArgs(['--profiles', 'asoc-v1/reference']), { name: 'UsageError', message: /"asoc-v1\/reference" cannot be soaked/ });
  assert.throws(() => parseSoakArgs(['--duration', '0']), { name: 'UsageError', message: /--duration must be an integer from 1 to 86400/ });
});

/** Chunks passed round a ring of simulated nodes: one round, and a ring all-reduce against its bandwidth bound. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ringAllReduceBoundMs, ringAllReduceSteps, runRing } from '../../../sim/asoc/ring.ts';

test('one round: every node dials the next, and receives one chunk from the one before', () => {
  const result = runRing({ seed: 'ring', nodes: 6, chunkBytes: 10_000, steps: 1, deadlineMs: 10_000 });
  assert.equal(result.cluster.connectionCount(), 6);
  for (const node of result.cluster.nodes) {
    const counters = node.counters();
    assert.equal(counters.streamsReceived, 1, node.host.name);
    assert.equal(counters.payloadBytesIn, 10_000, node.host.name);
    assert.deepEqual(node.peers().map((p) => p.direction).sort(), ['inbound', 'outbound']);
  }
  assert.ok(result.stepsMs > 0);
});

test('a ring all-reduce takes 2(N − 1) steps of tensor / N, and no less time than the bandwidth bound', () => {
  const nodes = 4;
  const tensorBytes = 1 << 20;
  const { steps, chunkBytes } = ringAllReduceSteps(nodes, tensorBytes);
  assert.deepEqual({ steps, chunkBytes }, { steps: 6, chunkBytes: 1 << 18 });
  const result = runRing({ seed: 'all-reduce', nodes, chunkBytes, steps, deadlineMs: 60_000, link: { bandwidthBps: 1e9 } });
  for (const node of result.cluster.nodes) assert.equal(node.counters().payloadBytesIn, steps * chunkBytes, node.host.name);
  const boundMs = ringAllReduceBoundMs(nodes, tensorBytes, 1e9);
  assert.ok(Math.abs(boundMs - (1.5 * 8 * (1 << 20)) / 1e6) < 1e-9, `bound ${boundMs} ms`);
  assert.ok(result.stepsMs >= boundMs, `${result.stepsMs} ms against a bound of ${boundMs} ms`);
});

test('two nodes share one connection both ways; the same seed gives the same trace', () => {
  const run = () => runRing({ seed: 'pair', nodes: 2, chunkBytes: 5_000, steps: 2, deadlineMs: 10_000 });
  const a = run();
  assert.equal(a.cluster.connectionCount(), 1);
  for (const node of a.cluster.nodes) assert.equal(node.counters().payloadBytesIn, 10_000);
  assert.equal(a.cluster.sim.trace.digest(), run().cluster.sim.trace.digest());
});

test('a ring refuses fewer than 2 nodes, and chunks or steps that are not positive integers', () => {
  const ok = { seed: 1, nodes: 3, chunkBytes: 1, steps: 1, deadlineMs: 1_000 };
  assert.throws(() => runRing({ ...ok, nodes: 1 }), /at least 2 nodes/);
  assert.throws(() => runRing({ ...ok, chunkBytes: 0 }), /chunkBytes/);
  assert.throws(() => runRing({ ...ok, steps: 1.5 }), /steps/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkQueue } from '../../sim/tcp/chunk-queue.ts';
import { NewReno } from '../../sim/tcp/new-reno.ts';
import { Reassembly } from '../../sim/tcp/reassembly.ts';
import { RttEstimator } from '../../sim/tcp/rtt-estimator.ts';

const bytes = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from }, (_, i) => (from + i) & 0xff);
const joined = (parts: Uint8Array[]): number[] => parts.flatMap((p) => [...p]);

test('chunk queue: views inside a chunk, a copy only across chunks, release frees whole chunks', () => {
  const queue = new ChunkQueue(1);
  const first = bytes(0, 10);
  queue.append(first);
  queue.append(bytes(10, 25));
  assert.equal(queue.end, 26);
  const inside = queue.slice(3, 5);
  assert.equal(inside.buffer, first.buffer, 'a view, not a copy');
  assert.deepEqual([...queue.slice(8, 6)], [7, 8, 9, 10, 11, 12]);
  assert.deepEqual([...queue.view(8, 100)], [7, 8, 9], 'view stops at the chunk end');
  queue.release(12);
  assert.equal(queue.start, 12);
  assert.equal(queue.length, 14);
  assert.deepEqual([...queue.slice(12, 3)], [11, 12, 13]);
  assert.throws(() => queue.view(5, 1), RangeError);
});

test('reassembly: overlapping and duplicate segments fill only the gaps; data comes out in order', () => {
  const r = new Reassembly();
  r.insert(20, bytes(20, 30));
  r.insert(40, bytes(40, 50));
  r.insert(25, bytes(25, 45)); // overlaps both neighbours
  r.insert(20, bytes(20, 30)); // duplicate
  assert.deepEqual(r.takeFrom(10), [], 'a hole before 20');
  r.insert(15, bytes(15, 22));
  const out = r.takeFrom(15);
  assert.deepEqual(joined(out), [...bytes(15, 50)]);
  assert.ok(r.isEmpty, 'everything taken');
  r.insert(60, bytes(60, 70));
  assert.deepEqual(joined(r.takeFrom(65)), [...bytes(65, 70)], 'what is already delivered is skipped');
});

test('RTT estimator follows RFC 6298 and backs off exponentially up to the maximum', () => {
  const rtt = new RttEstimator(1000, 200, 60_000);
  assert.equal(rtt.rto, 1000);
  rtt.sample(100); // SRTT 100, RTTVAR 50 → 100 + 200 = 300
  assert.equal(rtt.rto, 300);
  rtt.sample(200); // RTTVAR 0.75·50 + 0.25·100 = 62.5; SRTT 112.5 → 112.5 + 250 = 362.5
  assert.equal(rtt.rto, 362.5);
  rtt.sample(10); // small samples never go below the minimum
  for (let i = 0; i < 50; i++) rtt.sample(10);
  assert.equal(rtt.rto, 200);
  for (let i = 0; i < 20; i++) rtt.backoff();
  assert.equal(rtt.rto, 60_000);
  rtt.sample(10);
  assert.equal(rtt.rto, 200, 'a new sample ends the backoff');
});

test('NewReno: slow start, congestion avoidance, fast recovery with partial ACKs, timeout', () => {
  const mss = 1000;
  const cc = new NewReno(mss, 10);
  assert.equal(cc.cwnd, 10_000);
  cc.onNewAck(1000, 1001, 9000);
  assert.equal(cc.cwnd, 11_000, 'slow start: one MSS per ACK');
  for (const action of ['none', 'none'] as const) assert.equal(cc.onDuplicateAck(1001, 20_000, 21_001), action);
  assert.equal(cc.onDuplicateAck(1001, 20_000, 21_001), 'fast-retransmit');
  assert.equal(cc.ssthresh, 10_000);
  assert.equal(cc.cwnd, 13_000);
  assert.equal(cc.onDuplicateAck(1001, 20_000, 21_001), 'inflate');
  assert.equal(cc.cwnd, 14_000);
  assert.equal(cc.onNewAck(5000, 6001, 15_000), true, 'a partial ACK asks for the next hole');
  assert.equal(cc.inRecovery, true);
  assert.equal(cc.onNewAck(15_000, 21_001, 0), false);
  assert.equal(cc.inRecovery, false);
  assert.equal(cc.cwnd, 1000, 'min(ssthresh, flight + MSS) with nothing in flight');
  for (let i = 0; i < 20; i++) cc.onNewAck(1000, 22_001 + i * 1000, 5000);
  // 9 ACKs of slow start reach ssthresh (10,000), 11 more add about MSS²/cwnd ≈ 95 each
  assert.ok(cc.cwnd > 11_000 && cc.cwnd < 11_100, `cwnd ${cc.cwnd}`);
  cc.onTimeout(8000, 50_000, true);
  assert.equal(cc.cwnd, 1000);
  assert.equal(cc.ssthresh, 4000);
  const afterTimeout = [1, 2, 3].map(() => cc.onDuplicateAck(40_000, 9000, 50_000));
  assert.deepEqual(afterTimeout, ['none', 'none', 'none'], 'no fast retransmit for data sent before the timeout');
});

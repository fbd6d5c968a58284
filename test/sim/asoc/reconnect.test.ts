import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCluster, generatedStreamSha256, type DialRecord, type PeerDown, type SimAsocNode, type StreamEnd, type Transfer } from '../../../sim/asoc/index.ts';

const MiB = 1024 * 1024;

/** Inclusive bounds of the retry delay after `failures` failures in a row (RFC-0001 §10.4: 1–5 s, doubling, capped at 60 s). */
function delayBounds(failures: number): [number, number] {
  const factor = 2 ** Math.max(0, failures - 1);
  return [Math.min(60_000, 1_000 * factor), Math.min(60_000, 5_000 * factor - 1)];
}

/** Equal up to floating-point rounding (times are sums of millisecond fractions). */
function assertAbout(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≠ ${expected}`);
}

test('a partition kills a busy connection by the 10 s send-stall timeout; the static peer redials with backoff and recovers after heal', () => {
  const cluster = buildCluster({ seed: 8, size: 2, topology: 'mesh', node: { hashStreams: true } });
  const [dialer, server] = cluster.nodes as [SimAsocNode, SimAsocNode];
  const { scheduler } = cluster.sim;
  const downs: (PeerDown & { at: number })[] = [];
  dialer.on('peer-down', (d) => downs.push({ ...d, at: scheduler.now }));
  const ends: StreamEnd[] = [];
  server.on('stream-end', (e) => ends.push(e));
  const serverDowns: { reason: string; at: number }[] = [];
  server.on('peer-down', (d) => serverDowns.push({ reason: d.reason, at: scheduler.now }));
  cluster.start();
  assert.ok(scheduler.runUntil(() => dialer.peers().length === 1));
  const key = dialer.peers()[0]!.key;
  let sendError: Error | null = null;
  dialer.send(key, 1024 * MiB, { onError: (err) => (sendError = err) });

  const partitionAt = 200;
  const healAt = 90_000;
  scheduler.runUntilTime(partitionAt);
  cluster.switch.partition([cluster.hosts[0]!], [cluster.hosts[1]!]);
  scheduler.runUntilTime(healAt);
  cluster.switch.heal();
  assert.ok(scheduler.runUntil(() => dialer.peers().length === 1, { maxTime: healAt + 120_000 }), 'reconnected after heal');
  const upAgainAt = scheduler.now;

  // What killed it: the core's send-stall timeout (§9.3), 10 s after delivery last made progress:
  // the last ACK from the server, one that had crossed the switch just before the partition and
  // arrived a link delay later (here at 200.04 ms).
  assert.equal(downs.length, 1);
  assert.equal(downs[0]!.reason, 'send-timeout');
  const stalledFrom = downs[0]!.at - 10_000;
  assert.ok(stalledFrom > partitionAt - 20 && stalledFrom <= partitionAt + 1, `died at ${downs[0]!.at} ms`);
  assert.match(String(sendError), /ConnectionClosedError: connection closed \(send-timeout\)/);

  // The dialer: not a failure (the connection had been established), then failures counting up, each
  // retry delay within the policy's bounds and each attempt exactly that long after its retry.
  const log: DialRecord[] = dialer.dialLog;
  assert.deepEqual(log.slice(0, 2).map((r) => r.type), ['attempt', 'disconnected']);
  assert.equal(log[1]!.at, downs[0]!.at);
  let failuresSeen = 0;
  for (let i = 2; i < log.length; i++) {
    const record = log[i]!;
    if (record.type === 'retry') {
      assert.equal(record.failures, failuresSeen);
      const [min, max] = delayBounds(record.failures);
      assert.ok(record.delayMs >= min && record.delayMs <= max, `delay ${record.delayMs} ms after ${record.failures} failures`);
      const next = log[i + 1]!;
      assert.equal(next.type, 'attempt');
      assertAbout(next.at, record.at + record.delayMs);
    } else if (record.type === 'failed') {
      failuresSeen++;
      assert.equal(record.failures, failuresSeen);
      assert.equal(record.reason, 'no connection within 5000 ms', 'SYNs lost in the partition: the 5 s connect timeout');
      const attempt = log[i - 1]!;
      assertAbout(record.at - attempt.at, 5_000);
    }
  }
  // 10.2 s + 1–5 s, then 5 s per attempt and delays 1–5, 1–5, 2–10, 4–20, 8–40 s … : 4 to 6 failures before 90 s.
  assert.ok(failuresSeen >= 4 && failuresSeen <= 6, `${failuresSeen} failed attempts during the partition`);
  const lastAttempt = log.filter((r) => r.type === 'attempt').at(-1)!;
  assert.ok(lastAttempt.at >= healAt && upAgainAt - lastAttempt.at < 1, 'the first attempt after the heal connects');

  let receipt = false;
  dialer.send(key, 3 * MiB, { onDone: () => (receipt = true) });
  assert.ok(scheduler.runUntil(() => receipt, { maxTime: upAgainAt + 5_000 }));
  assert.deepEqual(ends.at(-1), { peerKey: dialer.nodeIdHex, streamId: 1, bytes: 3 * MiB, frames: 3, sha256: generatedStreamSha256(3 * MiB, MiB) });
  // v1 has no keep-alive, and the server had nothing to send (the RST was lost in the partition), but
  // the partition cut a DATA frame in half: the server closed the old connection at the partial-frame
  // deadline, 30 s after its last byte, and holds only the new one.
  assert.deepEqual(serverDowns, [{ reason: 'partial-frame-timeout', at: serverDowns[0]!.at }]);
  assert.ok(serverDowns[0]!.at > partitionAt + 30_000 && serverDowns[0]!.at <= partitionAt + 30_001, `closed at ${serverDowns[0]!.at} ms`);
  assert.equal(server.connectionCount, 1);
});

test('stop(): an unconfirmed send is done once TCP has it, the close is graceful, and the node dials no more', () => {
  const cluster = buildCluster({ seed: 12, size: 2, topology: 'mesh', node: { hashStreams: true } });
  const [stopping, staying] = cluster.nodes as [SimAsocNode, SimAsocNode];
  const { scheduler } = cluster.sim;
  const downs: string[] = [];
  for (const node of cluster.nodes) node.on('peer-down', (d) => downs.push(`${node.host.name} ${d.peer.direction} ${d.reason}`));
  const ends: StreamEnd[] = [];
  staying.on('stream-end', (e) => ends.push(e));
  let written = false;
  let transfer: Transfer | null = null;
  stopping.on('peer-up', (peer) => (transfer = stopping.send(peer.key, 2 * MiB, { confirm: false, onDone: () => (written = true) })));
  cluster.start();
  assert.ok(scheduler.runUntil(() => written));
  const { receipt, finishedAt, startedAt } = transfer!;
  assert.deepEqual(receipt, { streamId: 1, bytes: 2 * MiB, frames: 2, confirmed: false, elapsedMs: finishedAt! - startedAt });
  assert.ok(finishedAt! - startedAt < 1, 'handed to TCP at once: the 4 MiB socket buffer takes it all');
  stopping.stop();
  scheduler.runUntilTime(scheduler.now + 120_000);

  // The bytes TCP held still arrive (END included), then FIN: the other side sees the transport close.
  assert.deepEqual(ends, [{ peerKey: stopping.nodeIdHex, streamId: 1, bytes: 2 * MiB, frames: 2, sha256: generatedStreamSha256(2 * MiB, MiB) }]);
  assert.deepEqual(downs, ['n0 outbound local', 'n1 inbound transport-closed']);
  assert.equal(staying.connectionCount, 0);
  assert.equal(stopping.counters().dialAttempts, 1, 'no redial after stop()');
  assert.equal(stopping.running, false);
});

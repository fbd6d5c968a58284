import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCluster, generatedStreamSha256, type SendReceipt, type StreamEnd, type StreamInfo } from '../../../sim/asoc/index.ts';

const MiB = 1024 * 1024;

/** Two nodes on a 1 Gbit/s switch; n0 dials n1 (a static peer) and streams `bytes` to it once connected. */
function streamOnce(seed: number, bytes: number) {
  const cluster = buildCluster({ seed, size: 2, topology: 'mesh', node: { hashStreams: true } });
  const [sender, receiver] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
  let arrived: StreamEnd | null = null;
  let receipt: SendReceipt | null = null;
  receiver.on('stream-end', (end) => (arrived = end));
  sender.on('peer-up', (peer) => {
    sender.transfer(peer.key, bytes, { onDone: (r) => (receipt = r), onError: (err) => assert.fail(err) });
  });
  cluster.start();
  assert.ok(cluster.sim.scheduler.runUntil(() => receipt !== null, { maxTime: 60_000 }), 'the receipt arrived');
  return { cluster, sender, receiver, arrived: arrived as StreamEnd | null, receipt: receipt as SendReceipt | null, digest: cluster.sim.trace.digest() };
}

test('two static peers handshake and stream 64 MiB that arrives intact; the trace hash depends on the seed only', () => {
  const first = streamOnce(1, 64 * MiB);
  const { sender, receiver } = first;
  for (const node of [sender, receiver]) {
    const counters = node.counters();
    assert.equal(counters.handshakes, 1);
    assert.equal(counters.handshakePayloadBytes, 52, 'HELLO 36 + ACCEPT 16 (claim P1)');
  }
  assert.deepEqual(first.arrived, {
    peerKey: sender.nodeIdHex,
    streamId: 1,
    bytes: 64 * MiB,
    frames: 64,
    sha256: generatedStreamSha256(64 * MiB, MiB),
  });
  assert.equal(first.receipt?.confirmed, true);
  assert.equal(first.receipt?.bytes, 64 * MiB);
  // 64 MiB over 1 Gbit/s takes at least 537 ms of virtual time; the framing and TCP cost a little more.
  assert.ok(first.receipt!.elapsedMs > 537 && first.receipt!.elapsedMs < 700, `took ${first.receipt!.elapsedMs} ms`);
  const out = sender.counters();
  assert.equal(out.payloadBytesOut, 64 * MiB);
  assert.equal(out.bytesOut, 14 + 36 + 64 * (MiB + 14) + 14, 'HELLO, 64 DATA frames, END, each with its 14-byte header');
  assert.equal(receiver.counters().payloadBytesIn, 64 * MiB);

  const again = streamOnce(1, 64 * MiB);
  assert.equal(again.digest, first.digest, 'same seed, same trace');
  assert.equal(again.receipt!.elapsedMs, first.receipt!.elapsedMs);
  const other = streamOnce(2, 64 * MiB);
  assert.notEqual(other.digest, first.digest, 'another seed, another trace (ISNs, challenges, tokens)');
  assert.equal(other.arrived?.sha256, first.arrived?.sha256);
});

test('streams run concurrently in both directions on one connection, each intact', () => {
  const cluster = buildCluster({ seed: 3, size: 2, topology: 'mesh', node: { hashStreams: true } });
  const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
  const log: string[] = [];
  const ends: StreamEnd[] = [];
  for (const [name, node] of [['a', a], ['b', b]] as const) {
    node.on('stream-opened', (s: StreamInfo) => log.push(`${name} opened ${s.streamId}`));
    node.on('stream-end', (end) => {
      log.push(`${name} end ${end.streamId}`);
      ends.push(end);
    });
  }
  const receipts: SendReceipt[] = [];
  const fail = (err: Error) => assert.fail(err);
  b.on('peer-up', (peer) => b.transfer(peer.key, 6 * MiB, { onDone: (r) => receipts.push(r), onError: fail }));
  a.on('peer-up', (peer) => {
    a.transfer(peer.key, 8 * MiB, { onDone: (r) => receipts.push(r), onError: fail });
    a.transfer(peer.key, 3 * MiB + 5, { chunkSize: 256 * 1024, onDone: (r) => receipts.push(r), onError: fail });
  });
  cluster.start();
  assert.ok(cluster.sim.scheduler.runUntil(() => receipts.length === 3, { maxTime: 10_000 }));

  assert.equal(a.peers().length, 1);
  assert.equal(b.peers().length, 1);
  assert.equal(a.connectionCount + b.connectionCount, 2, 'one connection, seen from both ends');
  // Client streams are odd, server streams even (RFC-0001 §5.3).
  assert.deepEqual(
    ends.map((e) => [e.streamId, e.bytes, e.frames, e.sha256]).sort((x, y) => Number(x[0]) - Number(y[0])),
    [
      [1, 8 * MiB, 8, generatedStreamSha256(8 * MiB, MiB)],
      [2, 6 * MiB, 6, generatedStreamSha256(6 * MiB, MiB)],
      [3, 3 * MiB + 5, 13, generatedStreamSha256(3 * MiB + 5, 256 * 1024)],
    ],
  );
  // Concurrent, not one after the other: a's two streams interleave at b, and both directions overlap.
  const at = (line: string) => log.indexOf(line);
  assert.ok(at('b opened 3') < at('b end 1'), log.join(', '));
  assert.ok(at('a opened 2') < at('b end 1') && at('b opened 1') < at('a end 2'), log.join(', '));
});

test('per-frame CPU costs are charged on the host CPU and pace the stream', () => {
  const run = (frameCosts: { sendPerFrameMs?: number; receivePerFrameMs?: number }) => {
    const cluster = buildCluster({ seed: 11, size: 2, topology: 'mesh', node: { frameCosts, hashStreams: true } });
    const [sender, receiver] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
    let receipt: SendReceipt | null = null;
    let sha = '';
    receiver.on('stream-end', (end) => (sha = end.sha256!));
    sender.on('peer-up', (peer) => sender.transfer(peer.key, 32 * MiB, { onDone: (r) => (receipt = r) }));
    cluster.start();
    assert.ok(cluster.sim.scheduler.runUntil(() => receipt !== null, { maxTime: 10_000 }));
    const [senderCpu, receiverCpu] = cluster.hosts.map((h) => h.cpu.busyMs) as [number, number];
    return { elapsed: (receipt as SendReceipt | null)!.elapsedMs, senderCpu, receiverCpu, sha };
  };
  const free = run({});
  const slowReceiver = run({ receivePerFrameMs: 20 });
  const slowSender = run({ sendPerFrameMs: 30 });
  for (const r of [slowReceiver, slowSender]) assert.equal(r.sha, generatedStreamSha256(32 * MiB, MiB));

  // The receiver decodes HELLO, 32 DATA frames and END: 34 × 20 ms on top of the per-packet costs.
  assert.ok(Math.abs(slowReceiver.receiverCpu - free.receiverCpu - 34 * 20) < 1, `receiver CPU ${slowReceiver.receiverCpu} ms`);
  // The sender queues 32 DATA frames and END through its CPU (HELLO is the core's own: not charged).
  assert.ok(Math.abs(slowSender.senderCpu - free.senderCpu - 33 * 30) < 1, `sender CPU ${slowSender.senderCpu} ms`);
  // Free: link-limited (32 MiB at 1 Gbit/s ≥ 268 ms). Costly: at least the CPU time, which now sets the pace.
  assert.ok(free.elapsed > 268 && free.elapsed < 400, `free: ${free.elapsed} ms`);
  assert.ok(slowReceiver.elapsed > 32 * 20, `receiver-bound: ${slowReceiver.elapsed} ms`);
  assert.ok(slowSender.elapsed > 33 * 30, `sender-bound: ${slowSender.elapsed} ms`);
});

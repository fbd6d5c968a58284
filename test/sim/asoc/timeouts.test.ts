import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLUSTER_API_KEY, SimAsocNode, buildCluster, type DialRecord, type StreamAborted } from '../../../sim/asoc/index.ts';
import { Simulation } from '../../../sim/index.ts';

const MiB = 1024 * 1024;

test('HELLO timeout: a listener that never answers is closed by the client after 10 s of virtual time', () => {
  const sim = new Simulation({ seed: 4 });
  const net = sim.addSwitch('switch');
  const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
  const silent = sim.addHost({ name: 'silent', address: '10.0.0.2' });
  net.attach(client);
  net.attach(silent);
  let heard = 0;
  const silentClosed: { at: number; reason: string }[] = [];
  silent.tcp.listen(9000, (socket) => {
    socket.onData = (bytes) => (heard += bytes.length);
    socket.onClose = (reason) => silentClosed.push({ at: sim.scheduler.now, reason });
  });
  const node = new SimAsocNode({ sim, host: client, community: 'lab', apiKey: CLUSTER_API_KEY, staticPeers: [{ address: '10.0.0.2', port: 9000 }] });
  node.start();
  const records = (): DialRecord[] => node.dialLog;
  assert.ok(sim.scheduler.runUntil(() => records().filter((r) => r.type === 'attempt').length === 2, { maxTime: 20_000 }));

  const [attempt, failed, retry, second] = records();
  assert.deepEqual(attempt, { type: 'attempt', peerKey: '10.0.0.2:9000', at: 0, attempt: 1 });
  assert.equal(failed?.type, 'failed');
  assert.match(failed.type === 'failed' ? failed.reason : '', /^handshake-timeout: no ACCEPT within 10000 ms/);
  // The TCP handshake takes one round trip (~0.2 ms here); the HELLO→ACCEPT clock starts when it completes.
  assert.ok(failed.at > 10_000 && failed.at < 10_001, `closed at ${failed.at} ms`);
  assert.equal(heard, 14 + 36, 'the silent side got one HELLO frame');
  assert.equal(silentClosed.length, 1);
  assert.equal(silentClosed[0]!.reason, 'reset', 'closed at once (RST), no error frame');
  assert.ok(silentClosed[0]!.at - failed.at < 1);
  assert.equal(retry?.type, 'retry');
  const delay = retry.type === 'retry' ? retry.delayMs : NaN;
  assert.ok(delay >= 1_000 && delay < 5_000, `first retry after ${delay} ms (1–5 s)`);
  assert.equal(second?.at, failed.at + delay);
  assert.equal(node.counters().handshakes, 0);
  assert.deepEqual(node.counters().connectionsClosed, { 'handshake-timeout': 1 });
});

test('a skewed clock does not stall the HELLO timeout (deadline → virtual time → local clock rounds short)', () => {
  // A skew for which local deadline − skew + skew lands one rounding error below the deadline.
  const sim = new Simulation({ seed: 7, defaultEventBudget: 100_000 });
  const net = sim.addSwitch('switch');
  const client = sim.addHost({ name: 'client', address: '10.0.0.1', clockSkewMs: 1000 / 3 + 7 * 0.0137 });
  const silent = sim.addHost({ name: 'silent', address: '10.0.0.2' });
  net.attach(client);
  net.attach(silent);
  silent.tcp.listen(9000, (socket) => (socket.onData = () => {}));
  const node = new SimAsocNode({ sim, host: client, community: 'lab', apiKey: CLUSTER_API_KEY, staticPeers: [{ address: '10.0.0.2', port: 9000 }] });
  node.start();
  sim.scheduler.runUntilTime(10_100); // threw EventBudgetExceeded at 10,000.2 ms before the fix
  assert.deepEqual(node.counters().connectionsClosed, { 'handshake-timeout': 1 });
});

test('stream idle timeout: a stream with no frame for 30 s is dropped by the receiver, the connection stays', () => {
  const cluster = buildCluster({ seed: 5, size: 2, topology: 'mesh' });
  const [sender, receiver] = cluster.nodes as [SimAsocNode, SimAsocNode];
  const { scheduler } = cluster.sim;
  const aborted: (StreamAborted & { at: number })[] = [];
  receiver.on('stream-aborted', (a) => aborted.push({ ...a, at: scheduler.now }));
  let opened = false;
  receiver.on('stream-opened', () => (opened = true));
  cluster.start();
  assert.ok(scheduler.runUntil(() => sender.peers().length === 1));
  const transfer = sender.transfer(sender.peers()[0]!.key, 64 * MiB, { onError: () => {} });
  assert.ok(scheduler.runUntil(() => opened));
  transfer.pause(); // the sender stops feeding the stream; what it queued still goes out
  const queued = transfer.bytesQueued;
  assert.ok(queued > 0 && queued < 64 * MiB);
  assert.ok(scheduler.runUntil(() => receiver.counters().payloadBytesIn === queued));
  const lastData = scheduler.now;
  assert.ok(scheduler.runUntil(() => aborted.length > 0, { maxTime: lastData + 60_000 }));

  assert.deepEqual(aborted, [{ peerKey: sender.nodeIdHex, streamId: 1, bytes: queued, reason: 'stream-idle-timeout', at: lastData + 30_000 }]);
  assert.equal(receiver.peers().length, 1, 'v1 drops the stream, not the connection');
  assert.equal(sender.peers().length, 1);
  assert.equal(transfer.state, 'sending');
});

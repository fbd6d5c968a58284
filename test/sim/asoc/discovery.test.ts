import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCluster, CLUSTER_API_KEY, CLUSTER_COMMUNITY, SimAsocNode } from '../../../sim/asoc/index.ts';
import { Protocol } from '../../../sim/index.ts';

test('discovery on one switch: 5 nodes find each other and form exactly one connection per pair, dialed by the smaller id', () => {
  const cluster = buildCluster({ seed: 9, size: 5, topology: 'discovery' });
  cluster.start();
  assert.ok(cluster.sim.scheduler.runUntil(() => cluster.connectionCount() === 10, { maxTime: 1_000 }));
  const connectedAt = cluster.sim.scheduler.now;
  assert.ok(connectedAt < 5, `all pairs up after ${connectedAt} ms: the first announcements go out at start`);
  cluster.sim.scheduler.runUntilTime(20_000); // more announcements: refreshes, no new connections

  assert.equal(cluster.connectionCount(), 10);
  for (const node of cluster.nodes) {
    const others = cluster.nodes.filter((n) => n !== node).map((n) => n.nodeIdHex).sort();
    assert.deepEqual(node.peers().map((p) => p.nodeId).sort(), others, `${node.host.name} is connected to every other node once`);
    assert.equal(node.connectionCount, 4);
    for (const peer of node.peers()) {
      assert.equal(peer.direction === 'outbound', node.nodeIdHex < peer.nodeId!, 'the smaller node id dials');
    }
    const counters = node.discoveryCounters!;
    assert.equal(counters.discovered, 4);
    assert.equal(counters.announced, 7, 'announcements at 0, 3, … 18 s');
    assert.equal(counters.refreshed, 4 * 6);
    assert.equal(counters.lost, 0);
    assert.equal(counters.received, counters.discovered + counters.refreshed);
  }
});

test('a discovered peer that cannot be reached is given up after 3 failures and not dialed again', () => {
  const cluster = buildCluster({ seed: 10, size: 2, topology: 'discovery' });
  const [dialing, unreachable] = [...cluster.nodes].sort((x, y) => (x.nodeIdHex < y.nodeIdHex ? -1 : 1)) as [SimAsocNode, SimAsocNode];
  // TCP towards the dialed node is lost; its announcements still get through.
  cluster.switch.port(unreachable.host).downlink.addRule((packet) => (packet.protocol === Protocol.TCP ? 'drop' : 'pass'));
  cluster.start();
  cluster.sim.scheduler.runUntilTime(120_000);

  const log = dialing.dialLog;
  assert.deepEqual(
    log.map((r) => r.type),
    ['attempt', 'failed', 'retry', 'attempt', 'failed', 'retry', 'attempt', 'failed', 'given-up'],
  );
  assert.ok(log.every((r) => r.peerKey === unreachable.nodeIdHex));
  for (const r of log) if (r.type === 'failed') assert.equal(r.reason, 'no connection within 5000 ms');
  const delays = log.flatMap((r) => (r.type === 'retry' ? [r.delayMs] : []));
  assert.ok(delays[0]! >= 1_000 && delays[0]! < 5_000, `delay after one failure: ${delays[0]} ms (1–5 s)`);
  assert.ok(delays[1]! >= 2_000 && delays[1]! < 10_000, `delay after two failures: ${delays[1]} ms (2–10 s)`);
  assert.equal(log.at(-1)!.at, log[0]!.at + 15_000 + delays[0]! + delays[1]!, 'three 5 s connect timeouts and two delays');
  // Still announced (refreshed every 3 s), never dialed again; the reverse direction never dials.
  assert.equal(dialing.discoveryCounters!.lost, 0);
  assert.equal(dialing.counters().dialAttempts, 3);
  assert.equal(unreachable.counters().dialAttempts, 0);
  assert.equal(cluster.connectionCount(), 0);
});

test('a given-up peer that comes back from another address is dialed again', () => {
  const cluster = buildCluster({ seed: 10, size: 2, topology: 'discovery' });
  const [dialing, unreachable] = [...cluster.nodes].sort((x, y) => (x.nodeIdHex < y.nodeIdHex ? -1 : 1)) as [SimAsocNode, SimAsocNode];
  const removeRule = cluster.switch.port(unreachable.host).downlink.addRule((packet) => (packet.protocol === Protocol.TCP ? 'drop' : 'pass'));
  cluster.start();
  cluster.sim.scheduler.runUntilTime(60_000);
  assert.equal(dialing.dialLog.at(-1)!.type, 'given-up');
  // The same node (same id) moves to a new host on the switch, port 9100.
  unreachable.stop();
  removeRule();
  const newHost = cluster.sim.addHost({ name: 'moved', address: '10.0.0.200' });
  cluster.switch.attach(newHost);
  const moved = new SimAsocNode({ sim: cluster.sim, host: newHost, community: CLUSTER_COMMUNITY, apiKey: CLUSTER_API_KEY, nodeId: unreachable.nodeId, port: 9100, discovery: {} });
  moved.start();
  cluster.sim.scheduler.runUntilTime(80_000);
  assert.deepEqual(
    dialing.peers().map((p) => [p.nodeId, p.address, p.port]),
    [[unreachable.nodeIdHex, '10.0.0.200', 9100]],
  );
});

test('a discovery cluster with staggered boots replays exactly from its seed', () => {
  const digest = (seed: number) => {
    const cluster = buildCluster({ seed, size: 6, topology: 'discovery', startWithinMs: 3_000 });
    cluster.start();
    cluster.sim.scheduler.runUntilTime(10_000);
    assert.equal(cluster.connectionCount(), 15);
    return cluster.sim.trace.digest();
  };
  assert.equal(digest(13), digest(13));
  assert.notEqual(digest(13), digest(14));
});

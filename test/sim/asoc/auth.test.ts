import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCluster, clusterAddress, type SimAsocNode } from '../../../sim/asoc/index.ts';
import { Protocol, TcpFlag, parseAddress, type TraceEntry } from '../../../sim/index.ts';

const WRONG_KEY = new TextEncoder().encode('not the cluster key');

/** TCP segments with payload that `address` put on the wire. */
function payloadSegmentsFrom(entries: readonly TraceEntry[], address: string): number {
  const src = parseAddress(address);
  return entries.filter((e) => e.kind === 'send' && e.packet.protocol === Protocol.TCP && e.packet.src === src && e.packet.payload.length > 0).length;
}

test('a node with the wrong key never joins: bad HELLOs are closed without a byte, the fifth locks its address out', () => {
  // n0 (wrong key) dials n1 forever.
  const cluster = buildCluster({ seed: 6, size: 2, topology: 'mesh', trace: { record: true }, node: (i) => (i === 0 ? { apiKey: WRONG_KEY } : {}) });
  const [intruder, server] = cluster.nodes as [SimAsocNode, SimAsocNode];
  const seen: string[] = [];
  for (const node of cluster.nodes) node.on('peer-up', () => seen.push(`${node.host.name} peer-up`));
  server.on('auth-failed', (f) => seen.push(`auth-failed ${f.address} ${f.reason} ${f.direction}`));
  server.on('refused', (r) => seen.push(`refused ${r.address} ${r.reason}`));
  cluster.start();
  cluster.sim.scheduler.runUntilTime(300_000);

  const failure = `auth-failed ${clusterAddress(0)} bad-signature inbound`;
  const attempts = intruder.counters().dialAttempts;
  assert.ok(attempts >= 6, `${attempts} attempts`);
  assert.deepEqual(seen.slice(0, 6), [failure, failure, failure, failure, failure, `refused ${clusterAddress(0)} locked-out`]);
  assert.equal(seen.length, attempts, 'every attempt ended in an auth failure or a refusal; nobody came up');
  assert.deepEqual(server.admissionCounters, {
    admitted: 5,
    refused: { 'too-many-connections': 0, 'locked-out': attempts - 5, 'too-many-handshakes': 0 },
    authFailures: 5,
    sparedKnownPeerFailures: 0,
    silentEvicted: 0,
    lockouts: 1,
    evictions: 0,
  });
  const out = server.counters();
  assert.equal(out.bytesOut, 0, 'no ACCEPT, no error frame');
  assert.equal(out.handshakes, 0);
  assert.equal(payloadSegmentsFrom(cluster.sim.trace.entries, clusterAddress(1)), 0, 'the trace shows no payload byte from the server');
  assert.equal(out.bytesIn, 5 * (14 + 36), 'it read the five HELLOs and nothing else');
  // The intruder backs off: its failures count up (no connection was ever established).
  const failures = intruder.dialLog.filter((r) => r.type === 'failed').map((r) => (r.type === 'failed' ? r.failures : 0));
  assert.deepEqual(failures, Array.from({ length: failures.length }, (_, i) => i + 1));
});

test('discovery: announcements signed with the wrong key are dropped, so the intruder is neither found nor finds anyone', () => {
  const cluster = buildCluster({ seed: 7, size: 3, topology: 'discovery', trace: { record: true }, node: (i) => (i === 2 ? { apiKey: WRONG_KEY } : {}) });
  const [a, b, intruder] = cluster.nodes as [SimAsocNode, SimAsocNode, SimAsocNode];
  cluster.start();
  cluster.sim.scheduler.runUntilTime(10_000); // announcements at 0, 3, 6 and 9 s

  assert.equal(cluster.connectionCount(), 1);
  assert.deepEqual(a.peers().map((p) => p.nodeId), [b.nodeIdHex]);
  assert.equal(intruder.peers().length, 0);
  for (const node of [a, b]) {
    assert.equal(node.discoveryCounters!.rejected['bad-signature'], 4, 'four announcements of the intruder');
    assert.equal(node.discoveryCounters!.discovered, 1);
  }
  assert.equal(intruder.discoveryCounters!.rejected['bad-signature'], 8);
  assert.equal(intruder.discoveryCounters!.discovered, 0);
  const intruderSyns = cluster.sim.trace.entries.filter(
    (e) => e.kind === 'send' && e.packet.protocol === Protocol.TCP && e.packet.src === parseAddress(clusterAddress(2)) && e.packet.has(TcpFlag.SYN),
  );
  assert.equal(intruderSyns.length, 0, 'the intruder never dials');
});

/**
 * The scale scenario at 500 nodes (asoc-lab bench sim-scale runs it at 100 and 1,000 nodes; 500 keeps
 * the suite fast). Every node must know every other, each node
 * dials min(10, number of larger ids) peers, and no pair is connected twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedScaleConnections, runScale } from '../../../sim/asoc/scale.ts';

test('500 nodes discover each other on one switch and each dials up to 10 of them, one connection per pair', () => {
  const nodes = 500;
  const result = runScale({ seed: 'scale-test', nodes, maxDialedPeers: 10, deadlineMs: 30_000 });
  assert.equal(result.expectedConnections, 490 * 10 + 45);
  assert.equal(result.expectedConnections, expectedScaleConnections(nodes, 10));
  assert.deepEqual(result.discoveredPeers, { min: nodes - 1, max: nodes - 1 });
  assert.ok(result.allConnectedAtMs < 4_000 + 50, `all up at ${result.allConnectedAtMs} ms: 1 s of boots plus one 3 s interval`);

  const ranked = [...result.cluster.nodes].sort((a, b) => (a.nodeIdHex < b.nodeIdHex ? -1 : 1));
  const pairs = new Set<string>();
  ranked.forEach((node, rank) => {
    const outbound = node.peers().filter((p) => p.direction === 'outbound');
    assert.equal(outbound.length, Math.min(10, nodes - 1 - rank), `${node.host.name} (rank ${rank}) dialed`);
    for (const peer of outbound) {
      assert.ok(node.nodeIdHex < peer.nodeId!, 'only the smaller id dials');
      const pair = `${node.nodeIdHex}-${peer.nodeId}`;
      assert.ok(!pairs.has(pair));
      pairs.add(pair);
    }
    assert.equal(node.connectionCount, node.peers().length, 'every connection is established and distinct');
    assert.ok(node.connectionCount >= 10);
    assert.equal(node.admissionCounters.refused['too-many-connections'], 0);
  });
  assert.equal(pairs.size, result.expectedConnections);
  assert.equal(result.connectionsPerNode.min, 10);
  // Each announcement is checked by every other node: at least one per node pair.
  assert.ok(result.discoveryHmacs >= nodes * (nodes - 1));
});

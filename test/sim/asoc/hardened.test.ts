import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_V1 } from '../../../src/core/profile.ts';
import { buildCluster, generatedStreamSha256 } from '../../../sim/asoc/index.ts';

for (const profile of [ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED]) {
  test(`${profile.name} in the simulator: 4 nodes discover each other, connect once per pair, and a 4 MiB stream arrives intact`, () => {
    const cluster = buildCluster({ seed: 21, size: 4, topology: 'discovery', node: { profile, hashStreams: true } });
    cluster.start();
    assert.ok(cluster.sim.scheduler.runUntil(() => cluster.nodes.every((n) => n.peers().length === 3), { maxTime: 2_000 }), 'every node has the 3 others as peers');
    assert.equal(cluster.connectionCount(), 6, 'one connection per pair');
    const [a, b] = cluster.nodes;
    const ends: { bytes: number; sha256?: string }[] = [];
    b!.on('stream-end', (end) => ends.push(end));
    const peer = a!.peers().find((p) => p.nodeId === b!.nodeIdHex)!;
    a!.transfer(peer.key, 4 * 1024 * 1024);
    cluster.sim.scheduler.runUntil(() => ends.length === 1, { maxTime: 10_000 });
    assert.deepEqual(ends.map((e) => e.bytes), [4 * 1024 * 1024]);
    assert.equal(ends[0]!.sha256, generatedStreamSha256(4 * 1024 * 1024, 2 ** 20));
    for (const node of cluster.nodes) assert.equal(node.discoveryCounters!.rejected['other-community'], 0);
  });
}

test('v1 and hardened nodes on one broadcast domain never take each other\'s announcements (other-community)', () => {
  const cluster = buildCluster({ seed: 22, size: 4, topology: 'discovery', node: (i) => ({ profile: i % 2 === 0 ? ASOC_V1 : ASOC_HARDENED }) });
  cluster.start();
  cluster.sim.scheduler.runUntilTime(10_000);
  for (const [i, node] of cluster.nodes.entries()) {
    const sameProfile = cluster.nodes.filter((_, j) => j !== i && j % 2 === i % 2).map((n) => n.nodeIdHex);
    assert.deepEqual(node.peers().map((p) => p.nodeId), sameProfile, `${node.host.name} is connected only to its own profile`);
    assert.ok(node.discoveryCounters!.rejected['other-community'] > 0);
  }
});

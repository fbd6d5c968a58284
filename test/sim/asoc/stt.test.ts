/**
 * The stt profile on the simulator's driver, with nothing in the simulator told about it: the
 * registry gives the connection its handshake and frame protection (the real-socket driver runs
 * the same profile in test/net/stt.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STT, SUBDUCTION, type AsocProfile } from '../../../src/core/profile.ts';
import type { SttSecurity } from '../../../src/core/stt-handshake.ts';
import { buildCluster, clusterAddress, generatedStreamSha256 } from '../../../sim/asoc/index.ts';

/** Keys rotating every 256 KiB, so a 4 MiB stream crosses many rotations. */
const ROTATING: AsocProfile = { ...STT, security: { ...(STT.security as SttSecurity), rotation: { bytes: 256 * 1024, messages: 10_000, ms: 3_600_000 } } };
const MiB = 1024 * 1024;

for (const profile of [STT, ROTATING]) {
  test(`stt in the simulator${profile === ROTATING ? ', keys rotating every 256 KiB' : ''}: 4 nodes discover each other, connect once per pair, and 4 MiB streams both ways arrive intact`, () => {
    const cluster = buildCluster({ seed: 31, size: 4, topology: 'discovery', node: { profile, hashStreams: true } });
    cluster.start();
    assert.ok(cluster.sim.scheduler.runUntil(() => cluster.nodes.every((n) => n.peers().length === 3), { maxTime: 2_000 }), 'every node has the 3 others as peers');
    assert.equal(cluster.connectionCount(), 6, 'one connection per pair');
    const [a, b] = cluster.nodes;
    const ends: { at: string; bytes: number; sha256?: string }[] = [];
    b!.on('stream-end', (end) => ends.push({ at: 'b', ...end }));
    a!.on('stream-end', (end) => ends.push({ at: 'a', ...end }));
    a!.transfer(a!.peers().find((p) => p.address === clusterAddress(1))!.key, 4 * MiB);
    b!.transfer(b!.peers().find((p) => p.address === clusterAddress(0))!.key, 3 * MiB);
    cluster.sim.scheduler.runUntil(() => ends.length === 2, { maxTime: 20_000 });
    assert.deepEqual(ends.map((e) => [e.at, e.bytes]).sort(), [['a', 3 * MiB], ['b', 4 * MiB]]);
    for (const end of ends) assert.equal(end.sha256, generatedStreamSha256(end.bytes, 2 ** 20));
    for (const node of cluster.nodes) assert.equal(node.discoveryCounters!.rejected['other-community'], 0);
  });
}

test('subduction in the simulator: 4 nodes discover each other by their 16-byte node ids and connect once per pair', () => {
  // A discovered peer's node id is not a subduction audience: the dial asks for the service (Discover) instead of failing.
  const cluster = buildCluster({ seed: 31, size: 4, topology: 'discovery', node: { profile: SUBDUCTION } });
  cluster.start();
  assert.ok(cluster.sim.scheduler.runUntil(() => cluster.nodes.every((n) => n.peers().length === 3), { maxTime: 2_000 }), 'every node has the 3 others as peers');
  assert.equal(cluster.connectionCount(), 6, 'one connection per pair');
});

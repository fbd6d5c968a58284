import assert from 'node:assert/strict';
import { test } from 'node:test';
import wrongPeer from '../../../attacks/simulated/wrong-peer.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('wrong peer (v1): C\'s connection for A is re-routed to B, established, and C\'s tensor lands on B', () => {
  const out = runAttack(wrongPeer, 'asoc-v1', { dial: 'discovered', observeMs: 5_000 });
  assert.equal(observedVerdict(out, 'H1'), 'FAILS');
  assert.ok(out.counts.reroutedPackets! > 0);
  assert.deepEqual([out.counts.cListedA, out.counts.bSessionsWithC, out.counts.bytesDeliveredToB, out.counts.bytesDeliveredToA], [1, 1, 65_536, 0]);
});

for (const dial of ['discovered', 'pinned'] as const) {
  test(`wrong peer (hardened, ${dial}): B cannot verify a HELLO meant for A, so nothing of C reaches B`, () => {
    const out = runAttack(wrongPeer, 'asoc-hardened', { dial, observeMs: 5_000 });
    assert.equal(observedVerdict(out, 'H1'), 'HOLDS');
    assert.ok(out.counts.reroutedPackets! > 0, 'the attack happened');
    assert.deepEqual([out.counts.cListedA, out.counts.bSessionsWithC, out.counts.bytesDeliveredToB], [0, 0, 0]);
    assert.ok(out.counts.bClosedRerouted! >= 1);
  });
}

test('wrong peer: a v1 node refuses to pin a static peer (its handshake cannot tell which node answered)', () => {
  assert.throws(() => runAttack(wrongPeer, 'asoc-v1', { dial: 'pinned' }), /profile asoc-v1 cannot pin a peer to a node id/);
});

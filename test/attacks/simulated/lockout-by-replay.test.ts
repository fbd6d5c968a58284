import assert from 'node:assert/strict';
import { test } from 'node:test';
import lockoutByReplay from '../../../attacks/simulated/lockout-by-replay.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('lockout by replay (v1): each copy sent first spends the challenge, the client\'s own HELLO is charged, and five lock it out', () => {
  const out = runAttack(lockoutByReplay, 'asoc-v1', {});
  assert.equal(observedVerdict(out, 'H2'), 'FAILS');
  assert.equal(out.counts.helloReplayedFirst, 5);
  assert.equal(out.counts.clientConnectionsClosed, 5);
  assert.equal(out.counts.lockouts, 1);
  assert.ok(out.counts.clientRefusedLockedOut! > 0);
  assert.equal(out.counts.clientEstablished, 0);
});

test('lockout by replay (hardened): the copy is answered but records nothing; the client\'s own HELLO completes at once, nothing is charged', () => {
  const out = runAttack(lockoutByReplay, 'asoc-hardened', {});
  assert.equal(observedVerdict(out, 'H2'), 'HOLDS');
  assert.deepEqual([out.counts.helloReplayedFirst, out.counts.attackerAnswered], [1, 1], 'the attack happened, once: the client was in at the first try');
  assert.deepEqual([out.counts.clientConnectionsClosed, out.counts.lockouts, out.counts.clientRefusedLockedOut], [0, 0, 0]);
  assert.ok(out.figures.clientEstablishedAtMs! < 1_000);
});

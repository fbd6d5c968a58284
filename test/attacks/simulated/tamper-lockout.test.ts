import assert from 'node:assert/strict';
import { test } from 'node:test';
import tamperLockout from '../../../attacks/simulated/tamper-lockout.ts';
import { ASOC_HARDENED } from '../../../src/core/profile.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

const SHORT = { attackMs: 10_000, servedWithinMs: 3_000, observeMs: 15_000 };

test('tamper lockout (v1): every tampered HELLO is charged to the client; five lock it out past the attack', () => {
  const out = runAttack(tamperLockout, 'asoc-v1', SHORT);
  assert.equal(observedVerdict(out, 'H8'), 'FAILS');
  assert.equal(out.counts.chargedFailures, 5, 'the probes at 1 … 5 s');
  assert.equal(out.counts.lockouts, 1);
  assert.equal(out.counts.clientRefusedLockedOut, out.counts.probes! - 5, 'every later probe, during the attack and after it, refused unread');
  assert.equal(out.figures.firstServedAfterAttackMs, -1);
});

test('tamper lockout (hardened): a known peer\'s tampered HELLOs are closed but spared; it is served as soon as the attacker stops', () => {
  const out = runAttack(tamperLockout, 'asoc-hardened', SHORT);
  assert.equal(observedVerdict(out, 'H8'), 'HOLDS');
  assert.equal(out.counts.hellosTampered, 9, 'every probe from 1 to 9 s was tampered with and reached the server');
  assert.equal(out.counts.clientClosedBeforeHandshake, 9);
  assert.deepEqual([out.counts.chargedFailures, out.counts.sparedKnownPeerFailures, out.counts.lockouts, out.counts.clientRefusedLockedOut], [0, 9, 0, 0]);
  assert.ok(out.figures.firstServedAfterAttackMs! >= 0 && out.figures.firstServedAfterAttackMs! < 1_000);
});

test('tamper lockout (hardened, as before the fix): without sparing known peers the wrong MACs lock the client out', () => {
  const before = { ...ASOC_HARDENED, admission: { ...ASOC_HARDENED.admission, spareKnownPeers: false } };
  const out = tamperLockout.run({ profile: before, seed: 1, params: tamperLockout.params.parse(SHORT) });
  assert.equal(observedVerdict(out, 'H8'), 'FAILS');
  assert.deepEqual([out.counts.chargedFailures, out.counts.lockouts], [5, 1]);
});

test('tamper lockout (hardened): a client the server has never seen is still charged, and locked out (what H8 does not cover)', () => {
  const out = runAttack(tamperLockout, 'asoc-hardened', { ...SHORT, clientKnown: false });
  assert.equal(observedVerdict(out, 'H8'), 'FAILS');
  assert.deepEqual([out.counts.sparedKnownPeerFailures, out.counts.lockouts], [0, 1]);
});

test('tamper lockout (reference): nothing is ever charged, the client is served once the attacker stops', () => {
  const out = runAttack(tamperLockout, 'asoc-v1/reference', SHORT);
  assert.equal(observedVerdict(out, 'H8'), 'HOLDS');
  assert.deepEqual([out.counts.chargedFailures, out.counts.lockouts], [0, 0]);
  assert.ok(out.counts.hellosTampered! >= 9);
});

test('tamper lockout refuses a schedule where the attack cannot happen', () => {
  assert.throws(() => runAttack(tamperLockout, 'asoc-hardened', { attackMs: 500 }), /1000 < attackMs < observeMs/);
});

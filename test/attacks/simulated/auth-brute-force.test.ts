import assert from 'node:assert/strict';
import { test } from 'node:test';
import authBruteForce from '../../../attacks/simulated/auth-brute-force.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('failed-auth burst (v1): 5 HELLOs evaluated, then the address is locked out; nothing comes back; a client elsewhere is served', () => {
  const out = runAttack(authBruteForce, 'asoc-v1', { attempts: 12, gapMs: 500 });
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
  assert.equal(observedVerdict(out, 'S1'), 'HOLDS');
  assert.equal(out.counts.attempts, 12);
  assert.equal(out.counts.helloEvaluated, 5);
  assert.equal(out.counts.refusedLockedOut, 7);
  assert.equal(out.counts.lockouts, 1);
  assert.equal(out.counts.intruderHandshakes, 0);
  assert.equal(out.counts.bytesToIntruder, 0);
  assert.equal(out.counts.legitServed, 1);
});

test('failed-auth burst: fewer attempts than the limit are all evaluated and nobody is locked out', () => {
  const out = runAttack(authBruteForce, 'asoc-v1/reference', { attempts: 4 });
  assert.equal(out.counts.helloEvaluated, 4);
  assert.equal(out.counts.lockouts, 0);
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
});

test('failed-auth burst (reference): no lockout, so all 12 bad HELLOs are heard; still none gets in', () => {
  const out = runAttack(authBruteForce, 'asoc-v1/reference', { attempts: 12, gapMs: 500 });
  assert.equal(observedVerdict(out, 'S10'), 'FAILS');
  assert.equal(observedVerdict(out, 'S1'), 'HOLDS');
  assert.equal(out.counts.helloEvaluated, 12);
  assert.deepEqual([out.counts.lockouts, out.counts.refusedLockedOut, out.counts.intruderHandshakes], [0, 0, 0]);
});

test('failed-auth burst (hardened): the same lockout after 5 bad HELLOs (hardened MACs), and still no byte back', () => {
  const out = runAttack(authBruteForce, 'asoc-hardened', { attempts: 8, gapMs: 500 });
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.helloEvaluated, 5);
  assert.equal(out.counts.refusedLockedOut, 3);
  assert.equal(out.counts.bytesToIntruder, 0);
  assert.equal(out.counts.legitServed, 1);
});

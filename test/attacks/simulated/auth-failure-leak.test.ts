import assert from 'node:assert/strict';
import { test } from 'node:test';
import authFailureLeak from '../../../attacks/simulated/auth-failure-leak.ts';
import { runAttack, verdictOf } from './run-attack.ts';

test('auth failure leak (v1): forged HELLOs get 0 bytes and are closed after the same time whether nearly right or wrong; the control gets its ACCEPT', () => {
  const out = runAttack(authFailureLeak, 'asoc-v1', { samples: 2 });
  assert.equal(verdictOf(out, 'S11'), 'HOLDS');
  assert.equal(out.counts.forgedHellos, 4);
  assert.equal(out.counts.bytesBackAfterFailure, 0);
  assert.equal(out.counts.closedByServer, 4);
  assert.equal(out.counts.serverAuthFailures, 4);
  assert.equal(out.counts.controlBytesBack, 14 + 16, 'the measurement sees a reply when there is one: ACCEPT frame');
  assert.ok(out.figures.closeTimeSpreadMs! < 1e-6);
  assert.ok(out.figures.nearlyRightCloseAfterMs! > 0);
});

test('auth failure leak: when the control HELLO gets no reply the measurement is blind, and the run throws instead of deciding', () => {
  // Each connection is torn down 10 µs after its HELLO, before any answer can come back.
  assert.throws(() => runAttack(authFailureLeak, 'asoc-v1', { samples: 1, gapMs: 0.01 }), /control HELLO got no reply/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import handshakeHeaderTamper from '../../../attacks/simulated/handshake-header-tamper.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('handshake headers altered (v1): HELLO and ACCEPT moved off stream 0 go unnoticed, and data flows', () => {
  const out = runAttack(handshakeHeaderTamper, 'asoc-v1', {});
  assert.equal(observedVerdict(out, 'H4'), 'FAILS');
  assert.deepEqual([out.counts.helloHandshakesCompleted, out.counts.acceptHandshakesCompleted], [1, 1]);
});

test('handshake headers altered (hardened): the server refuses the moved HELLO, the client the moved ACCEPT', () => {
  const out = runAttack(handshakeHeaderTamper, 'asoc-hardened', {});
  assert.equal(observedVerdict(out, 'H4'), 'HOLDS');
  assert.ok(out.counts.helloFramesAltered! > 0 && out.counts.acceptFramesAltered! > 0, 'both alterations happened');
  assert.deepEqual([out.counts.helloHandshakesCompleted, out.counts.acceptHandshakesCompleted], [0, 0]);
  assert.match(out.observations[0]!.evidence, /HELLO moved .*server closes: \d+ bad-stream-id.*ACCEPT moved .*client: \d+ bad-stream-id/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import injectAfterHandshake from '../../../attacks/simulated/inject-after-handshake.ts';
import { runAttack, verdictOf } from './run-attack.ts';

test('inject after handshake: v1 delivers the forged stream; hardened delivers none and closes the connection', () => {
  const v1 = runAttack(injectAfterHandshake, 'asoc-v1');
  assert.equal(verdictOf(v1, 'S3'), 'FAILS');
  assert.equal(v1.counts.forgedBytesDelivered, 8 * 1024);
  const hardened = runAttack(injectAfterHandshake, 'asoc-hardened');
  assert.equal(verdictOf(hardened, 'S3'), 'HOLDS');
  assert.equal(hardened.counts.forgedBytesDelivered, 0);
  assert.ok(hardened.counts.injectedSegments! > 0);
  assert.ok(hardened.counts.serverConnectionsClosed! > 0, 'HOLDS rests on the server closing the connection');
  assert.match(hardened.observations[0]!.evidence, /integrity-failed/);
});

test('inject after handshake: an injection in the middle of a client frame is not the attack, and the run throws', () => {
  // At 5 ms the client is still streaming its first 4 MiB.
  assert.throws(() => runAttack(injectAfterHandshake, 'asoc-hardened', { injectAtMs: 5, legitBytes: 4 * 2 ** 20 }), /in the middle of a frame/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import tokenForgery from '../../../attacks/simulated/token-forgery.ts';
import { runAttack, verdictOf } from './run-attack.ts';

const params = { guesses: 65_536, frames: 8, frameBytes: 512 };

test('token forgery (v1): forged signatures pass at 2^-bits; after the handshake frames carry nothing but the 14-byte header', () => {
  const out = runAttack(tokenForgery, 'asoc-v1', params);
  assert.equal(verdictOf(out, 'S8'), 'PARTIAL');
  const at8 = out.counts['accepted@8bits']!;
  assert.ok(at8 > 256 - 3 * 16 && at8 < 256 + 3 * 16, `${at8} of 65,536 at 8 bits, 256 expected`);
  assert.ok(out.counts['accepted@16bits']! <= 6, 'about one of 65,536 at 16 bits');
  assert.equal(out.figures.acceptMacBits, 64);
  assert.equal(out.counts.framesAfterHandshake, 9);
  assert.equal(out.counts.payloadBytesDelivered, 8 * 512);
  assert.equal(out.figures.overheadBytesPerFrame, 14);
  assert.equal(out.counts.authenticatorBytesPerFrame, 0);
  assert.equal(out.counts.integrityFailedCloses, 0);
  assert.equal(out.counts.alteredStreamsDelivered, 1, 'the byte flipped on the wire reached the application');
});

test('token forgery (hardened): every frame after the handshake carries a 16-byte tag, and the handshake MAC is 128 bits', () => {
  const out = runAttack(tokenForgery, 'asoc-hardened', params);
  assert.equal(verdictOf(out, 'S8'), 'HOLDS');
  assert.equal(out.figures.acceptMacBits, 128);
  assert.equal(out.counts.authenticatorBytesPerFrame, 16);
  assert.equal(out.counts.integrityFailedCloses, 1, 'the byte flipped on the wire closed the connection');
  assert.equal(out.counts.alteredStreamsDelivered, 0);
  assert.match(out.observations[0]!.evidence, /HMAC-SHA256\(handshake key, ACCEPT body\)/, "the hardened ACCEPT check's construction is the one measured");
});

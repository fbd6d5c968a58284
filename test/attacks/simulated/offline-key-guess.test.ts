import assert from 'node:assert/strict';
import { test } from 'node:test';
import offlineKeyGuess from '../../../attacks/simulated/offline-key-guess.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

const evidence = (out: ReturnType<typeof runAttack>) => out.observations[0]!.evidence;

test('offline guessing (v1): a 6-character key is taken with a warning, and recovered from one recorded HELLO', () => {
  const out = runAttack(offlineKeyGuess, 'asoc-v1', { guesses: 2_000 });
  assert.equal(observedVerdict(out, 'H3'), 'FAILS');
  assert.deepEqual([out.counts.keyRefused, out.counts.keyWarned, out.counts.hits, out.counts.keyRecovered], [0, 1, 1, 1], 'exactly one guess verifies: the key');
  assert.ok(Math.abs(out.figures.keySpaceLog2! - 6 * Math.log2(36)) < 1e-9);
  assert.match(evidence(out), /recovered the key at guess 1001/);
});

test('offline guessing (hardened): the 6-character key is refused; against 32 random bytes no guess verifies and the search is out of reach', () => {
  const out = runAttack(offlineKeyGuess, 'asoc-hardened', { guesses: 1_000 });
  assert.equal(observedVerdict(out, 'H3'), 'HOLDS');
  assert.deepEqual([out.counts.keyRefused, out.counts.hits, out.counts.guessesTimed], [1, 0, 1_000]);
  assert.equal(out.figures.keySpaceLog2, 256);
  assert.match(evidence(out), /refused the key \(asoc-hardened needs an API key of 32 random bytes/);
});

test('offline guessing: a key with characters outside the alphabet is a usage error', () => {
  assert.throws(() => runAttack(offlineKeyGuess, 'asoc-v1', { key: 'K!', guesses: 1_000 }), /outside the alphabet/);
});

/**
 * The Subduction claims the subduction core decides in memory: the verdicts, that each stands on its
 * evidence (every attempt as the design says), and that a profile without a nonce cache fails D1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLAIMS } from '../../../lab/claims/catalogue.ts';
import { decidedBy, instrumentsFor } from '../../../lab/claims/instruments.ts';
import { decideD1, decideD3, type Attempt } from '../../../lab/claims/subduction-claims.ts';
import { SUBDUCTION } from '../../../src/core/profile.ts';

test('D1 HOLDS: two signed messages, peers known by their keys, and every replayed, misdirected or forged message refused for its reason', () => {
  const result = decideD1();
  assert.equal(result.verdict, 'HOLDS', result.summary);
  const evidence = result.evidence as { handshake: { from: string; type: number }[]; peersAreVerifyingKeys: boolean; attempts: Attempt[] };
  assert.deepEqual(evidence.handshake.map((m) => [m.from, m.type]), [['client', 4], ['server', 5]]);
  assert.equal(evidence.peersAreVerifyingKeys, true);
  const outcomes = evidence.attempts.map((a) => [a.expected, a.rejection]);
  assert.deepEqual(outcomes, [
    ['established', null],
    ['replay', 'replayed nonce'],
    ['stale', 'clock drift'],
    ['client auth-failed', null],
    ['auth-failed', 'invalid signature'],
    ['wrong-audience', 'invalid audience'],
    ['wrong-audience', 'invalid audience'],
    ['client wrong-audience', null],
  ]);
  assert.ok(evidence.attempts.every((a) => a.asExpected));
  assert.match(evidence.attempts[3]!.client!, /Response answers another challenge/);
});

test('D1 FAILS for a subduction profile whose server keeps no nonce cache: the recorded challenge is taken again', () => {
  const result = decideD1({ ...SUBDUCTION, helloReplay: null });
  assert.equal(result.verdict, 'FAILS');
  const replay = (result.evidence as { attempts: Attempt[] }).attempts.find((a) => a.expected === 'replay')!;
  assert.deepEqual([replay.asExpected, replay.serverEstablished, replay.rejection], [false, true, null], 'the server answered the replay');
  assert.match(result.summary, /1 did NOT end as the design says: the recorded challenge replayed to the same node/);
});

test('D3 HOLDS: the same inputs give the same bytes with both backends, and non-canonical or other-version messages are refused by name, unanswered', () => {
  const result = decideD3();
  assert.equal(result.verdict, 'HOLDS', result.summary);
  const evidence = result.evidence as { transcripts: { crypto: string; challenge: string }[]; envelopeHeads: string[]; attempts: Attempt[] };
  assert.deepEqual(evidence.transcripts.map((t) => t.crypto), ['node', 'node', 'noble', 'noble']);
  assert.equal(new Set(evidence.transcripts.map((t) => t.challenge)).size, 1);
  assert.deepEqual(evidence.envelopeHeads, ['53444e00', '53444e00']);
  assert.deepEqual(evidence.attempts.map((a) => (a.server ?? a.client)!.split(':')[0]), ['malformed', 'unsupported-version', 'unsupported-version', 'unsupported-version']);
  assert.match(evidence.attempts[2]!.server!, /envelope version 255; this side speaks 0 only/);
  assert.ok(evidence.attempts.every((a) => a.rejection === null));
});

test('D1 and D3 are decided by the codecs step, and the catalogue no longer says why not', () => {
  for (const id of ['D1', 'D3']) {
    assert.deepEqual(instrumentsFor(id).map((i) => i.name), ['codecs']);
    const claim = CLAIMS.find((c) => c.id === id)!;
    assert.equal(claim.undecidedBecause, undefined);
    assert.match(decidedBy(claim), /subduction profile's/);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import acceptReplay from '../../../attacks/simulated/accept-replay.ts';
import { runAttack, verdictOf } from './run-attack.ts';

test('accept replay: S8 is about the token — signed for one HELLO, taken (v1) or refused (hardened) in answer to another', () => {
  const v1 = runAttack(acceptReplay, 'asoc-v1');
  assert.equal(verdictOf(v1, 'S8'), 'FAILS');
  const [, issuedFor, answered] = /signed in answer to n1's HELLO \(([0-9a-f]+)….*whose HELLO was another \(([0-9a-f]+)…\)/.exec(v1.observations.find((o) => o.claim === 'S8')!.evidence) ?? [];
  assert.ok(issuedFor && answered && issuedFor !== answered, 'the evidence names two different HELLOs');
  const hardened = runAttack(acceptReplay, 'asoc-hardened');
  assert.equal(verdictOf(hardened, 'S8'), 'HOLDS');
  assert.equal(hardened.counts.victimSessionsEstablished, 0);
});

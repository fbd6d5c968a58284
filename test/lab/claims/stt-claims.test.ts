/**
 * The STT claims the stt core decides in memory: the verdicts, and that each verdict stands on its
 * evidence (the rule is the evidence's, not a constant).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLAIMS } from '../../../lab/claims/catalogue.ts';
import { instrumentsFor } from '../../../lab/claims/instruments.ts';
import { decideT1, decideT3 } from '../../../lab/claims/stt-claims.ts';

test('T1 HOLDS: four messages, the seed\'s session id on both sides, every later frame sealed and no plaintext on the wire', () => {
  const result = decideT1();
  assert.equal(result.verdict, 'HOLDS', result.summary);
  const evidence = result.evidence as { handshake: { from: string; type: number }[]; sessionIds: string[]; expectedSessionId: string; plaintextOnWire: boolean; framesAfterHandshake: number };
  assert.deepEqual(evidence.handshake.map((m) => [m.from, m.type]), [['initiator', 8], ['responder', 9], ['initiator', 10], ['responder', 11]]);
  assert.deepEqual(evidence.sessionIds, [evidence.expectedSessionId, evidence.expectedSessionId]);
  assert.equal(evidence.plaintextOnWire, false);
  assert.ok(evidence.framesAfterHandshake >= 4, 'FINAL, DATA, END and the receipt');
  assert.match(result.summary, /ChaCha20-Poly1305, not STC/);
});

test('T3 HOLDS: each threshold alone rotates the keys several times in each direction, and every stream completes', () => {
  const result = decideT3();
  assert.equal(result.verdict, 'HOLDS', result.summary);
  const { runs } = result.evidence as { runs: { name: string; rotations: number[]; streamsIncomplete: number; stillEstablished: boolean }[] };
  assert.deepEqual(runs.map((r) => r.name), ['data threshold', 'message threshold', 'time threshold']);
  for (const run of runs) {
    assert.ok(run.rotations.every((n) => n >= 5), `${run.name}: ${run.rotations}`);
    assert.equal(run.streamsIncomplete, 0);
    assert.equal(run.stillEstablished, true);
  }
});

test('the codecs step decides T1 and T3; the stt-udp step T2 and T4', () => {
  for (const id of ['T1', 'T3']) assert.deepEqual(instrumentsFor(id).map((i) => i.name), ['codecs'], id);
  for (const id of ['T2', 'T4']) assert.deepEqual(instrumentsFor(id).map((i) => i.name), ['stt-udp'], id);
  assert.equal(CLAIMS.find((c) => c.id === 'T2')!.undecidedBecause, undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INSTRUMENT_REACH, withReach } from '../../../lab/claims/instrument-audit.ts';
import { INSTRUMENTS } from '../../../lab/claims/instruments.ts';

test('every claim an instrument decides says what its instrument measures and what it does not', () => {
  const decided = [...new Set(INSTRUMENTS.flatMap((i) => i.claims))];
  assert.ok(decided.length >= 20);
  for (const id of decided) {
    const reach = INSTRUMENT_REACH[id];
    assert.ok(reach && reach.measures.length > 20 && reach.doesNotMeasure.length > 20, `${id} has no instrument reach`);
  }
});

test("withReach puts the entry into the claim's evidence, keeping what was there", () => {
  const claim = withReach({ id: 'P6', verdict: 'FAILS', summary: 's', evidence: { rule: 'r' } });
  assert.equal(claim.evidence.rule, 'r');
  assert.deepEqual(claim.evidence.instrument, INSTRUMENT_REACH.P6);
  const unknown = { id: 'T9', verdict: 'PENDING' as const, summary: 's', evidence: {} };
  assert.deepEqual(withReach(unknown), unknown);
});

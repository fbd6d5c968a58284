import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge, verdictOf, type Interval } from '../../../lab/claims/verdict.ts';

const around = (low: number, high: number): { estimate: number; interval: Interval } => ({ estimate: (low + high) / 2, interval: { low, high, confidence: 0.95, method: 'test' } });

test('judge: HOLDS or FAILS only when the whole interval is on one side of the threshold', () => {
  assert.equal(judge(around(0.91, 0.95), { atLeast: 0.9 }), 'HOLDS');
  assert.equal(judge(around(0.8, 0.89), { atLeast: 0.9 }), 'FAILS');
  assert.equal(judge(around(0.85, 0.95), { atLeast: 0.9 }), 'UNDECIDED');
  assert.equal(judge(around(1, 1.9), { atMost: 2 }), 'HOLDS');
  assert.equal(judge(around(2.1, 3), { atMost: 2 }), 'FAILS');
  assert.equal(judge(around(1.5, 2.5), { atMost: 2 }), 'UNDECIDED');
  assert.equal(judge(around(6, 9), { within: [5, 10] }), 'HOLDS');
  assert.equal(judge(around(11, 12), { within: [5, 10] }), 'FAILS');
  assert.equal(judge(around(1, 4), { within: [5, 10] }), 'FAILS');
  assert.equal(judge(around(4, 6), { within: [5, 10] }), 'UNDECIDED');
});

test('judge: an exact figure (no interval) is compared as it is', () => {
  assert.equal(judge({ estimate: 52, interval: null }, { atMost: 52 }), 'HOLDS');
  assert.equal(judge({ estimate: 53, interval: null }, { atMost: 52 }), 'FAILS');
});

test('verdictOf: all parts → HOLDS, none → FAILS, some → PARTIAL; no parts is a mistake', () => {
  assert.equal(verdictOf([true, true]), 'HOLDS');
  assert.equal(verdictOf([false, false]), 'FAILS');
  assert.equal(verdictOf([true, false]), 'PARTIAL');
  assert.throws(() => verdictOf([]), RangeError);
});

test('verdictOf: an undecided part decides nothing unless every resolution agrees', () => {
  assert.equal(verdictOf(['HOLDS', 'UNDECIDED']), 'UNDECIDED', 'HOLDS or PARTIAL');
  assert.equal(verdictOf(['FAILS', 'UNDECIDED']), 'UNDECIDED', 'FAILS or PARTIAL');
  assert.equal(verdictOf(['HOLDS', 'FAILS', 'UNDECIDED']), 'PARTIAL', 'PARTIAL whatever it does');
  assert.equal(verdictOf(['UNDECIDED']), 'UNDECIDED');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapMedianInterval, relativeSpread } from '../../bench/stats.ts';
import { judge } from '../../lab/claims/verdict.ts';
import { parseProcStat } from '../../bench/noise.ts';

test('bootstrap interval: contains the median, is reproducible, and narrows with agreeing samples', () => {
  const steady = [0.95, 0.96, 0.94, 0.95, 0.97, 0.95, 0.96];
  const a = bootstrapMedianInterval(steady);
  assert.deepEqual(a, bootstrapMedianInterval(steady), 'same samples, same interval');
  assert.ok(a.low <= 0.95 && a.high >= 0.95);
  assert.ok(a.high - a.low <= 0.02, `steady samples give a narrow interval, got ${a.low}–${a.high}`);
  assert.equal(a.confidence, 0.95);
});

test('a deliberately noisy measurement gives UNDECIDED, not a verdict', () => {
  // Per-round ratios like the loopback bench's worst case: the same protocol at 0.7× and 1.2× raw TCP.
  const noisy = [0.71, 1.22, 0.86, 1.05, 0.74, 1.17, 0.9];
  const interval = bootstrapMedianInterval(noisy);
  assert.equal(judge({ estimate: 0.9, interval }, { atLeast: 0.9 }), 'UNDECIDED');
  const steady = bootstrapMedianInterval([0.95, 0.96, 0.94, 0.95, 0.97]);
  assert.equal(judge({ estimate: 0.95, interval: steady }, { atLeast: 0.9 }), 'HOLDS');
});

test('too few samples: the interval is their range, with the confidence a range of that many has, and decides nothing', () => {
  const i = bootstrapMedianInterval([1, 3]);
  assert.equal(i.low, 1);
  assert.equal(i.high, 3);
  assert.equal(i.confidence, 0.5, 'two samples straddle the median half the time');
  assert.match(i.method, /too few/);
  assert.equal(bootstrapMedianInterval([2]).confidence, 0);
  assert.equal(judge({ estimate: 2, interval: i }, { atLeast: 0.5 }), 'UNDECIDED', 'both samples far above the threshold, but two samples are not a 95 % interval');
  assert.throws(() => bootstrapMedianInterval([]), RangeError);
  assert.throws(() => bootstrapMedianInterval([1, Number.NaN, 2]), RangeError);
});

test('relativeSpread is (max − min) ÷ median', () => {
  assert.equal(relativeSpread([90, 100, 110]), 0.2);
});

test('parseProcStat reads steal and idle from the aggregate cpu line', () => {
  const text = 'cpu  100 0 50 800 10 5 5 30 0 0\ncpu0 50 0 25 400 5 2 3 15 0 0\n';
  assert.deepEqual(parseProcStat(text), { total: 1000, idle: 810, steal: 30 });
  assert.equal(parseProcStat('intr 1 2 3'), null);
});

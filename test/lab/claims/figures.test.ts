import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactFigure, moreSamplesNeeded, sampledFigure, withInterval } from '../../../lab/claims/figures.ts';

const two = (v: number) => v.toFixed(2);

test('a sampled figure: median of the samples, a seeded bootstrap interval, judged against its threshold', () => {
  const samples = [1.31, 1.28, 1.35, 1.3, 1.33, 1.29, 1.32];
  const f = sampledFigure({ name: 'speedup', unit: '×', threshold: { atLeast: 1.2 } }, samples);
  assert.equal(f.estimate, 1.31);
  assert.ok(f.interval && f.interval.low <= 1.31 && f.interval.high >= 1.31);
  assert.equal(f.verdict, 'HOLDS');
  assert.deepEqual(f.samples, samples);
  assert.deepEqual(sampledFigure({ name: 'speedup', unit: '×' }, samples).interval, f.interval, 'same samples, same interval');
  assert.equal(sampledFigure({ name: 'speedup', unit: '×' }, samples).verdict, undefined, 'no threshold, no verdict');
  assert.throws(() => sampledFigure({ name: 'none', unit: '×' }, []), RangeError);
});

test('an exact figure has no interval and keeps the counts it was read from', () => {
  const f = exactFigure({ name: 'handshake', unit: 'B', threshold: { atLeast: 450 } }, 930, [930, 930, 931]);
  assert.equal(f.interval, null);
  assert.deepEqual(f.samples, [930, 930, 931]);
  assert.equal(f.verdict, 'HOLDS');
  assert.equal(withInterval(f, (v) => `${v} B`), '930 B');
});

test('a figure with its interval, as text', () => {
  const f = sampledFigure({ name: 'r', unit: '×' }, [1, 2, 3]);
  assert.equal(withInterval(f, two), '2.00 [1.00, 3.00]');
});

test('more samples needed: names the straddled bound; a figure nearer its threshold needs more', () => {
  const near = sampledFigure({ name: 'r', unit: '×', threshold: { atLeast: 0.9 } }, [0.87, 0.93, 0.91, 0.89, 0.92, 0.9, 0.94]);
  const far = sampledFigure({ name: 'r', unit: '×', threshold: { atLeast: 0.9 } }, [0.85, 0.88, 1.05, 0.99, 0.97, 1.01, 0.98]);
  assert.equal(near.verdict, 'UNDECIDED');
  assert.equal(far.verdict, 'UNDECIDED');
  const count = (text: string | null) => Number(/about (\d+) more rounds/.exec(text ?? '')?.[1]);
  const nearText = moreSamplesNeeded(near, 'rounds', two);
  assert.match(nearText ?? '', /straddles 0\.90; about \d+ more rounds would narrow it to ±0\.01 at the observed spread \(an estimate/);
  assert.ok(count(nearText) > count(moreSamplesNeeded(far, 'rounds', two)), `${nearText} vs ${moreSamplesNeeded(far, 'rounds', two)}`);
  assert.equal(moreSamplesNeeded(sampledFigure({ name: 'r', unit: '×', threshold: { atLeast: 0.5 } }, [1, 1, 1]), 'rounds', two), null, 'decided figures need nothing');
});

test('more samples needed: an estimate on its threshold cannot be settled by more of the same', () => {
  const on = sampledFigure({ name: 'r', unit: '×', threshold: { atLeast: 0.9 } }, [0.8, 0.9, 1.0, 0.9, 0.85, 0.95, 0.9]);
  assert.equal(on.verdict, 'UNDECIDED');
  assert.match(moreSamplesNeeded(on, 'rounds', two) ?? '', /sits too close to it for more rounds to settle it here/);
});

test('more samples needed: for a range, the bound the interval straddles', () => {
  const f = sampledFigure({ name: 'r', unit: 'fraction', threshold: { within: [0.05, 0.1] } }, [0.08, 0.11, 0.09, 0.12, 0.1, 0.09, 0.11]);
  assert.equal(f.verdict, 'UNDECIDED');
  assert.match(moreSamplesNeeded(f, 'rounds', two) ?? '', /straddles 0\.10;/);
});

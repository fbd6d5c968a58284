import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RATIO_TOLERANCE, throughputFigures } from '../../../lab/claims/loopback-throughput.ts';
import { throughputReport } from './bench-fixtures.ts';

test("loopback throughput: run r of asoc-v1 over run r of raw TCP, with an interval and compare's tolerance; the warm-up run is left out", () => {
  const { ratio, rawSpread } = throughputFigures(throughputReport({ 'raw-tcp': [1000, 2000, 1000, 2000, 1000], 'asoc-v1': [900, 1800, 900, 1800, 900] }));
  assert.deepEqual(ratio.samples, [0.9, 0.9, 0.9, 0.9, 0.9], 'both modes of the machine cancel round by round');
  assert.equal(ratio.estimate, 0.9);
  assert.ok(ratio.interval && ratio.interval.low === 0.9 && ratio.interval.high === 0.9);
  assert.equal(ratio.tolerance, RATIO_TOLERANCE);
  assert.equal(ratio.verdict, undefined, 'a regression figure, not a claim');
  assert.equal(rawSpread.estimate, 1, "raw TCP's own rounds: (2000 − 1000) ÷ 1000");
  assert.deepEqual(rawSpread.samples, [1000, 2000, 1000, 2000, 1000]);
  assert.equal(rawSpread.interval, null);
});

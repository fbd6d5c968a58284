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

test('loopback throughput: raw TCP’s spread is taken within its main mode, and the ratio over every round', () => {
  const fast = (MBps: number) => ({ MBps, mode: 'sender-bound' as const });
  const slow = (MBps: number) => ({ MBps, mode: 'receiver-bound' as const });
  const { ratio, rawSpread } = throughputFigures(
    throughputReport({
      'raw-tcp': [fast(4000), fast(4400), slow(1300), fast(4200), fast(4000)],
      'asoc-v1': [fast(3600), fast(3960), slow(1170), fast(3780), fast(3600)],
    }),
  );
  assert.deepEqual(ratio.samples, [0.9, 0.9, 0.9, 0.9, 0.9]);
  assert.deepEqual(rawSpread.samples, [4000, 4400, 4200, 4000], 'the receiver-bound run is a mode, not noise');
  assert.ok(Math.abs(rawSpread.estimate - 400 / 4100) < 1e-9);
  assert.match(rawSpread.statistic ?? '', /sender-bound runs: 4 of 5/);
});

test('loopback throughput: runs that other work on the machine disturbed are left out; if every run was, all count', () => {
  const disturbed = (MBps: number) => ({ MBps, disturbed: true });
  const some = throughputFigures(throughputReport({ 'raw-tcp': [1000, disturbed(300), 1000], 'asoc-v1': [900, disturbed(900), 950] }));
  assert.deepEqual(some.ratio.samples, [0.9, 0.95]);
  const all = throughputFigures(throughputReport({ 'raw-tcp': [disturbed(1000), disturbed(500)], 'asoc-v1': [disturbed(900), disturbed(450)] }));
  assert.deepEqual(all.ratio.samples, [0.9, 0.9]);
});

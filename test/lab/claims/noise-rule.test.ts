import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkNoise, MAX_RAW_TCP_SPREAD, MAX_STEAL_FRACTION, underNoise } from '../../../lab/claims/noise-rule.ts';
import { sampledFigure } from '../../../lab/claims/figures.ts';
import { QUIET, STOLEN } from './bench-fixtures.ts';

const rawTcp = (rounds: number[]) => [{ what: '1 KiB ping-pong p50', rounds }];

test('noise rule: a quiet machine with steady raw TCP rounds is not too noisy', () => {
  const check = checkNoise(QUIET, rawTcp([40, 42, 41, 44, 40]));
  assert.equal(check.tooNoisy, null);
  assert.equal(check.rawTcp[0]!.spread, (44 - 40) / 41);
});

test('noise rule: steal above 5 % of CPU time is too noisy, and says how much', () => {
  assert.equal(MAX_STEAL_FRACTION, 0.05);
  assert.match(checkNoise(STOLEN).tooNoisy ?? '', /^machine too noisy: the hypervisor stole 8\.0 % of CPU time \(bound 5 %\)$/);
  assert.equal(checkNoise({ ...QUIET, stealFraction: 0.05 }).tooNoisy, null, 'the bound itself is allowed');
  assert.equal(checkNoise({ ...QUIET, stealFraction: null }).tooNoisy, null, 'off Linux steal is unknown, not noisy');
});

test("noise rule: raw TCP's own rounds spreading past 0.5 of their median is too noisy", () => {
  assert.equal(MAX_RAW_TCP_SPREAD, 0.5);
  const bimodal = checkNoise(QUIET, rawTcp([1400, 2900, 1500, 1450, 2800]));
  assert.match(bimodal.tooNoisy ?? '', /raw TCP's 1 KiB ping-pong p50 spread 1\.00 across rounds \(bound 0\.5\)/);
  assert.equal(checkNoise(QUIET, rawTcp([80, 100, 120])).tooNoisy, null, 'a spread of exactly 0.5 is allowed');
  const both = checkNoise(STOLEN, rawTcp([1, 3, 2]));
  assert.match(both.tooNoisy ?? '', /stole 8\.0 %.*; raw TCP's/, 'every reason is named');
});

test('noise rule: a judged figure becomes UNDECIDED on a noisy machine; a reported one keeps no verdict', () => {
  const holds = sampledFigure({ name: 'x', unit: '×', threshold: { atLeast: 1 } }, [2, 2.1, 2.2, 2.1, 2]);
  assert.equal(holds.verdict, 'HOLDS');
  assert.equal(underNoise(holds, checkNoise(QUIET)).verdict, 'HOLDS');
  assert.equal(underNoise(holds, checkNoise(STOLEN)).verdict, 'UNDECIDED');
  const reported = sampledFigure({ name: 'y', unit: '×' }, [1, 2, 3]);
  assert.equal(underNoise(reported, checkNoise(STOLEN)).verdict, undefined);
});

test('noise rule: a throughput bench where other work disturbed more than a third of the runs is too noisy, and says how many', () => {
  const reference = (runs: number) => ({ what: 'throughput MB/s', rounds: [1000, 1010, 990], disturbed: { runs, of: 18 } });
  assert.equal(checkNoise(QUIET, [reference(6)]).tooNoisy, null, 'a third is still enough clean runs');
  assert.match(checkNoise(QUIET, [reference(12)]).tooNoisy ?? '', /other work took CPU time during 12 of 18 runs/);
});

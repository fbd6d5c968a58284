import assert from 'node:assert/strict';
import { test } from 'node:test';
import challengeBirthday from '../../../attacks/simulated/challenge-birthday.ts';
import { clearAtExpectation, survivalProbability, unboundedExpectation, windowExpectation } from '../../../attacks/simulated/support/birthday-math.ts';
import { runAttack, verdictOf } from './run-attack.ts';

const N = 2 ** 32;

test('birthday figures: the unbounded bound, and the memories that forget', () => {
  assert.equal(Math.round(unboundedExpectation(N)), 82_138);
  // Clear-at with a limit far beyond sqrt(N) never clears first: it is the unbounded problem.
  assert.ok(Math.abs(clearAtExpectation(N, 5_000_000) - unboundedExpectation(N)) < 1);
  // The reference's 10,000: each cycle of 10,001 collides with probability ≈ 1 − e^(−10000·10001/2N).
  const perCycle = 1 - Math.exp((-10_000 * 10_001) / (2 * N));
  assert.ok(Math.abs(clearAtExpectation(N, 10_000) - 10_001 / perCycle) < 0.01 * 10_001 / perCycle);
  // A window holding W challenges at a steady rate: ≈ N/W once full; holding more than the capacity: the capacity + 1.
  assert.ok(Math.abs(windowExpectation(N, 41_667, 100_000) - N / 41_667) < 0.25 * (N / 41_667));
  assert.ok(windowExpectation(N, 200_000, 100_000) <= 100_001);
  assert.ok(Math.abs(survivalProbability(N, 82_138, (i) => i) - Math.exp(-(82_138 ** 2) / (2 * N))) < 0.01);
});

test('challenge birthday (v1, 1,000 nodes): legitimate announcements are rejected within the hour, near the analytic figure, and the discovery path agrees', () => {
  const out = runAttack(challengeBirthday, 'asoc-v1', { trials: 6, methodCheckTrials: 20, agentCheckMessages: 30_000 });
  assert.equal(verdictOf(out, 'S9'), 'PARTIAL');
  assert.equal(out.counts.trials, 6);
  assert.equal(out.counts.trialsWithRejection, 6);
  const { profileMeasuredMean: mean, profileMeasuredStandardError: se, profileAnalytic: analytic } = out.figures;
  assert.ok(Math.abs(mean! - analytic!) < 3 * se! + 0.2 * analytic!, `${mean} ± ${se} vs ${analytic}`);
  assert.ok(out.figures.profileAnalyticHours! < 0.2);
  assert.ok(out.counts.agentFirstRejection! > 0, 'the agent replayed a trial to its rejection');
});

test('challenge birthday (hardened): keyed by node, no rejection in hours of traffic; first expected after days', () => {
  const out = runAttack(challengeBirthday, 'asoc-hardened', { trials: 2, methodCheckTrials: 10, profileMessageBudget: 600_000, agentCheckMessages: 10_000 });
  assert.equal(verdictOf(out, 'S9'), 'HOLDS');
  assert.equal(out.counts.trialsWithRejection, 0);
  assert.ok(out.figures.profileAnalyticHours! > 100);
  // No trial saw a rejection: what was measured is only a lower bound, and labelled so.
  assert.equal(out.figures.profileMeasuredMean, undefined);
  assert.equal(out.figures.profileMeasuredHoursToFirstRejection, undefined);
  assert.equal(out.figures.profileMeasuredMeanLowerBound, out.counts.announcementsChecked! / out.counts.trials!);
});

test('challenge birthday: the verdict is the analytic expectation against the stated threshold, not "no rejection in a few trials"', () => {
  const quick = { trials: 2, methodCheckTrials: 10, profileMessageBudget: 600_000, agentCheckMessages: 10_000 };
  // The same trials (none rejects) with a threshold above hardened's ~163 h: PARTIAL.
  const strict = runAttack(challengeBirthday, 'asoc-hardened', { ...quick, holdsFromHours: 200 });
  assert.equal(strict.counts.trialsWithRejection, 0);
  assert.equal(verdictOf(strict, 'S9'), 'PARTIAL');
  assert.match(strict.observations[0]!.evidence, /less than the 200 h threshold/);
  assert.equal(verdictOf(runAttack(challengeBirthday, 'asoc-hardened', { ...quick, holdsFromHours: 100 }), 'S9'), 'HOLDS');
});

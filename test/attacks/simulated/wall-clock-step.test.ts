import assert from 'node:assert/strict';
import { test } from 'node:test';
import wallClockStep from '../../../attacks/simulated/wall-clock-step.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

for (const profile of ['asoc-v1', 'asoc-hardened'] as const) {
  test(`wall clock stepped (${profile}): the replay cache ages on the monotonic clock and still refuses the recorded HELLO`, () => {
    const out = runAttack(wallClockStep, profile, {});
    assert.equal(observedVerdict(out, 'H5'), 'HOLDS');
    assert.deepEqual([out.counts.honestHandshakes, out.counts.replayBytesAnswered, out.counts.replayCloses], [2, 0, 1]);
  });
}

test('wall clock stepped (reference): nothing remembered, the replay is answered', () => {
  const out = runAttack(wallClockStep, 'asoc-v1/reference', {});
  assert.equal(observedVerdict(out, 'H5'), 'FAILS');
  assert.ok(out.counts.replayBytesAnswered! > 0);
});

test('wall clock stepped: the steps must come in order', () => {
  assert.throws(() => runAttack(wallClockStep, 'asoc-v1', { stepAtMs: 3_000, stepBackAtMs: 2_000 }), /expected stepAtMs < stepBackAtMs/);
});

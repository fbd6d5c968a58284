import assert from 'node:assert/strict';
import { test } from 'node:test';
import helloReplay from '../../../attacks/simulated/hello-replay.ts';
import { runAttack, verdictOf } from './run-attack.ts';

test('hello replay: two replays to the same server at once are told apart by their sessions (neither takes the other’s outcome)', () => {
  // The reference keeps no record of HELLOs: both replays to n0 establish, each delivers its own forged stream.
  const out = runAttack(helloReplay, 'asoc-v1/reference', { soonAtMs: 2_000, otherServerAtMs: 2_500, lateAtMs: 2_000.5, forgedBytes: 4_096 });
  assert.equal(out.counts.replaySoonEstablished, 1);
  assert.equal(out.counts.replayAfterTheWindowEstablished, 1);
  assert.equal(out.counts.replaySoonForgedBytesDelivered, 4_096);
  assert.equal(out.counts.replayAfterTheWindowForgedBytesDelivered, 4_096);
  assert.equal(out.counts.forgedBytesDelivered, 3 * 4_096);
  assert.equal(verdictOf(out, 'S2'), 'FAILS');
});

test('hello replay (v1): the soon replay is refused as a replay and the one past the 125 s window is accepted, each on its own record', () => {
  const out = runAttack(helloReplay, 'asoc-v1', { soonAtMs: 2_000, otherServerAtMs: 3_000, lateAtMs: 130_000, forgedBytes: 4_096 });
  assert.equal(out.counts.replaySoonEstablished, 0);
  assert.equal(out.counts.replayAfterTheWindowEstablished, 1);
  assert.equal(out.counts.replaySoonForgedBytesDelivered, 0);
  assert.equal(verdictOf(out, 'S2'), 'PARTIAL');
  assert.match(out.observations.find((o) => o.claim === 'S2')!.evidence, /replay soon \(n0 at 2 s\): refused \(replay\)/);
});

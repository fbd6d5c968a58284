import assert from 'node:assert/strict';
import { test } from 'node:test';
import discoveryReplay from '../../../attacks/simulated/discovery-replay.ts';
import { runAttack, verdictOf } from './run-attack.ts';

const stale = { announcers: 2, replay: 'first', receiverStartMs: 10_000, targetStopMs: 30_000, replayFromMs: 90_000, replayEveryMs: 30_000, untilMs: 160_000 };

test('discovery replay with a stale timestamp: v1 refuses it as stale; the reference (no timestamp check) re-adds the offline node at the attacker', () => {
  const v1 = runAttack(discoveryReplay, 'asoc-v1', stale);
  assert.equal(verdictOf(v1, 'S2'), 'HOLDS');
  assert.equal(v1.counts.replaysAccepted, 0);
  assert.equal(v1.counts.receiverRejectedStale, v1.counts.replaysSent);
  const ref = runAttack(discoveryReplay, 'asoc-v1/reference', stale);
  assert.equal(verdictOf(ref, 'S2'), 'FAILS');
  assert.equal(ref.counts.replaysSent, 1);
  assert.equal(ref.counts.replaysAccepted, 1);
  assert.match(ref.observations[0]!.evidence, /re-added the offline A at 10\.0\.0\.201 \(the attacker\)/);
});

test('discovery replay after the seen-set is emptied (reference): rejected as a replay until honest traffic passes 10,000 challenges, then accepted', () => {
  const out = runAttack(discoveryReplay, 'asoc-v1/reference', { announcers: 2, replay: 'last', replayEveryMs: 120_000, untilMs: 32_400_000 });
  assert.equal(verdictOf(out, 'S2'), 'FAILS');
  assert.equal(out.counts.receiverSeenSetClears, 1);
  assert.equal(out.counts.replaysAccepted, 1);
  assert.equal(out.counts.receiverRejectedReplay, out.counts.replaysSent! - 1, 'every replay before the clear was refused');
  assert.ok(out.counts.receiverRecordedChallenges! > 10_000);
});

test('discovery replay: a run that sent no replay tested nothing and throws instead of reporting HOLDS', () => {
  assert.throws(() => runAttack(discoveryReplay, 'asoc-v1', { ...stale, replayFromMs: 200_000, untilMs: 150_000 }), /no replay was sent/);
});

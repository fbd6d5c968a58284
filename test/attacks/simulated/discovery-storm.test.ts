import assert from 'node:assert/strict';
import { test } from 'node:test';
import discoveryStorm from '../../../attacks/simulated/discovery-storm.ts';
import { runAttack, verdictOf } from './run-attack.ts';

const params = { ratePerSecond: 200, durationMs: 5_000 };

test('discovery storm (v1): one valid announcement a second from the flooding node, every replay and bad HMAC dropped, each at the cost of an HMAC', () => {
  const out = runAttack(discoveryStorm, 'asoc-v1', params);
  assert.equal(verdictOf(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.sentValid, 1_000);
  assert.equal(out.counts.acceptedFromInsider, 5);
  assert.equal(out.counts['rejected:rate-limited'], 995);
  assert.equal(out.counts['rejected:bad-signature'], 1_000);
  assert.equal(out.counts['rejected:replay']! + out.counts['rejected:stale']!, 1_000);
  assert.equal(out.counts.receiverHmacsComputed, out.counts.receiverReceived, 'every datagram cost the receiver an HMAC');
});

test('discovery storm (reference): no rate limit — every valid announcement of the flood is taken', () => {
  const out = runAttack(discoveryStorm, 'asoc-v1/reference', params);
  assert.equal(verdictOf(out, 'S10'), 'FAILS');
  assert.equal(out.counts.acceptedFromInsider, 1_000);
  assert.equal(out.counts['rejected:rate-limited'], 0);
});

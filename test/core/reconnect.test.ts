import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReconnectPolicy } from '../../src/core/reconnect.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { seededRandom } from '../support/random.ts';

/** A RandomSource whose u32 is always `value`: 0 gives the shortest delay, 0xffffffff the longest. */
function constant(value: number): RandomSource {
  return { u32: () => value, bytes: (n) => new Uint8Array(n) };
}

function afterFailures(failures: number, forever = true): ReconnectPolicy {
  const policy = new ReconnectPolicy({ forever });
  for (let i = 0; i < failures; i++) policy.recordFailure();
  return policy;
}

test('delay = min(60 s, uniform[1 s, 5 s) · 2^(failures − 1)): the extremes of the draw, failure by failure', () => {
  const shortest = [0, 1, 2, 3, 4, 5, 6, 7].map((f) => afterFailures(f).nextDelayMs(constant(0)));
  const middle = [0, 1, 2, 3, 4, 5, 6, 7].map((f) => afterFailures(f).nextDelayMs(constant(0x8000_0000)));
  const longest = [0, 1, 2, 3, 4, 5, 6, 7].map((f) => afterFailures(f).nextDelayMs(constant(0xffff_ffff)));
  assert.deepEqual(shortest, [1_000, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000]);
  assert.deepEqual(middle, [3_000, 3_000, 6_000, 12_000, 24_000, 48_000, 60_000, 60_000]);
  assert.deepEqual(longest, [4_999, 4_999, 9_999, 19_999, 39_999, 60_000, 60_000, 60_000]);
});

test('seeded delays stay within the documented bounds and use the whole 1–5 s range', () => {
  const random = seededRandom('reconnect');
  for (let failures = 1; failures <= 8; failures++) {
    const policy = afterFailures(failures);
    const scale = 2 ** (failures - 1);
    const delays = Array.from({ length: 500 }, () => policy.nextDelayMs(random));
    for (const d of delays) {
      assert.ok(Number.isInteger(d), `${d} is whole milliseconds`);
      assert.ok(d >= Math.min(60_000, 1_000 * scale) && d <= Math.min(60_000, 5_000 * scale), `${d} ms after ${failures} failures`);
    }
    if (failures === 1) {
      assert.ok(Math.min(...delays) < 1_100 && Math.max(...delays) > 4_900, 'the draw spans 1–5 s');
    }
  }
  assert.deepEqual(
    [1, 2, 3].map((f) => afterFailures(f).nextDelayMs(seededRandom('fixed'))),
    [1, 2, 3].map((f) => afterFailures(f).nextDelayMs(seededRandom('fixed'))),
    'the same seed gives the same delays',
  );
});

test('the cap holds however long a static peer keeps failing', () => {
  assert.equal(afterFailures(2_000).nextDelayMs(constant(0)), 60_000);
  assert.equal(afterFailures(2_000).givenUp, false);
});

test('discovered peers are given up after 3 failures in a row; static peers never', () => {
  const discovered = new ReconnectPolicy({ forever: false });
  const verdicts = [1, 2, 3].map(() => {
    discovered.recordFailure();
    return discovered.givenUp;
  });
  assert.deepEqual(verdicts, [false, false, true]);
  assert.equal(afterFailures(100, true).givenUp, false);
});

test('a success resets the count and the backoff', () => {
  const policy = afterFailures(2, false);
  assert.equal(policy.nextDelayMs(constant(0)), 2_000);
  policy.recordSuccess();
  assert.equal(policy.failures, 0);
  assert.equal(policy.nextDelayMs(constant(0)), 1_000);
  policy.recordFailure();
  policy.recordFailure();
  assert.equal(policy.givenUp, false, 'two failures after a success are not three in a row');
});

test('settings are configurable and checked', () => {
  const policy = new ReconnectPolicy({ forever: false, minDelayMs: 100, maxDelayMs: 200, capMs: 1_000, maxFailures: 5 });
  for (let i = 0; i < 4; i++) policy.recordFailure();
  assert.equal(policy.nextDelayMs(constant(0)), 800);
  assert.equal(policy.givenUp, false);
  policy.recordFailure();
  assert.equal(policy.givenUp, true);
  assert.throws(() => new ReconnectPolicy({ forever: true, minDelayMs: 6_000 }), RangeError);
});

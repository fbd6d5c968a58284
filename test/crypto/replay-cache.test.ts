/** ReplayCache: the RFC's bounded window, and the reference's clear-at-10,000 set with its weakness. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ReplayCache, type ReplayPolicy } from '../../src/crypto/replay-cache.ts';

/** Entries outlive twice the age limit, so an accepted timestamped message is stale before it is forgotten. */
const WINDOW = { kind: 'window', windowMs: 1000, maxAgeMs: 400, capacity: 3 } as const satisfies ReplayPolicy;

test('window: a key seen within the window is a replay; it is forgotten windowMs after it was first seen', () => {
  const cache = new ReplayCache(WINDOW);
  assert.equal(cache.check(7, 0), 'fresh');
  assert.equal(cache.check(7, 999), 'replay');
  assert.equal(cache.check(7, 1000), 'fresh');
  assert.equal(cache.check(7, 1999), 'replay');
  assert.equal(cache.size, 1);
});

test('window: timestamps more than maxAgeMs old or ahead are stale or future, and not recorded', () => {
  const cache = new ReplayCache(WINDOW);
  const now = 10_000;
  assert.equal(cache.check('a', now, now - WINDOW.maxAgeMs - 1), 'stale');
  assert.equal(cache.check('b', now, now + WINDOW.maxAgeMs + 1), 'future');
  assert.equal(cache.size, 0);
  assert.equal(cache.check('a', now, now - WINDOW.maxAgeMs), 'fresh');
  assert.equal(cache.check('b', now, now + WINDOW.maxAgeMs), 'fresh');
  assert.equal(cache.check('a', now + 1, now), 'replay');
});

test('window: at capacity a new key is refused as full, replays are still told apart, room returns as entries expire', () => {
  const cache = new ReplayCache(WINDOW);
  for (const key of [1, 2, 3]) assert.equal(cache.check(key, key), 'fresh');
  assert.equal(cache.check(4, 10), 'full');
  assert.equal(cache.check(2, 10), 'replay');
  assert.equal(cache.size, WINDOW.capacity);
  assert.equal(cache.check(4, 1001), 'fresh'); // key 1 (seen at 1) has expired
  assert.equal(cache.check(5, 1001), 'full');
  assert.equal(cache.size, WINDOW.capacity);
});

test('window: never grows past capacity, never accepts a message twice, and judges age as the RFC says', () => {
  const message = fc.record({ key: fc.nat(4), sentAt: fc.nat(6000) });
  const arrival = fc.record({ message: fc.nat(), dt: fc.nat(300) });
  fc.assert(
    fc.property(
      fc.array(message, { minLength: 1, maxLength: 6 }),
      fc.array(arrival, { maxLength: 60 }),
      fc.integer({ min: 1, max: 6 }),
      (messages, arrivals, capacity) => {
        const cache = new ReplayCache({ ...WINDOW, capacity });
        const accepted = new Set<number>();
        const lastFresh = new Map<number, number>();
        let now = 0;
        for (const { message: pick, dt } of arrivals) {
          now += dt;
          const index = pick % messages.length;
          const { key, sentAt } = messages[index]!;
          const verdict = cache.check(key, now, sentAt);
          assert.ok(cache.size <= capacity);
          if (now - sentAt > WINDOW.maxAgeMs) assert.equal(verdict, 'stale');
          else if (sentAt - now > WINDOW.maxAgeMs) assert.equal(verdict, 'future');
          else assert.ok(['fresh', 'replay', 'full'].includes(verdict), verdict);
          if (verdict !== 'fresh') continue;
          assert.ok(!accepted.has(index), `message ${index} accepted twice`);
          const sinceFresh = now - (lastFresh.get(key) ?? -Infinity);
          assert.ok(sinceFresh >= WINDOW.windowMs, `key ${key} fresh again after ${sinceFresh} ms`);
          accepted.add(index);
          lastFresh.set(key, now);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('window: a cache that could hold nothing, or forget at once, is refused', () => {
  assert.throws(() => new ReplayCache({ ...WINDOW, capacity: 0 }), RangeError);
  assert.throws(() => new ReplayCache({ ...WINDOW, windowMs: 0 }), RangeError);
});

test('clear-at (the reference, limit 10,000): once the set passes its limit it is emptied and an old challenge is accepted again', () => {
  const cache = new ReplayCache({ kind: 'clear-at', limit: 10_000 });
  for (let challenge = 0; challenge < 10_000; challenge++) assert.equal(cache.check(challenge, 0), 'fresh');
  assert.equal(cache.check(0, 0), 'replay');
  assert.equal(cache.size, 10_000);
  assert.equal(cache.clearCount, 0);
  assert.equal(cache.check(10_000, 0), 'fresh');
  assert.equal(cache.size, 0);
  assert.equal(cache.clearCount, 1);
  assert.equal(cache.check(0, 0), 'fresh'); // the replay goes through
});

test('clear-at counts every clear', () => {
  const cache = new ReplayCache({ kind: 'clear-at', limit: 2 });
  for (let key = 0; key < 9; key++) cache.check(key, 0);
  assert.equal(cache.clearCount, 3);
  assert.equal(cache.size, 0);
});

test('clear-at never looks at timestamps', () => {
  const cache = new ReplayCache({ kind: 'clear-at', limit: 10_000 });
  const now = 1e9;
  assert.equal(cache.check('old', now, 0), 'fresh');
  assert.equal(cache.check('ahead', now, 2 * now), 'fresh');
});

test('window: checks stay cheap at a steady state of tens of thousands of live entries (expiry does not walk deleted entries)', () => {
  // 333 checks/s for 125 s keeps 41,667 entries live; each check then expires one. When expiry
  // iterated the Map, every check also walked the holes earlier deletions left: ~45 µs a check,
  // about 5 s for this loop. Now it is tens of ms; the bound leaves room for a loaded machine.
  const cache = new ReplayCache({ kind: 'window', windowMs: 125_000, maxAgeMs: 60_000, capacity: 100_000 });
  const started = performance.now();
  for (let i = 0; i < 250_000; i++) cache.check(i, i * 3);
  const elapsedMs = performance.now() - started;
  assert.equal(cache.size, 41_667);
  assert.ok(elapsedMs < 1_500, `250,000 checks took ${elapsedMs.toFixed(0)} ms`);
});

test('has: looks without recording, and forgets what the window has expired', () => {
  const cache = new ReplayCache({ kind: 'window', windowMs: 1_000, maxAgeMs: 500, capacity: 10 });
  assert.equal(cache.has('n', 0), false);
  assert.equal(cache.has('n', 0), false, 'a look records nothing');
  assert.equal(cache.check('n', 0), 'fresh');
  assert.equal(cache.has('n', 999), true);
  assert.equal(cache.has('n', 1_000), false, 'expired with the window');
  assert.equal(cache.size, 0);
});

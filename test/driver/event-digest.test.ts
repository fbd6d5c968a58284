import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventDigest, type DigestEntry } from '../../src/driver/event-digest.ts';
import type { Timers } from '../../src/driver/transport.ts';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    after: (_delayMs, fn) => {
      const id = next++;
      pending.set(id, fn);
      return () => pending.delete(id);
    },
  };
  return {
    timers,
    get armed() {
      return pending.size;
    },
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const fn of due) fn();
    },
  };
}

function digestWith(settings: { burst: number; maxKeys: number }) {
  const clock = manualTimers();
  const entries: DigestEntry<string>[] = [];
  const digest = new EventDigest<string>({ timers: clock.timers, intervalMs: 10_000, ...settings, report: (e) => entries.push(e) });
  return { clock, entries, digest };
}

test('per key and interval: the first events one by one, the rest counted by kind and summarised when the interval ends', () => {
  const { clock, entries, digest } = digestWith({ burst: 2, maxKeys: 10 });
  assert.equal(clock.armed, 0, 'no timer while nothing happened');
  for (let i = 0; i < 1000; i++) digest.record('10.0.0.1', i % 3 === 0 ? 'expected-hello' : 'handshake-timeout', `line ${i}`);
  digest.record('10.0.0.2', 'locked-out', 'other');
  assert.deepEqual(entries, [
    { type: 'event', key: '10.0.0.1', kind: 'expected-hello', detail: 'line 0' },
    { type: 'event', key: '10.0.0.1', kind: 'handshake-timeout', detail: 'line 1' },
    { type: 'event', key: '10.0.0.2', kind: 'locked-out', detail: 'other' },
  ]);
  assert.equal(clock.armed, 1);
  clock.fireAll();
  assert.deepEqual(entries.slice(3), [{ type: 'summary', key: '10.0.0.1', count: 998, byKind: [['handshake-timeout', 665], ['expected-hello', 333]], intervalMs: 10_000 }]);
  assert.equal(clock.armed, 0, 'idle again');
  // A new interval: the key gets its burst again.
  digest.record('10.0.0.1', 'expected-hello', 'again');
  assert.deepEqual(entries.at(-1), { type: 'event', key: '10.0.0.1', kind: 'expected-hello', detail: 'again' });
});

test('past maxKeys, events of new keys are counted together: entries per interval stay bounded whatever the flood', () => {
  const { clock, entries, digest } = digestWith({ burst: 1, maxKeys: 3 });
  for (let i = 0; i < 10_000; i++) digest.record(`10.0.${i >> 8}.${i & 0xff}`, 'expected-hello', `from ${i}`);
  digest.flush();
  assert.equal(entries.length, 3 + 1);
  assert.deepEqual(entries.at(-1), { type: 'summary', key: null, count: 9_997, byKind: [['expected-hello', 9_997]], intervalMs: 10_000 });
  assert.equal(clock.armed, 0, 'flush ended the interval');
});

test('settings must be positive integers', () => {
  assert.throws(() => digestWith({ burst: 0, maxKeys: 1 }), /burst must be a positive integer, got 0/);
  assert.throws(() => digestWith({ burst: 1, maxKeys: 1.5 }), /maxKeys must be a positive integer, got 1.5/);
});

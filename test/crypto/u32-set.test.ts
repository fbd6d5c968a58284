/** U32Set: the replay caches' flat set of challenges, checked against a Set. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { U32Set } from '../../src/crypto/u32-set.ts';

test('U32Set: any run of adds and deletes leaves exactly the keys a Set would hold (growth and backward-shift deletion included)', () => {
  // Few distinct keys, so adds, deletes and looks keep meeting and probe runs wrap round a 16-slot
  // table; the edges of the range included.
  const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0xffff_ffff, 0x8000_0000, 0x4000_0000), fc.integer({ min: 0, max: 0xffff_ffff }));
  const op = fc.record({ kind: fc.constantFrom('add', 'add', 'delete', 'has'), key });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const set = new U32Set();
      const model = new Set<number>();
      for (const { kind, key } of ops) {
        if (kind === 'add') (set.add(key), model.add(key));
        else if (kind === 'delete') (set.delete(key), model.delete(key));
        else assert.equal(set.has(key), model.has(key), `has(${key})`);
        assert.equal(set.size, model.size);
      }
      for (const key of model) assert.ok(set.has(key), `${key} lost`);
    }),
    { numRuns: 300 },
  );
});

test('U32Set: after each deletion, in any order, every remaining key is still found and no deleted one is', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 0xffff_ffff }), { minLength: 1, maxLength: 60 }).chain((keys) => fc.tuple(fc.constant(keys), fc.shuffledSubarray(keys, { minLength: keys.length }))),
      ([keys, deletionOrder]) => {
        const set = new U32Set();
        for (const key of keys) set.add(key);
        const left = new Set(keys);
        for (const key of deletionOrder) {
          set.delete(key);
          left.delete(key);
          for (const k of keys) assert.equal(set.has(k), left.has(k), `has(${k}) after deleting ${key}`);
        }
        assert.equal(set.size, 0);
      },
    ),
    { numRuns: 500 },
  );
});

test('U32Set: only unsigned 32-bit integers go in; anything else is never found', () => {
  const set = new U32Set();
  for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
    assert.throws(() => set.add(bad), RangeError);
    assert.equal(set.has(bad), false);
  }
  set.add(7);
  set.clear();
  assert.equal(set.size, 0);
  assert.equal(set.has(7), false);
});

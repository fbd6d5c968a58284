import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BACKEND } from '../../../src/crypto/backend.ts';
import { contentHash, memoizingBackend } from '../../../sim/asoc/memo-crypto.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('memo: the same key in two arrays shares what was computed; another key does not', () => {
  const memo = memoizingBackend(DEFAULT_BACKEND);
  const message = bytes('announcement');
  const first = memo.hmacSha256(bytes('shared key'), message);
  const second = memo.hmacSha256(bytes('shared key'), message.slice());
  const other = memo.hmacSha256(bytes('other key'), message);
  assert.deepEqual(first, DEFAULT_BACKEND.hmacSha256(bytes('shared key'), message));
  assert.deepEqual(second, first);
  assert.deepEqual(other, DEFAULT_BACKEND.hmacSha256(bytes('other key'), message));
  assert.notDeepEqual(other, first);
  assert.deepEqual(memo.hmacStats, { requested: 3, computed: 2 });
});

test('memo: callers own their copy; long inputs are always computed; many keys stay bounded and correct', () => {
  const memo = memoizingBackend(DEFAULT_BACKEND, 2);
  const key = bytes('k');
  const mac = memo.hmacSha256(key, bytes('a'));
  mac.fill(0);
  assert.deepEqual(memo.hmacSha256(key, bytes('a')), DEFAULT_BACKEND.hmacSha256(key, bytes('a')));
  const long = new Uint8Array(65);
  memo.hmacSha256(key, long);
  memo.hmacSha256(key, long);
  assert.deepEqual(memo.hmacStats, { requested: 4, computed: 3 });
  for (let i = 0; i < 2_100; i++) {
    const k = bytes(`key ${i}`);
    assert.deepEqual(memo.hmacSha256(k, bytes('b')), DEFAULT_BACKEND.hmacSha256(k, bytes('b')));
  }
});

test('memo: two inputs whose hashes collide each get their own MAC (the bytes are compared, not only the hash)', () => {
  const seen = new Map<number, Uint8Array>();
  let pair: [Uint8Array, Uint8Array] | null = null;
  for (let i = 0; pair === null && i < 1_000_000; i++) {
    const input = new Uint8Array(new Uint32Array([i, Math.imul(i, 0x9e3779b1)]).buffer);
    const earlier = seen.get(contentHash(input));
    if (earlier) pair = [earlier, input];
    else seen.set(contentHash(input), input);
  }
  assert.ok(pair, 'no colliding pair among a million 8-byte inputs');
  const memo = memoizingBackend(DEFAULT_BACKEND);
  const key = bytes('k');
  for (const input of [...pair, ...pair]) assert.deepEqual(memo.hmacSha256(key, input), DEFAULT_BACKEND.hmacSha256(key, input));
  assert.deepEqual(memo.hmacStats, { requested: 4, computed: 2 });
});

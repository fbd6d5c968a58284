/** What each security kind takes as the API key: v1 anything non-empty (warned when weak), asoc-hardened 32 random bytes only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { WeakKeyError, checkHardenedKey, checkV1Key } from '../../src/core/api-key.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../src/core/profile.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { AsocNode } from '../../src/net/node.ts';
import { seededRandom } from '../support/random.ts';

const text = (s: string) => new TextEncoder().encode(s);

test('v1 takes any non-empty key as given, and warns below the RFC\'s 128-bit minimum and its 256-bit recommendation', () => {
  assert.deepEqual(checkV1Key(text('k7q2zx')).key, text('k7q2zx'));
  assert.match(checkV1Key(text('k7q2zx')).warning!, /6 bytes, below RFC-0002 §4\.5's minimum of 128 bits/);
  assert.match(checkV1Key(text('a'.repeat(20))).warning!, /below RFC-0002 §4\.5's recommended 256 bits/);
  assert.equal(checkV1Key(text(randomBytes(32).toString('hex'))).warning, null);
  assert.throws(() => checkV1Key(new Uint8Array(0)), WeakKeyError);
});

test('asoc-hardened takes 32 bytes, or 64 hex digits as text, to the same key', () => {
  const key = randomBytes(32);
  assert.deepEqual(checkHardenedKey(key), { key, warning: null });
  assert.deepEqual(checkHardenedKey(text(bytesToHex(key))).key, Uint8Array.from(key));
  assert.deepEqual(checkHardenedKey(text(bytesToHex(key).toUpperCase())).key, Uint8Array.from(key));
});

test('asoc-hardened refuses every other key with a message that says what is wrong and how to make one', () => {
  const refusals: [Uint8Array, RegExp][] = [
    [text('k7q2zx'), /32 random bytes, written as 64 hex digits; got 6 bytes \(generate one with: openssl rand -hex 32\)/],
    [text('g'.repeat(64)), /got 64 bytes that are not 64 hex digits/],
    [randomBytes(31), /got 31 bytes/],
    [text('0123456789abcdef'.repeat(4)), /only 8 distinct byte values \(a random key has about 30\)/],
    [new Uint8Array(32), /only 1 distinct byte values/],
  ];
  for (const [key, message] of refusals) assert.throws(() => checkHardenedKey(key), (err: unknown) => err instanceof WeakKeyError && message.test(err.message), String(key));
});

test('the refusal comes before any byte is sent: a connection cannot be made, nor a node', () => {
  const make = () => new AsocConnection({ role: 'client', profile: ASOC_HARDENED, nodeId: new Uint8Array(16).fill(1), apiKey: text('k7q2zx'), crypto: nodeBackend, random: seededRandom('k'), now: 0 });
  assert.throws(make, WeakKeyError);
  assert.throws(() => new AsocNode({ community: 'c', apiKey: 'k7q2zx', profile: ASOC_HARDENED, discovery: false }), WeakKeyError);
  const v1 = new AsocNode({ community: 'c', apiKey: 'k7q2zx', profile: ASOC_V1, discovery: false });
  assert.match(v1.keyWarning!, /6 bytes/);
  assert.equal(new AsocNode({ community: 'c', apiKey: randomBytes(32).toString('hex'), profile: ASOC_HARDENED, discovery: false }).keyWarning, null);
});

/** Truncated HMAC-SHA256 on both backends, constant-time comparison and signature verification. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BACKENDS, nobleBackend, nodeBackend } from '../../src/crypto/backend.ts';
import { constantTimeEqual, constantTimeEqualAt, truncatedHmac, verifyTruncatedHmac } from '../../src/crypto/mac.ts';

const backends = Object.values(BACKENDS);
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const filled = (byte: number, length: number): Uint8Array => new Uint8Array(length).fill(byte);
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** RFC 4231 §4.2–§4.8, HMAC-SHA-256 results (test case 5 is truncated to 128 bits by the RFC itself). */
const RFC4231: Array<{ id: number; key: Uint8Array; data: Uint8Array; mac: string }> = [
  { id: 1, key: filled(0x0b, 20), data: ascii('Hi There'), mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { id: 2, key: ascii('Jefe'), data: ascii('what do ya want for nothing?'), mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { id: 3, key: filled(0xaa, 20), data: filled(0xdd, 50), mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  {
    id: 4,
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: filled(0xcd, 50),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  { id: 5, key: filled(0x0c, 20), data: ascii('Test With Truncation'), mac: 'a3b6167473100ee06e0c796c2955552b' },
  {
    id: 6,
    key: filled(0xaa, 131),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    id: 7,
    key: filled(0xaa, 131),
    data: ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

for (const backend of backends) {
  test(`truncatedHmac (${backend.name}) matches the RFC 4231 HMAC-SHA256 test cases`, () => {
    for (const tc of RFC4231) {
      assert.equal(toHex(truncatedHmac(backend, tc.key, tc.data, tc.mac.length / 2)), tc.mac, `test case ${tc.id}`);
    }
  });
}

test('node and noble agree on SHA-256 and HMAC-SHA256, and truncation is a prefix', () => {
  const bytes = (maxLength: number) => fc.uint8Array({ maxLength, size: 'max' });
  fc.assert(
    fc.property(bytes(200), bytes(300), fc.integer({ min: 0, max: 32 }), (key, data, length) => {
      assert.deepStrictEqual(nobleBackend.sha256(data), nodeBackend.sha256(data));
      const full = nodeBackend.hmacSha256(key, data);
      assert.deepStrictEqual(nobleBackend.hmacSha256(key, data), full);
      assert.deepStrictEqual(truncatedHmac(nobleBackend, key, data, length), full.slice(0, length));
    }),
    { numRuns: 50 },
  );
});

/** Every value of `bytes` with exactly one bit flipped. */
function* oneBitFlips(bytes: Uint8Array): Generator<Uint8Array> {
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const flipped = bytes.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    yield flipped;
  }
}

test('constantTimeEqual: equal bytes, different lengths, every one-bit difference', () => {
  const a = hex('00112233445566778899aabbccddeeff');
  const inLargerBuffer = new Uint8Array(24);
  inLargerBuffer.set(a, 5);
  assert.equal(constantTimeEqual(a, a.slice()), true);
  assert.equal(constantTimeEqual(a, inLargerBuffer.subarray(5, 21)), true);
  assert.equal(constantTimeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  assert.equal(constantTimeEqual(a, a.subarray(0, 15)), false);
  assert.equal(constantTimeEqual(a.subarray(0, 15), a), false);
  assert.equal(constantTimeEqual(a, Uint8Array.of(...a, 0)), false);
  assert.equal(constantTimeEqual(a, new Uint8Array(0)), false);
  for (const flipped of oneBitFlips(a)) assert.equal(constantTimeEqual(a, flipped), false, toHex(flipped));
});

test('constantTimeEqualAt: compares the given ranges in place; a range past either end is unequal', () => {
  const a = hex('00112233445566778899aabbccddeeff');
  const framed = Uint8Array.of(9, 9, ...a, 7);
  assert.equal(constantTimeEqualAt(framed, 2, a, 0, 16), true);
  assert.equal(constantTimeEqualAt(framed, 3, a, 1, 15), true);
  assert.equal(constantTimeEqualAt(framed, 1, a, 0, 16), false);
  assert.equal(constantTimeEqualAt(framed, 3, a, 0, 16), false, 'past the end of framed');
  assert.equal(constantTimeEqualAt(a, 1, a, 1, 16), false, 'past the end of both');
  assert.equal(constantTimeEqualAt(a, -1, a, -1, 2), false);
  assert.equal(constantTimeEqualAt(a, 16, framed, 18, 0), true, 'nothing to compare');
  for (const flipped of oneBitFlips(a)) assert.equal(constantTimeEqualAt(framed, 2, flipped, 0, 16), false, toHex(flipped));
});

const KEY = ascii('test-secret-key');
const SIGNED = hex('a1b2c3d4e5f607182930a1b2c3d4e5f612345678'); // a HELLO's node_uuid ‖ challenge
const HELLO_SIG = hex('8b6d98913a9f26e16ba09fadc8fb89d1'); // from the reference vectors

for (const backend of backends) {
  test(`verifyTruncatedHmac (${backend.name}) accepts the right signature and nothing else`, () => {
    const full = backend.hmacSha256(KEY, SIGNED);
    assert.deepStrictEqual(full.subarray(0, 16), HELLO_SIG);
    assert.equal(verifyTruncatedHmac(backend, KEY, SIGNED, HELLO_SIG, 16), true);
    const refused: Array<[string, Uint8Array, number]> = [
      ['an 8-byte prefix of the right signature', HELLO_SIG.subarray(0, 8), 16],
      ['a 15-byte prefix of the right signature', HELLO_SIG.subarray(0, 15), 16],
      ['the untruncated 32-byte MAC', full, 16],
      ['the right 16 bytes where 8 are expected', HELLO_SIG, 8],
      ['an empty signature', new Uint8Array(0), 16],
      ['the signature under another key', truncatedHmac(backend, ascii('test-secret-kez'), SIGNED, 16), 16],
    ];
    for (const [what, sig, length] of refused) assert.equal(verifyTruncatedHmac(backend, KEY, SIGNED, sig, length), false, what);
    for (const flipped of oneBitFlips(HELLO_SIG)) assert.equal(verifyTruncatedHmac(backend, KEY, SIGNED, flipped, 16), false, toHex(flipped));
    // The signature read where it sits in a message: from sigAt to the end, exactly `length` bytes.
    const message = Uint8Array.of(...SIGNED, ...HELLO_SIG);
    assert.equal(verifyTruncatedHmac(backend, KEY, SIGNED, message, 16, SIGNED.length), true);
    assert.equal(verifyTruncatedHmac(backend, KEY, SIGNED, Uint8Array.of(...message, 0), 16, SIGNED.length), false, 'a byte after the signature');
    assert.equal(verifyTruncatedHmac(backend, KEY, SIGNED, message, 16, SIGNED.length - 1), false, 'one byte early');
  });
}

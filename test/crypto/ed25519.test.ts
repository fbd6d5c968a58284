import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { isUsablePublicKey, montgomeryOf, nobleEd25519, nodeEd25519, ed25519Of, type Ed25519 } from '../../src/crypto/ed25519.ts';
import { blake3DeriveKey, blake3Digest } from '../../src/crypto/blake3.ts';
import { nobleBackend, nodeBackend } from '../../src/crypto/backend.ts';
import { hexToBytes, bytesToHex } from '../../src/wire/bytes.ts';

const IMPLEMENTATIONS: Ed25519[] = [nodeEd25519, nobleEd25519];

/** A canonical y with no x on the curve: the smallest such y. */
function notAPoint(): Uint8Array {
  for (let y = 2; ; y++) {
    const key = new Uint8Array(32);
    key[0] = y;
    try {
      ed25519.Point.fromBytes(key, false);
    } catch {
      return key;
    }
  }
}

// RFC 8032 §7.1, TEST 1 and TEST 2.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

for (const impl of IMPLEMENTATIONS) {
  test(`ed25519 [${impl.name}]: RFC 8032 vectors sign and verify; an altered message or signature does not verify`, () => {
    for (const v of RFC8032) {
      const seed = hexToBytes(v.seed);
      const message = hexToBytes(v.message);
      assert.equal(bytesToHex(impl.publicKey(seed)), v.publicKey);
      assert.equal(bytesToHex(impl.sign(seed, message)), v.signature);
      const signature = hexToBytes(v.signature);
      assert.equal(impl.verify(hexToBytes(v.publicKey), message, signature), true);
      assert.equal(impl.verify(hexToBytes(v.publicKey), Uint8Array.of(...message, 0), signature), false);
      const altered = signature.slice();
      altered[10]! ^= 1;
      assert.equal(impl.verify(hexToBytes(v.publicKey), message, altered), false);
    }
  });

  test(`ed25519 [${impl.name}]: malformed keys and signatures are false, never an exception; a bad seed is a RangeError`, () => {
    const v = RFC8032[0]!;
    const signature = hexToBytes(v.signature);
    const identity = Uint8Array.of(1, ...new Uint8Array(31)); // the neutral point: small order
    const notCanonical = new Uint8Array(32).fill(0xff);
    for (const key of [identity, notCanonical, notAPoint(), new Uint8Array(31), new Uint8Array(33)]) assert.equal(impl.verify(key, new Uint8Array(0), signature), false);
    assert.equal(impl.verify(hexToBytes(v.publicKey), new Uint8Array(0), signature.subarray(0, 63)), false);
    // The neutral point "signs" everything with R = neutral, S = 0 under a cofactorless check: refused.
    assert.equal(impl.verify(identity, Uint8Array.of(1, 2, 3), Uint8Array.of(1, ...new Uint8Array(63))), false);
    assert.equal(impl.sharedSecret(hexToBytes(v.seed), identity), null);
    assert.throws(() => impl.sign(new Uint8Array(31), new Uint8Array(0)), RangeError);
  });
}

test('ed25519: node:crypto and noble agree on keys, signatures and X25519 secrets, and the secret is the same from both ends', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (a, b, message) => {
      const publicA = nodeEd25519.publicKey(a);
      const publicB = nodeEd25519.publicKey(b);
      assert.deepEqual(nobleEd25519.publicKey(a), publicA);
      assert.deepEqual(nobleEd25519.sign(a, message), nodeEd25519.sign(a, message));
      assert.ok(nobleEd25519.verify(publicA, message, nodeEd25519.sign(a, message)));
      const secret = nodeEd25519.sharedSecret(a, publicB)!;
      assert.equal(secret.length, 32);
      assert.deepEqual(nobleEd25519.sharedSecret(a, publicB), secret);
      assert.deepEqual(nodeEd25519.sharedSecret(b, publicA), secret);
    }),
    { numRuns: 30 },
  );
});

test('usable public keys: every point of small order is refused, with or without the sign bit, and every y >= p', () => {
  // A point of order 8; its multiples are the eight points of order dividing 8.
  const t = ed25519.Point.fromBytes(hexToBytes('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'), false);
  assert.ok(t.multiply(8n).equals(ed25519.Point.ZERO) && !t.multiply(4n).equals(ed25519.Point.ZERO));
  const torsion = [ed25519.Point.ZERO, ...[1n, 2n, 3n, 4n, 5n, 6n, 7n].map((k) => t.multiply(k))].map((point) => point.toBytes());
  assert.equal(new Set(torsion.map(bytesToHex)).size, 8);
  for (const key of torsion) {
    assert.equal(isUsablePublicKey(key), false, bytesToHex(key));
    const signBit = key.slice();
    signBit[31]! ^= 0x80;
    assert.equal(isUsablePublicKey(signBit), false, `${bytesToHex(signBit)}: the other sign`);
  }
  for (let excess = 0; excess < 19; excess++) {
    const y = hexToBytes('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'); // p
    y[0]! += excess;
    assert.equal(isUsablePublicKey(y), false, `y = p + ${excess}`);
    y[31]! |= 0x80;
    assert.equal(isUsablePublicKey(y), false, `y = p + ${excess}, sign bit set`);
  }
  assert.ok(isUsablePublicKey(hexToBytes('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7e')), 'y just below p - 1 is canonical');
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => assert.ok(isUsablePublicKey(nodeEd25519.publicKey(seed)))));
});

test('the Montgomery map is noble\'s', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
    const key = nobleEd25519.publicKey(seed);
    assert.deepEqual(montgomeryOf(key), ed25519.utils.toMontgomery(key));
  }), { numRuns: 30 });
});

test('ed25519Of follows the backend\'s implementation by name', () => {
  assert.equal(ed25519Of(nodeBackend), nodeEd25519);
  assert.equal(ed25519Of(nobleBackend), nobleEd25519);
  assert.equal(ed25519Of({ ...nodeBackend }), nodeEd25519, 'a wrapped backend keeps its implementation');
});

test('blake3: the official test vector for empty input, and derive_key separates contexts', () => {
  assert.equal(bytesToHex(blake3Digest(new Uint8Array(0))), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  const material = new Uint8Array(32).fill(7);
  const one = blake3DeriveKey('asoc-lab test one', material, 40);
  assert.equal(one.length, 40);
  assert.notDeepEqual(blake3DeriveKey('asoc-lab test two', material, 40), one);
  assert.deepEqual(blake3DeriveKey('asoc-lab test one', material, 40), one);
});

/**
 * Ed25519 signatures (RFC 8032), 32-byte seeds as secret keys, on the same two implementations as
 * the rest of the crypto layer (backend.ts): node:crypto (OpenSSL) and @noble/curves. And X25519
 * (RFC 7748) between two Ed25519 identities, each key taken to its Montgomery form, so two peers
 * known only by their signing keys share a secret without exchanging another key (the subduction
 * kind keys its frame tags with it: docs/subduction.md §4).
 *
 * Both implementations refuse the same public keys: encodings that are not canonical and points of
 * small order (a key of small order "verifies" forged signatures and agrees a predictable secret).
 * The check compares bytes only; decoding a point in JavaScript costs more than OpenSSL's whole
 * verification. Both implementations also take the Edwards-to-Montgomery map from here (curve
 * arithmetic on public values, which OpenSSL does not expose).
 */
import { createHash, diffieHellman, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { invert } from '@noble/curves/abstract/modular.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { BackendName, CryptoBackend } from './backend.ts';
import { okpPrivateKey, okpPublicKey, rawPublicKey } from './okp-keys.ts';

export const ED25519_SEED_SIZE = 32;
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

export interface Ed25519 {
  readonly name: BackendName;
  publicKey(seed: Uint8Array): Uint8Array;
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** RFC 8032 verification; false, never an exception, for any malformed or refused key or signature. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * X25519 between this seed's key and the peer's Ed25519 key, or null when the peer's key is
   * refused. Meant for a key that has verified a signature: one that is no point at all is not
   * caught here (it cannot have verified anything).
   */
  sharedSecret(seed: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | null;
}

/**
 * The encodings of the eight points of small order (libsodium's list): the neutral point, (0, -1),
 * the two of order 4 and the four of order 8; and the neutral point and (0, -1) with the sign bit
 * set, which RFC 8032 does not decode. Every other encoding of a small-order point has y >= p.
 */
const SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
];
const SMALL_ORDER_SET = new Set(SMALL_ORDER);

/** A public key both implementations accept: 32 bytes, y canonical (below p = 2^255 - 19), not of small order. */
export function isUsablePublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  return !hasNonCanonicalY(publicKey) && !SMALL_ORDER_SET.has(Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.length).toString('hex'));
}

/** y (the 255 low bits, little-endian) >= p: bytes 1..30 all 0xff, the top byte 0x7f under the sign bit, the lowest >= 0xed. */
function hasNonCanonicalY(key: Uint8Array): boolean {
  if ((key[31]! & 0x7f) !== 0x7f || key[0]! < 0xed) return false;
  for (let i = 1; i < 31; i++) if (key[i] !== 0xff) return false;
  return true;
}

const P = 2n ** 255n - 19n;

/** The Montgomery u of an Edwards point from its y alone: u = (1 + y) / (1 - y) mod p (RFC 7748 §4.1). */
export function montgomeryOf(publicKey: Uint8Array): Uint8Array {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? publicKey[i]! & 0x7f : publicKey[i]!);
  let u = ((1n + y) * invert((1n - y + P) % P, P)) % P;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, u >>= 8n) out[i] = Number(u & 0xffn);
  return out;
}

function requireSeed(seed: Uint8Array): void {
  if (seed.length !== ED25519_SEED_SIZE) throw new RangeError(`an Ed25519 seed is ${ED25519_SEED_SIZE} bytes, got ${seed.length}`);
}

interface OwnKeys {
  signing: KeyObject;
  /** X25519: the first half of SHA-512(seed), the scalar Ed25519 signs with (X25519 clamps it itself). */
  agreeing: KeyObject;
}

/**
 * OpenSSL key objects of a seed, made once per seed array: making one derives the public key (a
 * scalar multiplication, ten times the cost of a signature), and a node hands the same identity to
 * every connection. Held weakly, so a forgotten identity is forgotten here too.
 */
const ownKeys = new WeakMap<Uint8Array, OwnKeys>();

function ownKeysOf(seed: Uint8Array): OwnKeys {
  requireSeed(seed);
  let keys = ownKeys.get(seed);
  if (!keys) {
    const scalar = createHash('sha512').update(seed).digest().subarray(0, 32);
    keys = { signing: okpPrivateKey('Ed25519', seed), agreeing: okpPrivateKey('X25519', scalar) };
    ownKeys.set(seed, keys);
  }
  return keys;
}

function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export const nodeEd25519: Ed25519 = {
  name: 'node',
  publicKey(seed) {
    return rawPublicKey(ownKeysOf(seed).signing);
  },
  sign(seed, message) {
    return plain(nodeSign(null, message, ownKeysOf(seed).signing));
  },
  verify(publicKey, message, signature) {
    if (signature.length !== ED25519_SIGNATURE_SIZE || !isUsablePublicKey(publicKey)) return false;
    try {
      return nodeVerify(null, message, okpPublicKey('Ed25519', publicKey), signature);
    } catch {
      return false; // OpenSSL could not decode the key as a point
    }
  },
  sharedSecret(seed, peerPublicKey) {
    const privateKey = ownKeysOf(seed).agreeing;
    if (!isUsablePublicKey(peerPublicKey)) return null;
    const publicKey = okpPublicKey('X25519', montgomeryOf(peerPublicKey));
    try {
      return plain(diffieHellman({ privateKey, publicKey }));
    } catch {
      return null; // an all-zero secret: OpenSSL refuses it
    }
  },
};

export const nobleEd25519: Ed25519 = {
  name: 'noble',
  publicKey(seed) {
    requireSeed(seed);
    return ed25519.getPublicKey(seed);
  },
  sign(seed, message) {
    requireSeed(seed);
    return ed25519.sign(message, seed);
  },
  verify(publicKey, message, signature) {
    if (signature.length !== ED25519_SIGNATURE_SIZE || !isUsablePublicKey(publicKey)) return false;
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  sharedSecret(seed, peerPublicKey) {
    requireSeed(seed);
    if (!isUsablePublicKey(peerPublicKey)) return null;
    try {
      return x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(seed), montgomeryOf(peerPublicKey));
    } catch {
      return null; // an all-zero secret: noble refuses it
    }
  },
};

const ED25519: Record<BackendName, Ed25519> = { node: nodeEd25519, noble: nobleEd25519 };

/** The Ed25519 of the same implementation as a crypto backend (by its name, so a wrapped backend keeps its own). */
export function ed25519Of(crypto: CryptoBackend): Ed25519 {
  return ED25519[crypto.name];
}

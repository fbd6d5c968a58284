/**
 * Ed25519 signatures (RFC 8032), 32-byte seeds as secret keys, on the same two implementations as
 * the rest of the crypto layer (backend.ts): node:crypto (OpenSSL) and @noble/curves. And X25519
 * (RFC 7748) between two Ed25519 identities, each key taken to its Montgomery form, so two peers
 * known only by their signing keys share a secret without exchanging another key (the subduction
 * kind keys its frame tags with it: docs/subduction.md §4).
 *
 * Both implementations refuse the same public keys: encodings that are not canonical and points of
 * small order (a key of small order "verifies" forged signatures and agrees an all-zero secret).
 * That check is curve arithmetic that OpenSSL does not expose, so both take it from noble, as they
 * take the Edwards-to-Montgomery map.
 */
import { createHash, createPrivateKey, createPublicKey, diffieHellman, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { BackendName, CryptoBackend } from './backend.ts';

export const ED25519_SEED_SIZE = 32;
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

export interface Ed25519 {
  readonly name: BackendName;
  publicKey(seed: Uint8Array): Uint8Array;
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** RFC 8032 verification; false, never an exception, for any malformed or refused key or signature. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** X25519 between this seed's key and the peer's Ed25519 key, or null when the peer's key is refused. */
  sharedSecret(seed: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | null;
}

/** A public key both implementations accept: 32 bytes, canonically encoded, a point not of small order. */
export function isUsablePublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  try {
    return !ed25519.Point.fromBytes(publicKey, false).isSmallOrder();
  } catch {
    return false; // not a point, or not its canonical encoding
  }
}

// DER prefixes of RFC 8410 keys: PKCS#8 for a private key, SPKI for a public one, then the 32 raw bytes.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

function derKey(prefix: Buffer, raw: Uint8Array, kind: 'private' | 'public'): KeyObject {
  const key = Buffer.concat([prefix, raw]);
  return kind === 'private' ? createPrivateKey({ key, format: 'der', type: 'pkcs8' }) : createPublicKey({ key, format: 'der', type: 'spki' });
}

function requireSeed(seed: Uint8Array): void {
  if (seed.length !== ED25519_SEED_SIZE) throw new RangeError(`an Ed25519 seed is ${ED25519_SEED_SIZE} bytes, got ${seed.length}`);
}

function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export const nodeEd25519: Ed25519 = {
  name: 'node',
  publicKey(seed) {
    requireSeed(seed);
    return plain(createPublicKey(derKey(ED25519_PKCS8, seed, 'private')).export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI.length));
  },
  sign(seed, message) {
    requireSeed(seed);
    return plain(nodeSign(null, message, derKey(ED25519_PKCS8, seed, 'private')));
  },
  verify(publicKey, message, signature) {
    if (signature.length !== ED25519_SIGNATURE_SIZE || !isUsablePublicKey(publicKey)) return false;
    return nodeVerify(null, message, derKey(ED25519_SPKI, publicKey, 'public'), signature);
  },
  sharedSecret(seed, peerPublicKey) {
    requireSeed(seed);
    if (!isUsablePublicKey(peerPublicKey)) return null;
    // The X25519 scalar of an Ed25519 seed is the first half of SHA-512(seed) (X25519 clamps it itself).
    const scalar = createHash('sha512').update(seed).digest().subarray(0, 32);
    const privateKey = derKey(X25519_PKCS8, scalar, 'private');
    const publicKey = derKey(X25519_SPKI, ed25519.utils.toMontgomery(peerPublicKey), 'public');
    return plain(diffieHellman({ privateKey, publicKey }));
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
    return x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(seed), ed25519.utils.toMontgomery(peerPublicKey));
  },
};

const ED25519: Record<BackendName, Ed25519> = { node: nodeEd25519, noble: nobleEd25519 };

/** The Ed25519 of the same implementation as a crypto backend (by its name, so a wrapped backend keeps its own). */
export function ed25519Of(crypto: CryptoBackend): Ed25519 {
  return ED25519[crypto.name];
}

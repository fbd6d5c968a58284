/**
 * Ephemeral X25519 (RFC 7748) on the same two implementations as the rest of the crypto layer
 * (backend.ts): node:crypto (OpenSSL) and @noble/curves. The 32-byte secret comes from the caller
 * (a handshake draws it from the random source it was given, so a simulated run stays
 * deterministic); X25519 clamps it itself. A shared secret of all zeros, which a peer's key of small
 * order forces whatever our secret, is refused by both (RFC 7748 §6.1), as null.
 */
import { diffieHellman } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import type { BackendName, CryptoBackend } from './backend.ts';
import { okpPrivateKey, okpPublicKey, rawPublicKey } from './okp-keys.ts';

export const X25519_KEY_SIZE = 32;

export interface X25519 {
  readonly name: BackendName;
  publicKey(secret: Uint8Array): Uint8Array;
  /** The shared secret, or null when the peer's key is not 32 bytes or forces the all-zero secret. */
  sharedSecret(secret: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | null;
}

function requireSecret(secret: Uint8Array): void {
  if (secret.length !== X25519_KEY_SIZE) throw new RangeError(`an X25519 secret is ${X25519_KEY_SIZE} bytes, got ${secret.length}`);
}

const allZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

const nodeX25519: X25519 = {
  name: 'node',
  publicKey(secret) {
    requireSecret(secret);
    return rawPublicKey(okpPrivateKey('X25519', secret));
  },
  sharedSecret(secret, peerPublicKey) {
    requireSecret(secret);
    if (peerPublicKey.length !== X25519_KEY_SIZE) return null;
    try {
      const shared = diffieHellman({ privateKey: okpPrivateKey('X25519', secret), publicKey: okpPublicKey('X25519', peerPublicKey) });
      const bytes = new Uint8Array(shared.buffer, shared.byteOffset, shared.byteLength);
      return allZero(bytes) ? null : bytes;
    } catch {
      return null; // OpenSSL refuses the all-zero secret itself
    }
  },
};

const nobleX25519: X25519 = {
  name: 'noble',
  publicKey(secret) {
    requireSecret(secret);
    return x25519.getPublicKey(secret);
  },
  sharedSecret(secret, peerPublicKey) {
    requireSecret(secret);
    if (peerPublicKey.length !== X25519_KEY_SIZE) return null;
    try {
      const shared = x25519.getSharedSecret(secret, peerPublicKey);
      return allZero(shared) ? null : shared;
    } catch {
      return null; // noble refuses the all-zero secret itself
    }
  },
};

const X25519S: Record<BackendName, X25519> = { node: nodeX25519, noble: nobleX25519 };

/** The X25519 of the same implementation as a crypto backend (by its name, so a wrapped backend keeps its own). */
export function x25519Of(crypto: CryptoBackend): X25519 {
  return X25519S[crypto.name];
}

/**
 * Raw 32-byte Ed25519 and X25519 keys as node:crypto key objects, through JWK (RFC 8037's "OKP"
 * keys) rather than DER, whose decoding in OpenSSL 3 is slow: `asoc-lab bench crypto --groups
 * key-exchange` timed node:crypto's X25519 public key at 426 µs and shared secret at 476 µs with
 * keys imported from DER, and at 36 and 74 µs with keys imported as JWK, on the lab's VM.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export type OkpCurve = 'Ed25519' | 'X25519';

/**
 * JWK requires the public `x` beside `d`, but node:crypto builds the key from `d` alone (the public
 * key is derived from it, whatever `x` says), so a placeholder stands in for the public key we do
 * not have yet. test/core/hardened-x25519.test.ts and test/crypto/ed25519.test.ts check the public
 * keys derived this way against @noble/curves and RFC vectors, so a Node that began to check `x`
 * would fail there, not in use.
 */
const PLACEHOLDER_X = Buffer.alloc(32).toString('base64url');

export function okpPrivateKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: curve, d: Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('base64url'), x: PLACEHOLDER_X }, format: 'jwk' });
}

export function okpPublicKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: curve, x: Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('base64url') }, format: 'jwk' });
}

/** The raw 32 bytes of a key object's public key. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const x = createPublicKey(key).export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new Error(`${key.asymmetricKeyType} key has no public x`);
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

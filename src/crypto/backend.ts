/**
 * The two implementations of the primitives the lab runs on: node:crypto (OpenSSL) and the audited
 * pure-JS @noble libraries (the same everywhere). `npm run bench:crypto` times both; DEFAULT_BACKEND
 * follows what it measured on this kind of machine.
 *
 * v1 needs SHA-256 and HMAC-SHA256; asoc-hardened adds HKDF-SHA256 (RFC 5869) and AES-256-GCM.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

export type BackendName = 'node' | 'noble';

/** AES-256-GCM with a 16-byte tag. `aad` parts are authenticated in order, as if concatenated. */
export interface Aes256Gcm {
  seal(key: Uint8Array, nonce: Uint8Array, aad: readonly Uint8Array[], plaintext: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array };
  /** The plaintext, or null when the tag does not verify (nothing of the input is trusted then). */
  open(key: Uint8Array, nonce: Uint8Array, aad: readonly Uint8Array[], ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null;
}

export interface CryptoBackend {
  readonly name: BackendName;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  readonly aes256gcm: Aes256Gcm;
}

export const GCM_TAG_SIZE = 16;
export const GCM_NONCE_SIZE = 12;
const EMPTY = new Uint8Array(0);

const nodeGcm: Aes256Gcm = {
  seal(key, nonce, aad, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_SIZE });
    for (const part of aad) if (part.length > 0) cipher.setAAD(part);
    const ciphertext = plaintext.length > 0 ? joinBuffers(cipher.update(plaintext), cipher.final()) : (cipher.final(), EMPTY);
    return { ciphertext, tag: new Uint8Array(cipher.getAuthTag()) };
  },
  open(key, nonce, aad, ciphertext, tag) {
    if (tag.length !== GCM_TAG_SIZE) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_SIZE });
    for (const part of aad) if (part.length > 0) decipher.setAAD(part);
    decipher.setAuthTag(tag);
    try {
      const head = ciphertext.length > 0 ? decipher.update(ciphertext) : EMPTY;
      return joinBuffers(head, decipher.final());
    } catch {
      return null; // "Unsupported state or unable to authenticate data": the tag did not verify
    }
  },
};

const nobleGcm: Aes256Gcm = {
  seal(key, nonce, aad, plaintext) {
    const sealed = gcm(key, nonce, joinAll(aad)).encrypt(plaintext);
    return { ciphertext: sealed.subarray(0, sealed.length - GCM_TAG_SIZE), tag: sealed.subarray(sealed.length - GCM_TAG_SIZE) };
  },
  open(key, nonce, aad, ciphertext, tag) {
    if (tag.length !== GCM_TAG_SIZE) return null;
    try {
      return gcm(key, nonce, joinAll(aad)).decrypt(joinAll([ciphertext, tag]));
    } catch {
      return null;
    }
  },
};

export const nodeBackend: CryptoBackend = {
  name: 'node',
  sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
  hkdfSha256: (ikm, salt, info, length) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, length)),
  aes256gcm: nodeGcm,
};

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  aes256gcm: nobleGcm,
};

export const BACKENDS: Record<BackendName, CryptoBackend> = { node: nodeBackend, noble: nobleBackend };

/** Chosen by `npm run bench:crypto` (see reports/bench-crypto-*.json): node:crypto was faster at every size it timed. */
export const DEFAULT_BACKEND: CryptoBackend = nodeBackend;

export function backendByName(name: string): CryptoBackend {
  const backend = (BACKENDS as Record<string, CryptoBackend | undefined>)[name];
  if (!backend) throw new Error(`unknown crypto backend "${name}" (expected one of: ${Object.keys(BACKENDS).join(', ')})`);
  return backend;
}

function joinBuffers(head: Uint8Array, tail: Uint8Array): Uint8Array {
  if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.byteLength);
  return joinAll([head, tail]);
}

function joinAll(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

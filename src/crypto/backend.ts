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
import { concatBytes } from '../wire/bytes.ts';

export type BackendName = 'node' | 'noble';

/**
 * AES-256-GCM with a 16-byte tag, one message per context. A context is made for one key and
 * nonce and used for one message; making it is most of the cost of a small message with
 * node:crypto (key schedule, GHASH key, a native handle), so a caller that knows the next nonce
 * may make it ahead of time, while nothing waits.
 */
export interface Aes256Gcm {
  /** A message to seal: all AAD first, then the plaintext, then `finish`. */
  beginSeal(key: Uint8Array, nonce: Uint8Array): GcmSealing;
  /** A message to open, given in pieces, so a large frame is never assembled just to be checked. */
  beginOpen(key: Uint8Array, nonce: Uint8Array): GcmOpening;
}

/** One message being sealed. `aad` parts are authenticated in order, as if concatenated. */
export interface GcmSealing {
  aad(part: Uint8Array): void;
  /** Ciphertext for this piece as far as the backend can tell yet (noble: none until finish). */
  encrypt(part: Uint8Array): Uint8Array;
  /** The tag, and ciphertext still owed after what encrypt returned. */
  finish(): { rest: Uint8Array; tag: Uint8Array };
}

/**
 * One message being opened: all AAD first, then the ciphertext, then the tag. Nothing `decrypt`
 * returns may be used unless `finish` returns true.
 */
export interface GcmOpening {
  aad(part: Uint8Array): void;
  /** Plaintext for this piece as far as the backend can tell yet (noble: none until finish). */
  decrypt(part: Uint8Array): Uint8Array;
  /** Checks the tag; on success, `rest` is plaintext still owed after what decrypt returned. */
  finish(tag: Uint8Array): { ok: true; rest: Uint8Array } | { ok: false };
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
  beginSeal(key, nonce) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_SIZE });
    return {
      aad: (part) => void (part.length > 0 && cipher.setAAD(part)),
      encrypt: (part) => (part.length > 0 ? plain(cipher.update(part)) : EMPTY),
      finish() {
        const rest = cipher.final();
        return { rest: rest.length > 0 ? plain(rest) : EMPTY, tag: plain(cipher.getAuthTag()) };
      },
    };
  },
  beginOpen(key, nonce) {
    // OpenSSL takes GCM's AAD in several calls, so pieces are authenticated where they lie.
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_SIZE });
    return {
      aad: (part) => void (part.length > 0 && decipher.setAAD(part)),
      decrypt: (part) => (part.length > 0 ? plain(decipher.update(part)) : EMPTY),
      finish(tag) {
        if (tag.length !== GCM_TAG_SIZE) return { ok: false };
        decipher.setAuthTag(tag);
        try {
          return { ok: true, rest: plain(decipher.final()) };
        } catch {
          return { ok: false }; // "Unsupported state or unable to authenticate data": the tag did not verify
        }
      },
    };
  },
};

// noble's GCM is one-shot: the pieces are gathered and sealed or opened at the end (with the nonce as given now).
const nobleGcm: Aes256Gcm = {
  beginSeal(key, givenNonce) {
    const nonce = givenNonce.slice();
    const aad: Uint8Array[] = [];
    const plaintext: Uint8Array[] = [];
    return {
      aad: (part) => void aad.push(part),
      encrypt: (part) => (plaintext.push(part), EMPTY),
      finish() {
        const sealed = gcm(key, nonce, joinAll(aad)).encrypt(joinAll(plaintext));
        return { rest: sealed.subarray(0, sealed.length - GCM_TAG_SIZE), tag: sealed.subarray(sealed.length - GCM_TAG_SIZE) };
      },
    };
  },
  beginOpen(key, givenNonce) {
    const nonce = givenNonce.slice();
    const aad: Uint8Array[] = [];
    const ciphertext: Uint8Array[] = [];
    return {
      aad: (part) => void aad.push(part),
      decrypt: (part) => (ciphertext.push(part), EMPTY),
      finish(tag) {
        if (tag.length !== GCM_TAG_SIZE) return { ok: false };
        try {
          return { ok: true, rest: gcm(key, nonce, joinAll(aad)).decrypt(joinAll([...ciphertext, tag])) };
        } catch {
          return { ok: false };
        }
      },
    };
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

/** Joins parts, without a copy when at most one has bytes. */
function joinAll(parts: readonly Uint8Array[]): Uint8Array {
  const nonEmpty = parts.filter((part) => part.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  return nonEmpty.length === 1 ? nonEmpty[0]! : concatBytes(...nonEmpty);
}

/** A Buffer's bytes as a plain Uint8Array view (callers compare and hand them on as Uint8Array). */
function plain(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The two implementations of SHA-256 and HMAC-SHA256 the lab can run on: node:crypto (OpenSSL) and
 * @noble/hashes (audited pure JS, the same everywhere). `npm run bench:crypto` times both on the
 * handshake's message sizes; DEFAULT_BACKEND follows what it measured on this kind of machine.
 */
import { createHash, createHmac } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

export type BackendName = 'node' | 'noble';

export interface CryptoBackend {
  readonly name: BackendName;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
}

export const nodeBackend: CryptoBackend = {
  name: 'node',
  sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
};

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
};

export const BACKENDS: Record<BackendName, CryptoBackend> = { node: nodeBackend, noble: nobleBackend };

/** Chosen by `npm run bench:crypto` (see reports/bench-crypto-*.json): node:crypto was faster at every size it timed. */
export const DEFAULT_BACKEND: CryptoBackend = nodeBackend;

export function backendByName(name: string): CryptoBackend {
  const backend = (BACKENDS as Record<string, CryptoBackend | undefined>)[name];
  if (!backend) throw new Error(`unknown crypto backend "${name}" (expected one of: ${Object.keys(BACKENDS).join(', ')})`);
  return backend;
}

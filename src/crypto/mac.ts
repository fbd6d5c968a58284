/** Truncated HMAC-SHA256, the community hash and constant-time comparison (RFC-0002 §3.3, §4.2, §7.4). */
import type { CryptoBackend } from './backend.ts';

export function truncatedHmac(backend: CryptoBackend, key: Uint8Array, data: Uint8Array, length: number): Uint8Array {
  return backend.hmacSha256(key, data).subarray(0, length);
}

/** SHA-256(utf8(community))[0:8]: a namespace label, not a secret (RFC-0002 §3.2). */
export function communityHash(backend: CryptoBackend, community: string): Uint8Array {
  return backend.sha256(new TextEncoder().encode(community)).subarray(0, 8);
}

/**
 * Compares in time that depends only on the (public) length, as RFC-0002 §7.4 requires: every byte
 * is compared, with no early exit. A loop rather than node:crypto's timingSafeEqual, whose call costs
 * more than comparing the 4–32 bytes of a tag (a simulated 1,000-node network checks millions).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** Verifies a MAC truncated to `length` bytes over `data`, in constant time; a sig of another length fails. */
export function verifyTruncatedHmac(backend: CryptoBackend, key: Uint8Array, data: Uint8Array, sig: Uint8Array, length: number): boolean {
  return length > 0 && sig.length === length && constantTimeEqual(truncatedHmac(backend, key, data, length), sig);
}

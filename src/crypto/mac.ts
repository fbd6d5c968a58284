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
  return a.length === b.length && constantTimeEqualAt(a, 0, b, 0, a.length);
}

/**
 * constantTimeEqual over `length` bytes of `a` from `aAt` and of `b` from `bAt`, without a view of
 * either (a discovery datagram is checked in place); false when either has fewer bytes there.
 */
export function constantTimeEqualAt(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, length: number): boolean {
  if (aAt < 0 || bAt < 0 || aAt + length > a.length || bAt + length > b.length) return false;
  let difference = 0;
  for (let i = 0; i < length; i++) difference |= a[aAt + i]! ^ b[bAt + i]!;
  return difference === 0;
}

/**
 * Verifies a MAC truncated to `length` bytes over `data`, in constant time: the MAC's first `length`
 * bytes against `sig`'s `length` bytes from `sigAt` (a sig of another length fails).
 */
export function verifyTruncatedHmac(backend: CryptoBackend, key: Uint8Array, data: Uint8Array, sig: Uint8Array, length: number, sigAt = 0): boolean {
  return length > 0 && sig.length - sigAt === length && constantTimeEqualAt(backend.hmacSha256(key, data), 0, sig, sigAt, length);
}

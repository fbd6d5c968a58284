/**
 * BLAKE3, from @noble/hashes on every backend (node:crypto has no BLAKE3): its plain 32-byte
 * digest, which Subduction addresses content and binds its handshake Response with, and its
 * key-derivation mode, whose context string keeps every key the lab derives with it apart.
 */
import { blake3 } from '@noble/hashes/blake3.js';

export const BLAKE3_DIGEST_SIZE = 32;

export function blake3Digest(data: Uint8Array): Uint8Array {
  return blake3(data);
}

/** BLAKE3's derive_key mode: `length` bytes from key material under a fixed, unique context string. */
export function blake3DeriveKey(context: string, material: Uint8Array, length: number): Uint8Array {
  return blake3(material, { context: new TextEncoder().encode(context), dkLen: length });
}

/**
 * What a security kind takes as the cluster's API key. Every HELLO and every discovery datagram
 * carries a MAC under that key (or a key derived from it), so anyone who records one can test
 * guesses at the key offline, as fast as they can compute HMACs; only a key drawn at random from a
 * space too large to search keeps that from working.
 *
 * - v1 keeps RFC-0002 §4.5's rule as the reference applies it: any non-empty key, used as given
 *   (the text's bytes), with a warning below the RFC's minimum of 128 bits (16 bytes) or its
 *   recommended 256 bits (32 bytes).
 * - asoc-hardened takes only 32 random bytes: given as 64 hex digits (what `openssl rand -hex 32`
 *   prints, as text or as its bytes), or as 32 bytes. Anything else is refused with a WeakKeyError
 *   saying what is wrong. "Random" cannot be proved from the bytes; a key with fewer than 16 distinct
 *   byte values is refused as not random (a random key has about 30; the chance that one has fewer
 *   than 16 is about 3 × 10^-17).
 */

/** A key a profile refuses, with what is wrong with it and how to make a good one. */
export class WeakKeyError extends Error {
  override readonly name = 'WeakKeyError';
}

export interface CheckedKey {
  /** The key the handshake and discovery use. */
  key: Uint8Array;
  /** Why the key is weak, when the profile takes it all the same (v1). */
  warning: string | null;
}

const GENERATE = 'generate one with: openssl rand -hex 32';
const HARDENED_KEY_BYTES = 32;
/** Fewer distinct byte values than this in 32 bytes: not random (see above). */
const MIN_DISTINCT_BYTES = 16;

export function checkV1Key(apiKey: Uint8Array): CheckedKey {
  if (apiKey.length === 0) throw new WeakKeyError(`the API key is empty (${GENERATE})`);
  const below =
    apiKey.length < 16 ? "below RFC-0002 §4.5's minimum of 128 bits (16 bytes)" : apiKey.length < 32 ? "below RFC-0002 §4.5's recommended 256 bits (32 bytes)" : null;
  const warning =
    below === null
      ? null
      : `the API key is ${apiKey.length} bytes, ${below}: anyone who records one HELLO or discovery datagram can test guesses at it offline (${GENERATE}; asoc-hardened refuses such keys)`;
  return { key: apiKey, warning };
}

export function checkHardenedKey(apiKey: Uint8Array): CheckedKey {
  const key = apiKey.length === 2 * HARDENED_KEY_BYTES && isHexText(apiKey) ? fromHexText(apiKey) : apiKey;
  if (key.length !== HARDENED_KEY_BYTES) {
    const what = apiKey.length === 2 * HARDENED_KEY_BYTES ? `${apiKey.length} bytes that are not 64 hex digits` : `${apiKey.length} bytes`;
    throw new WeakKeyError(`asoc-hardened needs an API key of 32 random bytes, written as 64 hex digits; got ${what} (${GENERATE})`);
  }
  const distinct = new Set(key).size;
  if (distinct < MIN_DISTINCT_BYTES) {
    throw new WeakKeyError(`asoc-hardened needs an API key of 32 random bytes; this one has only ${distinct} distinct byte values (a random key has about 30), so it was not drawn at random (${GENERATE})`);
  }
  return { key, warning: null };
}

function isHexText(bytes: Uint8Array): boolean {
  return bytes.every((b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

function fromHexText(text: Uint8Array): Uint8Array {
  const digit = (b: number) => (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10);
  return Uint8Array.from({ length: text.length / 2 }, (_, i) => (digit(text[2 * i]!) << 4) | digit(text[2 * i + 1]!));
}

/**
 * Canonical CBOR (RFC 8949) through cborg: one encoding per value, and a decoder that takes that
 * encoding only. cborg's encoder is deterministic (smallest integers and floats, definite lengths,
 * map keys sorted by encoded length then bytewise, RFC 7049's canonical order, which the
 * Subduction seed asks for). Its strict decoder refuses non-minimal integers and lengths,
 * indefinite lengths, tags, undefined, NaN, infinities, integers beyond 2^53 and repeated map keys,
 * but cannot see a map's key order or a float wider than needed: so a decoded value is encoded
 * again, and bytes that do not come back identical are refused.
 */
import { decode, encode } from 'cborg';
import { WireError } from './errors.ts';

const STRICT = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: true,
} as const;

/** The canonical encoding of a value (maps as Map, byte strings as Uint8Array). */
export function encodeCanonical(value: unknown): Uint8Array {
  return encode(value);
}

/**
 * The value of exactly one canonical CBOR item: a WireError `bad-cbor` when the bytes are not one
 * item the strict decoder takes (trailing bytes included), `not-canonical` when they are, but are
 * not the value's canonical encoding. `what` names the bytes in the error.
 */
export function decodeCanonical(bytes: Uint8Array, what: string): unknown {
  let value: unknown;
  try {
    value = decode(bytes, STRICT);
  } catch (err) {
    throw new WireError('bad-cbor', `${what}: ${(err as Error).message}`);
  }
  if (!sameBytes(encode(value), bytes)) throw new WireError('not-canonical', `${what} is well-formed CBOR but not its value's canonical encoding`);
  return value;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

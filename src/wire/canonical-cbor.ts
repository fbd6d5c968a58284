/**
 * Canonical CBOR (RFC 8949) through cborg: one encoding per value, and a decoder that takes that
 * encoding only. cborg's encoder is deterministic (smallest integers and floats, definite lengths);
 * its map keys are sorted here as the Subduction seed asks, by encoded length then bytewise (RFC
 * 7049 §3.9: cborg's own order would put keys of different major types by type first). Its strict
 * decoder refuses non-minimal integers and lengths, indefinite lengths, tags, undefined, NaN,
 * infinities, integers beyond 2^53 and repeated map keys, but cannot see a map's key order or a
 * float wider than needed: so a decoded value is encoded again, and bytes that do not come back
 * identical are refused. A map with arrays or maps among its keys is refused as soon as it has two
 * entries to order: no order is defined for such keys.
 */
import { decode, encode, Token } from 'cborg';
import type { MapSorter } from 'cborg/interface';
import { WireError } from './errors.ts';

/** Thrown by the key order for a key that is an array or a map, whose order this codec does not define. */
class ComplexKeyError extends Error {}

const rfc7049KeyOrder: MapSorter = (e1, e2) => {
  const [k1, k2] = [e1[0], e2[0]];
  if (!(k1 instanceof Token) || !(k2 instanceof Token)) throw new ComplexKeyError();
  const [b1, b2] = [encode(k1.value), encode(k2.value)];
  return b1.length - b2.length || compareBytes(b1, b2);
};

const CANONICAL = { mapSorter: rfc7049KeyOrder } as const;

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
  return encode(value, CANONICAL);
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
  let canonical: Uint8Array;
  try {
    canonical = encodeCanonical(value);
  } catch (err) {
    if (err instanceof ComplexKeyError) throw new WireError('bad-cbor', `${what}: a map key is an array or a map`);
    throw err;
  }
  if (compareBytes(canonical, bytes) !== 0) throw new WireError('not-canonical', `${what} is well-formed CBOR but not its value's canonical encoding`);
  return value;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

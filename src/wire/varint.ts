/**
 * Unsigned LEB128 varints, as STT encodes stream ids (seed 003, "Streams"): seven bits a byte, low
 * bits first, the high bit set on every byte but the last. Values up to 2^53 - 1 (JavaScript's safe
 * integers); a varint longer than that, or one that runs past the end of its bytes, is a WireError.
 */
import { WireError } from './errors.ts';

/** Bytes of the longest varint this codec reads: 8 × 7 = 56 bits cover 2^53. */
export const MAX_VARINT_BYTES = 8;

export function varintSize(value: number): number {
  let size = 1;
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
}

/** Writes `value` at `offset` in `into`; returns the offset after it. */
export function writeVarint(into: Uint8Array, offset: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new WireError('bad-field', `varint value must be a non-negative safe integer, got ${value}`);
  let rest = value;
  let at = offset;
  while (rest >= 128) {
    into[at++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  into[at++] = rest;
  return at;
}

/** The value at `offset` and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number, what: string): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = offset + i;
    if (at >= bytes.length) throw new WireError('truncated', `${what}: varint runs past the end of the datagram`);
    const byte = bytes[at]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) throw new WireError('bad-field', `${what}: varint above 2^53 - 1`);
      return { value, next: at + 1 };
    }
    scale *= 128;
  }
  throw new WireError('bad-field', `${what}: varint longer than ${MAX_VARINT_BYTES} bytes`);
}

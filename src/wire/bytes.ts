/** Small byte helpers shared by the codecs. Big-endian throughout, as RFC-0001 requires. */
import { WireError } from './errors.ts';

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  view(out).setUint32(0, value);
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new WireError('bad-field', `not a hex string: ${hex.slice(0, 40)}`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

const HEX_DIGITS = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** Up to this many bytes, hex is built from character codes (no Buffer: ids and tags, millions of them in a simulated cluster). */
const SHORT_HEX_BYTES = 64;

export function bytesToHex(bytes: Uint8Array): string {
  if (bytes.length > SHORT_HEX_BYTES) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  const codes = new Array<number>(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    codes[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    codes[2 * i + 1] = HEX_DIGITS[bytes[i]! & 0x0f]!;
  }
  return String.fromCharCode(...codes);
}

export function requireLength(what: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) throw new WireError('bad-length', `${what} must be ${length} bytes, got ${bytes.length}`);
}

export function requireUint(what: string, value: number, bits: 8 | 16 | 32): void {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new WireError('bad-field', `${what} must be an unsigned ${bits}-bit integer, got ${value}`);
  }
}

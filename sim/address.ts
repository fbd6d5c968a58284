/** IPv4-style addresses: dotted quads outside, unsigned 32-bit integers inside (cheap to compare and key). */

export const BROADCAST_ADDRESS = 0xffff_ffff;

export function parseAddress(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${text}`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) throw new RangeError(`not an IPv4 address: ${text}`);
    value = value * 256 + Number(part);
  }
  return value;
}

/** Addresses already formatted: every datagram a host receives names its sender's, so build each text once. */
const formatted = new Map<number, string>();
const MAX_FORMATTED = 65_536;

export function formatAddress(value: number): string {
  let text = formatted.get(value);
  if (text === undefined) {
    text = `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(value, text);
  }
  return text;
}

/** An address given either way, as its integer. */
export function toAddress(address: string | number): number {
  return typeof address === 'number' ? address >>> 0 : parseAddress(address);
}

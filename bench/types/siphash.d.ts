/** Types for the `siphash` package (jedisct1/siphash-js), which ships none; only what the benches call. */
declare module 'siphash' {
  /** A 128-bit key as four 32-bit words. */
  export type SipKey = [number, number, number, number];
  /** SipHash-2-4 of `message` as the high and low 32 bits of the 64-bit result. */
  export function hash(key: SipKey, message: Uint8Array | string): { h: number; l: number };
  export function string16_to_key(text: string): SipKey;
}

/**
 * The randomness the protocol machines need, passed in so the core never draws from an unseeded global generator or the
 * OS: the real node gives it node:crypto, the simulator a seeded generator.
 */
export interface RandomSource {
  /** A uniformly random unsigned 32-bit integer. */
  u32(): number;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** A float in [0, 1) from a RandomSource. */
export function randomUnit(random: RandomSource): number {
  return random.u32() / 0x1_0000_0000;
}

/** A float in [min, max). */
export function randomBetween(random: RandomSource, min: number, max: number): number {
  return min + (max - min) * randomUnit(random);
}

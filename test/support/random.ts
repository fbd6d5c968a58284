/** A deterministic RandomSource for tests, from a seed string. */
import seedrandom from 'seedrandom';
import type { RandomSource } from '../../src/core/random.ts';

export function seededRandom(seed: string): RandomSource {
  const prng = seedrandom(seed);
  return {
    u32: () => prng.int32() >>> 0,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = prng.int32() & 0xff;
      return out;
    },
  };
}

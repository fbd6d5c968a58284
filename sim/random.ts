/**
 * Seeded randomness. One seed decides every draw of a run; each component (a channel, a host's TCP)
 * takes its own named stream, seeded from (seed, name), so the draws of one component do not depend
 * on how many draws another made or on which components exist. Adding a host leaves every other
 * stream untouched.
 *
 * Generator: seedrandom's xor4096 (Brent's xorgens, 4096-bit state), fast and statistically sound.
 */
import seedrandom from 'seedrandom';

export class SimRandom {
  private readonly prng: seedrandom.PRNG;

  constructor(seedText: string) {
    this.prng = seedrandom.xor4096(seedText);
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  unit(): number {
    return this.prng();
  }

  u32(): number {
    return this.prng.int32() >>> 0;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let word = this.u32();
      for (let j = i; j < Math.min(i + 4, n); j++) {
        out[j] = word & 0xff;
        word >>>= 8;
      }
    }
    return out;
  }

  /** True with probability p; draws nothing when p <= 0, so a disabled knob consumes no randomness. */
  chance(p: number): boolean {
    return p > 0 && this.prng() < p;
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.prng();
  }
}

export class RandomStreams {
  private readonly taken = new Set<string>();
  readonly seed: string;

  constructor(seed: string | number) {
    this.seed = String(seed);
  }

  /** The stream called `name`; each name may be taken once, so two components never share draws by accident. */
  stream(name: string): SimRandom {
    if (this.taken.has(name)) throw new Error(`random stream "${name}" is already taken`);
    this.taken.add(name);
    return new SimRandom(JSON.stringify([this.seed, name]));
  }
}

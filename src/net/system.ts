/** What the real-socket driver gives the sans-io core: the OS's randomness and a monotonic clock. */
import { randomBytes, randomInt } from 'node:crypto';
import type { RandomSource } from '../core/random.ts';

export const systemRandom: RandomSource = {
  u32: () => randomInt(0, 0x1_0000_0000),
  bytes: (n) => new Uint8Array(randomBytes(n)),
};

/** Unix-epoch milliseconds that never go backwards (the core requires time to only move forward). */
export function monotonicNow(): number {
  return TIME_ORIGIN + performance.now();
}

const TIME_ORIGIN = performance.timeOrigin;

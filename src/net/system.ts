/** What the real-socket driver gives the sans-io core: the OS's randomness and its clocks. */
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

let lastWallClock = 0;

/**
 * Unix-epoch milliseconds from the system clock (which NTP may step), never going backwards: for
 * discovery, whose timestamps peers compare with their own clocks. After a backward step it stands
 * still until the system clock catches up (announcements pause meanwhile).
 */
export function wallClockNow(): number {
  lastWallClock = Math.max(lastWallClock, Date.now());
  return lastWallClock;
}

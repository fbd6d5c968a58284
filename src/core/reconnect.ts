/**
 * When to dial a peer again (RFC-0001 §9.4; docs/asoc-v1.md): after a failure, a random
 * 1–5 s delay with exponential backoff up to 60 s; static peers are retried forever, discovered
 * peers are given up after 3 failures in a row; a success starts over. Sans-io: the caller owns the
 * timer and gives the randomness.
 *
 * With f consecutive failures, one uniform draw u ∈ [minDelayMs, maxDelayMs) per delay:
 *
 *   delay = min(capMs, floor(u · 2^max(0, f − 1)))        (whole milliseconds)
 *
 * so with the defaults: f ≤ 1 → 1–5 s, f = 2 → 2–10 s, f = 3 → 4–20 s, f = 4 → 8–40 s,
 * f = 5 → 16–60 s, and from f = 7 on exactly 60 s (the jitter is doubled with the base, and the cap
 * cuts it off). f = 0 is a redial after an established connection ended, which is not a failure.
 */
import { randomBetween, type RandomSource } from './random.ts';

export interface ReconnectSettings {
  minDelayMs: number;
  maxDelayMs: number;
  capMs: number;
  /** Consecutive failures after which a discovered peer is given up. */
  maxFailures: number;
}

export const DEFAULT_RECONNECT: ReconnectSettings = { minDelayMs: 1_000, maxDelayMs: 5_000, capMs: 60_000, maxFailures: 3 };

export interface ReconnectOptions extends Partial<ReconnectSettings> {
  /** true for static peers (retried forever), false for discovered ones (given up after maxFailures). */
  forever: boolean;
}

export class ReconnectPolicy {
  readonly settings: ReconnectSettings;
  readonly forever: boolean;
  private failuresInARow = 0;

  constructor(options: ReconnectOptions) {
    const { forever, ...settings } = options;
    this.forever = forever;
    this.settings = { ...DEFAULT_RECONNECT, ...settings };
    const s = this.settings;
    if (!(s.minDelayMs > 0 && s.minDelayMs <= s.maxDelayMs && s.maxDelayMs <= s.capMs && s.maxFailures > 0)) {
      throw new RangeError('reconnect settings need 0 < minDelayMs ≤ maxDelayMs ≤ capMs and maxFailures > 0');
    }
  }

  get failures(): number {
    return this.failuresInARow;
  }

  /** A discovered peer that failed maxFailures times in a row: stop dialing it. Never for static peers. */
  get givenUp(): boolean {
    return !this.forever && this.failuresInARow >= this.settings.maxFailures;
  }

  recordFailure(): void {
    this.failuresInARow++;
  }

  recordSuccess(): void {
    this.failuresInARow = 0;
  }

  /** The delay before the next attempt; draws one random number. */
  nextDelayMs(random: RandomSource): number {
    const { minDelayMs, maxDelayMs, capMs } = this.settings;
    // After 1,024 failures 2^(f−1) overflows to Infinity, which min() still caps (u is never 0).
    const backoff = 2 ** Math.max(0, this.failuresInARow - 1);
    return Math.min(capMs, Math.floor(randomBetween(random, minDelayMs, maxDelayMs) * backoff));
  }
}

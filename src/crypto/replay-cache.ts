/**
 * Remembers the challenges (or nonces) already seen, to reject a message seen before.
 *
 * Two policies, because the lab must show both:
 * - `window`: what RFC-0002 §4.3 describes. An entry lives `windowMs`; messages that carry a
 *   timestamp older than `maxAgeMs` are rejected as stale (the entry could have expired); the
 *   cache never holds more than `capacity` entries, and when it is full of live entries it refuses
 *   new ones ("full") rather than forget one, so memory is bounded and no replay slips through.
 * - `clear-at`: what the Python reference does. The set grows until it passes `limit` entries and
 *   is then emptied, after which every earlier message can be replayed; no timestamp check.
 *
 * Time comes in as an argument (milliseconds); the cache never reads a clock.
 */
import { U32Set, isU32 } from './u32-set.ts';

export type ReplayPolicy =
  | { kind: 'window'; windowMs: number; maxAgeMs: number; capacity: number }
  | { kind: 'clear-at'; limit: number };

export type ReplayVerdict = 'fresh' | 'replay' | 'stale' | 'future' | 'full';

/**
 * The keys seen: u32 keys (challenges) in a flat U32Set, every other key in a Set. (Discovery has
 * every node check every announcement: a 1,000-node cluster keeps millions of challenges.)
 */
class SeenKeys {
  private readonly numbers = new U32Set();
  private readonly others = new Set<string | number>();

  get size(): number {
    return this.numbers.size + this.others.size;
  }

  has(key: string | number): boolean {
    return typeof key === 'number' && isU32(key) ? this.numbers.has(key) : this.others.has(key);
  }

  add(key: string | number): void {
    if (typeof key === 'number' && isU32(key)) this.numbers.add(key);
    else this.others.add(key);
  }

  delete(key: string | number): void {
    if (typeof key === 'number' && isU32(key)) this.numbers.delete(key);
    else this.others.delete(key);
  }

  clear(): void {
    this.numbers.clear();
    this.others.clear();
  }
}

export class ReplayCache {
  private readonly seen = new SeenKeys();
  /**
   * Window policy: the keys in insertion order (which is time order) from `head` on, so expiry pops
   * from the front. Not by iterating a Map or Set: an iteration from its start also walks every hole the
   * deletions left, until V8 next rehashes the table, so at tens of thousands of live entries each
   * check cost tens of µs (attacks/simulated/challenge-birthday.ts measured it).
   */
  private order: (string | number)[] = [];
  /** When each key of `order` was recorded. */
  private recordedAt: number[] = [];
  private head = 0;
  private clears = 0;

  constructor(readonly policy: ReplayPolicy) {
    if (policy.kind === 'window' && !(policy.capacity > 0 && policy.windowMs > 0)) {
      throw new RangeError('replay cache window and capacity must be positive');
    }
  }

  get size(): number {
    return this.seen.size;
  }

  /** How many times the reference policy emptied the set (each one reopens every old message to replay). */
  get clearCount(): number {
    return this.clears;
  }

  /** Whether `key` is remembered now (an expired entry is not): a look that records nothing. */
  has(key: string | number, now: number): boolean {
    this.expire(now);
    return this.seen.has(key);
  }

  /**
   * Checks a key and, if fresh, records it. `sentAtMs` is the message's own timestamp when it has
   * one (discovery); HELLO challenges carry none.
   */
  check(key: string | number, now: number, sentAtMs?: number): ReplayVerdict {
    const policy = this.policy;
    if (policy.kind === 'clear-at') {
      if (this.seen.has(key)) return 'replay';
      this.seen.add(key);
      if (this.seen.size > policy.limit) {
        this.seen.clear();
        this.clears++;
      }
      return 'fresh';
    }
    if (sentAtMs !== undefined) {
      if (now - sentAtMs > policy.maxAgeMs) return 'stale';
      if (sentAtMs - now > policy.maxAgeMs) return 'future';
    }
    this.expire(now);
    if (this.seen.has(key)) return 'replay';
    if (this.seen.size >= policy.capacity) return 'full';
    this.seen.add(key);
    this.order.push(key);
    this.recordedAt.push(now);
    return 'fresh';
  }

  private expire(now: number): void {
    if (this.policy.kind !== 'window') return;
    const oldest = now - this.policy.windowMs;
    while (this.head < this.order.length) {
      if (this.recordedAt[this.head]! > oldest) break;
      this.seen.delete(this.order[this.head]!);
      this.head++;
    }
    // Drop the popped prefix once it is most of the array: memory stays within twice the live keys.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.recordedAt = this.recordedAt.slice(this.head);
      this.head = 0;
    }
  }
}

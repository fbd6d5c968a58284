/**
 * A set of unsigned 32-bit integers in one flat array (open addressing, linear probing), for the
 * replay caches' challenges. A Map keyed by such numbers boxes every key from 2^30 up, so a cache of
 * thousands of challenges per node is thousands of small heap objects for the GC to copy and walk;
 * here it is one Float64Array, grown by doubling while at most half full, and nothing per entry.
 */
const EMPTY = 0; // a slot holds key + 1, so 0 is free and every u32 (0 included) fits
const FIRST_SLOTS = 16;

export function isU32(key: number): boolean {
  return key >>> 0 === key;
}

export class U32Set {
  private slots = new Float64Array(FIRST_SLOTS);
  private mask = FIRST_SLOTS - 1;
  private shift = 32 - Math.log2(FIRST_SLOTS);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(key: number): boolean {
    return this.slotOf(key) >= 0;
  }

  /** Adds `key` (a u32); adding one already there changes nothing. */
  add(key: number): void {
    if (!isU32(key)) throw new RangeError(`U32Set takes unsigned 32-bit integers, not ${key}`);
    if (this.slotOf(key) >= 0) return;
    if (2 * (this.count + 1) > this.slots.length) this.grow();
    this.place(key + 1);
    this.count++;
  }

  delete(key: number): void {
    let hole = this.slotOf(key);
    if (hole < 0) return;
    const slots = this.slots;
    slots[hole] = EMPTY;
    this.count--;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot lies at or before it, so every key stays reachable from its home without tombstones.
    for (let at = (hole + 1) & this.mask; slots[at] !== EMPTY; at = (at + 1) & this.mask) {
      const home = this.home(slots[at]! - 1);
      const movable = hole <= at ? home <= hole || home > at : home <= hole && home > at;
      if (!movable) continue;
      slots[hole] = slots[at]!;
      slots[at] = EMPTY;
      hole = at;
    }
  }

  clear(): void {
    this.slots = new Float64Array(FIRST_SLOTS);
    this.mask = FIRST_SLOTS - 1;
    this.shift = 32 - Math.log2(FIRST_SLOTS);
    this.count = 0;
  }

  /** Fibonacci hashing: the top bits of key × 2^32/φ, so consecutive keys spread over the table. */
  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding `key`, or -1. */
  private slotOf(key: number): number {
    if (!isU32(key)) return -1;
    const stored = key + 1;
    const slots = this.slots;
    for (let at = this.home(key); ; at = (at + 1) & this.mask) {
      const value = slots[at]!;
      if (value === stored) return at;
      if (value === EMPTY) return -1;
    }
  }

  private place(stored: number): void {
    let at = this.home(stored - 1);
    while (this.slots[at] !== EMPTY) at = (at + 1) & this.mask;
    this.slots[at] = stored;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    this.shift--;
    for (const stored of old) if (stored !== EMPTY) this.place(stored);
  }
}

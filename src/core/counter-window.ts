/**
 * Which of a run of increasing numbers were seen, within the last `size` below the highest: the
 * sliding window of IPsec and DTLS (RFC 6479 in spirit), one bit per number. Numbers that arrive out
 * of order are told apart from repeats, and memory stays at size / 8 bytes whatever arrives.
 * stt over UDP keeps one for the AEAD nonces it opens, and one for the packet numbers it takes.
 */
export type WindowVerdict = 'fresh' | 'seen' | 'too-old';

export class CounterWindow {
  private readonly bits: Uint8Array;
  private highest = -1;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 8 || size % 8 !== 0) throw new RangeError(`window size must be a positive multiple of 8, got ${size}`);
    this.bits = new Uint8Array(size / 8);
  }

  check(n: number): WindowVerdict {
    if (n > this.highest) return 'fresh';
    if (this.highest - n >= this.size) return 'too-old';
    return this.has(n) ? 'seen' : 'fresh';
  }

  /** Records `n` (check it first: a number below the window is not recorded). */
  mark(n: number): void {
    if (n > this.highest) {
      // Slots the window slides over are cleared: they held numbers `size` below the new ones.
      for (let k = Math.max(this.highest + 1, n - this.size + 1); k <= n; k++) this.set(k, false);
      this.highest = n;
    } else if (this.highest - n >= this.size) return;
    this.set(n, true);
  }

  private has(n: number): boolean {
    const slot = n % this.size;
    return (this.bits[slot >> 3]! & (1 << (slot & 7))) !== 0;
  }

  private set(n: number, on: boolean): void {
    const slot = n % this.size;
    if (on) this.bits[slot >> 3]! |= 1 << (slot & 7);
    else this.bits[slot >> 3]! &= ~(1 << (slot & 7));
  }
}

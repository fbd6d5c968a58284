/**
 * Floods repeat the same event thousands of times; the excerpt should show each kind of event a few
 * times, not the first forty copies of one. Wraps an TraceExcerpt so that each `what` is kept at most
 * `perKind` times (the rest are only counted).
 */
import { TraceExcerpt } from '../adversary/excerpt.ts';

export class FloodExcerpt {
  readonly log: TraceExcerpt;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly perKind = 5,
    limit = 40,
  ) {
    this.log = new TraceExcerpt(limit);
  }

  get entries() {
    return this.log.entries;
  }

  add(time: number, where: string, what: string, detail: string): void {
    const count = (this.seen.get(what) ?? 0) + 1;
    this.seen.set(what, count);
    if (count <= this.perKind) this.log.add(time, where, what, detail);
  }

  /** How often `what` happened, kept in the excerpt or not. */
  count(what: string): number {
    return this.seen.get(what) ?? 0;
  }
}

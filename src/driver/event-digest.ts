/**
 * Keeps a log readable under a flood: per key (a peer's address, say) and interval, the first
 * `burst` events are reported one by one and later ones only counted, by kind, then reported as one
 * summary when the interval ends. At most `maxKeys` keys are followed per interval; events of
 * further keys are counted together (a summary with key null). So an interval reports at most
 * maxKeys × (burst + 1) + 1 entries, whatever arrives, and memory is bounded the same way. No
 * timer runs while nothing happens. Time comes from the driver's timers.
 */
import type { Cancel, Timers } from './transport.ts';

export type DigestEntry<Detail> =
  | { type: 'event'; key: string; kind: string; detail: Detail }
  /** What was counted and not reported in the interval; `byKind` is sorted, largest count first. */
  | { type: 'summary'; key: string | null; count: number; byKind: [kind: string, count: number][]; intervalMs: number };

/** What the node's log and the simulator's trace use: 5 events per key and 10 s one by one, 100 keys followed. */
export const DEFAULT_DIGEST = { intervalMs: 10_000, burst: 5, maxKeys: 100 } as const;

export interface EventDigestOptions<Detail> {
  timers: Timers;
  intervalMs: number;
  /** Events per key and interval that are reported one by one. */
  burst: number;
  /** Keys followed per interval. */
  maxKeys: number;
  report(entry: DigestEntry<Detail>): void;
}

interface Tally {
  reported: number;
  suppressed: Map<string, number>;
}

export class EventDigest<Detail> {
  private readonly keys = new Map<string, Tally>();
  /** The keys past maxKeys, counted together. */
  private readonly others: Tally = { reported: 0, suppressed: new Map() };
  private endInterval: Cancel | null = null;

  constructor(private readonly options: EventDigestOptions<Detail>) {
    for (const [name, value] of [['intervalMs', options.intervalMs], ['burst', options.burst], ['maxKeys', options.maxKeys]] as const) {
      if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }

  record(key: string, kind: string, detail: Detail): void {
    this.endInterval ??= this.options.timers.after(this.options.intervalMs, () => this.flush());
    let tally = this.keys.get(key);
    if (tally === undefined) {
      if (this.keys.size >= this.options.maxKeys) return count(this.others, kind);
      tally = { reported: 0, suppressed: new Map() };
      this.keys.set(key, tally);
    }
    if (tally.reported >= this.options.burst) return count(tally, kind);
    tally.reported++;
    this.options.report({ type: 'event', key, kind, detail });
  }

  /** Reports what the interval counted and starts a new one (also for the last summaries when the owner stops). */
  flush(): void {
    this.endInterval?.();
    this.endInterval = null;
    for (const [key, tally] of this.keys) this.summarise(key, tally);
    this.summarise(null, this.others);
    this.keys.clear();
    this.others.suppressed.clear();
  }

  private summarise(key: string | null, tally: Tally): void {
    if (tally.suppressed.size === 0) return;
    const byKind = [...tally.suppressed].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const total = byKind.reduce((sum, [, n]) => sum + n, 0);
    this.options.report({ type: 'summary', key, count: total, byKind, intervalMs: this.options.intervalMs });
  }
}

function count(tally: Tally, kind: string): void {
  tally.suppressed.set(kind, (tally.suppressed.get(kind) ?? 0) + 1);
}

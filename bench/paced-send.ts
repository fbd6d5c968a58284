/**
 * An open-loop sender: a transfer's chunks produced on a fixed schedule (chunk k is due at
 * k × chunk ÷ rate after the start), whatever the receiver does. A chunk the protocol takes late
 * (its socket full, its event loop busy) leaves late, and the next ones leave as soon as they may,
 * so a protocol that cannot keep up runs flat out and the delivered rate shows it. Bounded: past
 * `deadlineMs` the transfer ends with what was sent.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PacePlan {
  /** Bytes the schedule sends (rate × the paced interval). */
  bytes: number;
  bytesPerSecond: number;
  /** From the start: no chunk leaves after this; the transfer ends there. */
  deadlineMs: number;
}

/** Filled in as the chunks leave. */
export interface PaceProgress {
  sentBytes: number;
  /** The largest delay of a chunk after its due time, ms. */
  maxLagMs: number;
}

export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: PaceClock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

export async function* pacedChunks(chunk: Uint8Array, plan: PacePlan, progress: PaceProgress, clock: PaceClock = REAL_CLOCK): AsyncGenerator<Uint8Array> {
  if (chunk.length === 0) throw new RangeError('a paced transfer needs a non-empty chunk');
  if (!(plan.bytesPerSecond > 0)) throw new RangeError(`the rate must be positive, got ${plan.bytesPerSecond} B/s`);
  const start = clock.now();
  while (progress.sentBytes < plan.bytes) {
    const due = start + (progress.sentBytes / plan.bytesPerSecond) * 1000;
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const now = clock.now();
    if (now - start >= plan.deadlineMs) return;
    progress.maxLagMs = Math.max(progress.maxLagMs, now - due);
    const left = plan.bytes - progress.sentBytes;
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    progress.sentBytes += piece.length;
    yield piece;
  }
}

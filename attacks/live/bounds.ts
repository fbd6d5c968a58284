/**
 * The limits every attack loop runs under: a wall-clock deadline for the whole attack and a cap on
 * counts, and one place that owns every socket an attack opened so that all of them are destroyed
 * when it ends, whatever way it ends.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Counts an attack accepts at most (a typo such as --count 1e9 must not open a billion sockets). */
export const MAX_ATTACK_COUNT = 10_000;
/** The longest time budget an attack accepts (a typo such as --timeout 1e9 must not run for decades). */
export const MAX_ATTACK_BUDGET_MS = 600_000;

export class Deadline {
  readonly startedAt = performance.now();
  readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    if (!(budgetMs > 0 && budgetMs <= MAX_ATTACK_BUDGET_MS)) throw new RangeError(`an attack's time budget must be above 0 and at most ${MAX_ATTACK_BUDGET_MS / 1000} s, got ${budgetMs} ms`);
    this.endsAt = this.startedAt + budgetMs;
  }

  /** Milliseconds since the attack started. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  get expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** `ms`, shortened to what is left of the budget. */
  cap(ms: number): number {
    return Math.min(ms, this.remainingMs());
  }
}

/** Resolves after `ms` (never past the deadline); the timer does not keep the process alive. */
export function pause(ms: number, deadline: Deadline): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, deadline.cap(ms)).unref());
}

export function checkCount(what: string, count: number, min = 1): number {
  if (!Number.isSafeInteger(count) || count < min || count > MAX_ATTACK_COUNT) {
    throw new RangeError(`${what} must be an integer from ${min} to ${MAX_ATTACK_COUNT}, got ${count}`);
  }
  return count;
}

/** Resolves with `promise`'s value, or with 'timed-out' after `ms`; the timer is cleared either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timed-out'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timed-out'>((resolve) => (timer = setTimeout(resolve, ms, 'timed-out')))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every socket an attack opened; `destroyAll` in a finally block leaves none behind. */
export class SocketSet {
  private readonly sockets = new Set<net.Socket>();

  add<S extends net.Socket>(socket: S): S {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    return socket;
  }

  get size(): number {
    return this.sockets.size;
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

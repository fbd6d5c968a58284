/**
 * Keeps dialing one peer address as RFC-0001 §9.4 says: the first attempt at once, then after each
 * failure the delay the core's ReconnectPolicy draws (random 1–5 s, exponential backoff up to
 * 60 s); static peers forever, discovered peers given up after 3 failures in a row. A connect that
 * has not completed within the connect timeout is a failure, as is a connection whose handshake
 * never completed. Sockets and time come from the driver (transport.ts).
 */
import type { RandomSource } from '../core/random.ts';
import { ReconnectPolicy } from '../core/reconnect.ts';
import type { Cancel, Connector, Timers } from './transport.ts';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** One step of a dialer, for evidence (the simulator keeps them as its dial log). */
export type DialStep =
  | { type: 'attempt'; attempt: number }
  /** The attempt or the handshake failed (a connection that never got established). */
  | { type: 'failed'; reason: string; failures: number }
  /** An established connection ended (not a failure: the backoff starts over). */
  | { type: 'disconnected'; reason: string }
  | { type: 'retry'; delayMs: number; failures: number }
  | { type: 'given-up'; failures: number };

export interface DialerOptions<Socket> {
  target: { host: string; port: number };
  /** Static peers are dialed forever; discovered ones are given up after 3 failures. */
  forever: boolean;
  random: RandomSource;
  connectTimeoutMs: number;
  connector: Connector<Socket>;
  timers: Timers;
  /** Called with a connected socket; the caller reports back through connected()/disconnected(). */
  connect(socket: Socket): void;
  onGiveUp(): void;
  log?(step: DialStep): void;
}

export class Dialer<Socket> {
  private readonly policy: ReconnectPolicy;
  private cancelTimer: Cancel | null = null;
  private cancelAttempt: Cancel | null = null;
  private attempts = 0;
  private stopped = false;
  /** Why the last attempt failed (e.g. "connect ECONNREFUSED 127.0.0.1:9000"), for error messages. */
  lastError: string | null = null;

  constructor(private readonly options: DialerOptions<Socket>) {
    this.policy = new ReconnectPolicy({ forever: options.forever });
  }

  start(): void {
    this.attempt();
  }

  /** The handshake completed: the backoff starts over. */
  connected(): void {
    this.policy.recordSuccess();
  }

  /** The connection ended; one that never completed its handshake counts as a failure. */
  disconnected(wasEstablished: boolean, reason: string): void {
    if (this.stopped) return;
    if (wasEstablished) this.options.log?.({ type: 'disconnected', reason });
    else this.failed(reason);
    this.retryLater();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    const cancel = this.cancelAttempt;
    this.cancelAttempt = null;
    cancel?.();
  }

  private attempt(): void {
    this.cancelTimer = null;
    if (this.stopped) return;
    const { target, connectTimeoutMs } = this.options;
    this.options.log?.({ type: 'attempt', attempt: ++this.attempts });
    const cancel = this.options.connector.connect(target.host, target.port, {
      connected: (socket) => {
        this.clearTimer();
        this.cancelAttempt = null;
        this.options.connect(socket);
      },
      failed: (reason) => this.abandon(cancel, reason),
    });
    this.cancelAttempt = cancel;
    this.cancelTimer = this.options.timers.after(connectTimeoutMs, () => {
      this.cancelTimer = null;
      this.abandon(cancel, `no connection within ${connectTimeoutMs} ms`);
      cancel();
    });
  }

  /** The attempt `cancel` belongs to failed (unless it was already given up or succeeded). */
  private abandon(cancel: Cancel, reason: string): void {
    if (this.cancelAttempt !== cancel) return;
    this.cancelAttempt = null;
    this.clearTimer();
    this.failed(reason);
    this.retryLater();
  }

  private failed(reason: string): void {
    this.lastError = reason;
    this.policy.recordFailure();
    this.options.log?.({ type: 'failed', reason, failures: this.policy.failures });
  }

  private retryLater(): void {
    if (this.stopped) return;
    if (this.policy.givenUp) {
      this.stopped = true;
      this.options.log?.({ type: 'given-up', failures: this.policy.failures });
      this.options.onGiveUp();
      return;
    }
    const delayMs = this.policy.nextDelayMs(this.options.random);
    this.options.log?.({ type: 'retry', delayMs, failures: this.policy.failures });
    this.cancelTimer = this.options.timers.after(delayMs, () => this.attempt());
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }
}

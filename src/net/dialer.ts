/**
 * Keeps dialing one peer address as SPEC.md says: the first attempt at once, then after each
 * failure a random 1–5 s delay with exponential backoff up to 60 s (the policy is the sans-io
 * ReconnectPolicy); static peers forever, discovered peers given up after 3 failures in a row.
 */
import net from 'node:net';
import type { RandomSource } from '../core/random.ts';
import { ReconnectPolicy } from '../core/reconnect.ts';

export interface DialerOptions {
  target: { host: string; port: number };
  /** Static peers are dialed forever; discovered ones are given up after 3 failures. */
  forever: boolean;
  random: RandomSource;
  /** Called with a connected socket; the caller reports back through connected()/disconnected(). */
  connect(socket: net.Socket): void;
  onGiveUp(): void;
  connectTimeoutMs?: number;
}

export class Dialer {
  private readonly policy: ReconnectPolicy;
  private timer: NodeJS.Timeout | null = null;
  private pending: net.Socket | null = null;
  private stopped = false;
  /** Why the last attempt failed (e.g. "connect ECONNREFUSED 127.0.0.1:9000"), for error messages. */
  lastError: string | null = null;

  constructor(private readonly options: DialerOptions) {
    this.policy = new ReconnectPolicy({ forever: options.forever });
  }

  start(): void {
    this.attempt();
  }

  /** The handshake completed: the backoff starts over. */
  connected(): void {
    this.policy.recordSuccess();
  }

  /** The connection ended; a connection that never completed its handshake counts as a failure. */
  disconnected(wasEstablished: boolean, reason: string): void {
    if (!wasEstablished) {
      this.lastError = reason;
      this.policy.recordFailure();
    }
    this.retryLater();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending?.destroy();
    this.pending = null;
  }

  private attempt(): void {
    if (this.stopped) return;
    const socket = net.connect(this.options.target);
    this.pending = socket;
    let failed = false;
    const fail = (err?: Error) => {
      if (failed) return;
      failed = true;
      this.lastError = err?.message ?? `no connection within ${this.options.connectTimeoutMs ?? 5_000} ms`;
      socket.destroy();
      this.pending = null;
      this.policy.recordFailure();
      this.retryLater();
    };
    socket.setTimeout(this.options.connectTimeoutMs ?? 5_000, () => fail());
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', fail);
      this.pending = null;
      this.options.connect(socket);
    });
  }

  private retryLater(): void {
    if (this.stopped) return;
    if (this.policy.givenUp) {
      this.stopped = true;
      this.options.onGiveUp();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.attempt();
    }, this.policy.nextDelayMs(this.options.random));
  }
}

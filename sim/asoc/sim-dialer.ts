/**
 * Keeps dialing one peer address on the virtual clock, as src/net/dialer.ts does over real
 * sockets: the first attempt at once, then after each failure the delay the core's ReconnectPolicy
 * draws (random 1–5 s, exponential backoff up to 60 s); static peers forever, discovered peers
 * given up after 3 failures in a row. A TCP connect that has not completed within the connect
 * timeout (5 s) is a failure, as is a connection whose handshake never completed.
 */
import { ReconnectPolicy } from '../../src/core/reconnect.ts';
import type { RandomSource } from '../../src/core/random.ts';
import type { Host } from '../host.ts';
import type { ScheduledEvent } from '../scheduler.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import type { DialRecord } from './types.ts';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface SimDialerOptions {
  host: Host;
  peerKey: string;
  target: { address: string; port: number };
  /** Static peers are dialed forever; discovered ones are given up after 3 failures. */
  forever: boolean;
  random: RandomSource;
  connectTimeoutMs: number;
  /** Called with a connected socket; the caller reports back through connected()/disconnected(). */
  connect(socket: TcpSocket): void;
  onGiveUp(): void;
  log(record: DialRecord): void;
}

export class SimDialer {
  private readonly policy: ReconnectPolicy;
  private timer: ScheduledEvent | null = null;
  private pending: TcpSocket | null = null;
  private attempts = 0;
  private stopped = false;
  /** Why the last attempt failed, for error messages. */
  lastError: string | null = null;

  constructor(private readonly options: SimDialerOptions) {
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
    if (wasEstablished) this.log({ type: 'disconnected', reason });
    else this.failed(reason);
    this.retryLater();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
    const pending = this.pending;
    this.pending = null;
    pending?.destroy();
  }

  private attempt(): void {
    this.timer = null;
    if (this.stopped) return;
    const { host, target, connectTimeoutMs } = this.options;
    this.log({ type: 'attempt', attempt: ++this.attempts });
    const socket = host.tcp.connect(target.address, target.port);
    this.pending = socket;
    this.timer = host.scheduler.after(connectTimeoutMs, () => {
      this.timer = null;
      this.abandon(socket, `no connection within ${connectTimeoutMs} ms`);
      socket.destroy();
    });
    socket.onClose = (reason) => this.abandon(socket, `connect ${reason}`);
    socket.onConnect = () => {
      this.cancelTimer();
      this.pending = null;
      socket.onClose = null;
      this.options.connect(socket);
    };
  }

  /** The attempt on `socket` failed (unless it was already given up or succeeded). */
  private abandon(socket: TcpSocket, reason: string): void {
    if (this.pending !== socket) return;
    this.pending = null;
    this.cancelTimer();
    this.failed(reason);
    this.retryLater();
  }

  private failed(reason: string): void {
    this.lastError = reason;
    this.policy.recordFailure();
    this.log({ type: 'failed', reason, failures: this.policy.failures });
  }

  private retryLater(): void {
    if (this.stopped) return;
    if (this.policy.givenUp) {
      this.stopped = true;
      this.log({ type: 'given-up', failures: this.policy.failures });
      this.options.onGiveUp();
      return;
    }
    const delayMs = this.policy.nextDelayMs(this.options.random);
    this.log({ type: 'retry', delayMs, failures: this.policy.failures });
    this.timer = this.options.host.scheduler.after(delayMs, () => this.attempt());
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.options.host.scheduler.cancel(this.timer);
    this.timer = null;
  }

  private log(record: DistributiveOmit<DialRecord, 'peerKey' | 'at'>): void {
    this.options.log({ ...record, peerKey: this.options.peerKey, at: this.options.host.scheduler.now } as DialRecord);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

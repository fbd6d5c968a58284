/**
 * A fake world for the shared orchestration (src/driver): a clock whose timers run only when a test
 * moves time, in-memory byte streams whose writes arrive on the next turn of that clock, a connector
 * whose attempts the test completes or fails, and a connection driver that records what it was
 * given. Nothing here reads the real clock or real randomness.
 */
import { AsocConnection, type ConnectionLimits } from '../../src/core/connection.ts';
import { ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { ConnectionDriver, type ByteStream, type ByteStreamEvents, type ConnectionClosedError, type ReceiptOutcome } from '../../src/driver/connection-driver.ts';
import type { ConnectionLifecycle } from '../../src/driver/orchestrator.ts';
import type { Cancel, ConnectHandlers, Connector, DeadlineTimerFactory, Timers } from '../../src/driver/transport.ts';

interface Timer {
  at: number;
  order: number;
  fn: () => void;
  live: boolean;
}

/** Timers on a clock that moves only when the test says; same-time timers run in the order they were set. */
export class FakeClock implements Timers {
  now = 0;
  private timers: Timer[] = [];
  private order = 0;

  after(delayMs: number, fn: () => void): Cancel {
    const timer = { at: this.now + Math.max(0, delayMs), order: this.order++, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  readonly deadlineTimer: DeadlineTimerFactory = (onExpire) => {
    let cancel: Cancel | null = null;
    return {
      set: (deadline) => {
        cancel?.();
        cancel = this.after(deadline - this.now, () => {
          cancel = null;
          onExpire();
        });
      },
      clear: () => {
        cancel?.();
        cancel = null;
      },
    };
  };

  /** Moves time forward by `ms`, running every timer due on the way (at most `limit`, so a loop cannot hang a test). */
  advance(ms: number, limit = 100_000): void {
    const end = this.now + ms;
    for (let ran = 0; ; ran++) {
      if (ran === limit) throw new Error(`more than ${limit} timers ran in ${ms} ms: a timer loop`);
      this.timers = this.timers.filter((t) => t.live);
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (next === undefined) break;
      next.live = false;
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }

  /** Runs what is due now (bytes in flight, zero-delay timers). */
  settle(): void {
    this.advance(0);
  }

  /** Timers still armed. */
  get armed(): number {
    return this.timers.filter((t) => t.live).length;
  }
}

/** One end of an in-memory TCP connection: writes arrive at the other end on the clock's next turn. */
export class FakeStream implements ByteStream {
  peer!: FakeStream;
  events: ByteStreamEvents | null = null;
  /** Bytes written, in order. */
  readonly written: number[] = [];
  /** FIN sent (end()), and whether it followed every byte the core had queued. */
  finSent = false;
  destroyed = false;
  private gone = false;

  constructor(
    private readonly clock: FakeClock,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {}

  get canWrite(): boolean {
    return !this.finSent && !this.gone;
  }

  readonly hasRoom = true;

  /** Bytes written that have not arrived at the other end yet. */
  pendingBytes = 0;

  write(pieces: Uint8Array[]): null {
    const bytes = Uint8Array.from(pieces.flatMap((p) => [...p]));
    this.written.push(bytes.length);
    this.pendingBytes += bytes.length;
    this.clock.after(0, () => {
      this.pendingBytes -= bytes.length;
      this.peer.arrive(bytes);
    });
    return null;
  }

  end(): void {
    this.finSent = true;
    this.clock.after(0, () => this.peer.events?.ended('the peer ended the connection'));
  }

  destroy(): void {
    if (this.gone) return;
    this.destroyed = true;
    this.close('destroyed here');
    this.clock.after(0, () => this.peer.close('reset by the peer'));
  }

  attach(events: ByteStreamEvents): void {
    this.events = events;
  }

  private arrive(bytes: Uint8Array): void {
    if (!this.gone) this.events?.data(bytes);
  }

  private close(detail: string): void {
    if (this.gone) return;
    this.gone = true;
    this.events?.closed(detail);
  }
}

/** Two connected ends: `a` at `aAddress` talks to `b` at `bAddress`. */
export function streamPair(clock: FakeClock, aAddress: string, bAddress: string, bPort = 9000): { a: FakeStream; b: FakeStream } {
  const a = new FakeStream(clock, bAddress, bPort);
  const b = new FakeStream(clock, aAddress, 40_000);
  a.peer = b;
  b.peer = a;
  return { a, b };
}

export interface Attempt {
  host: string;
  port: number;
  handlers: ConnectHandlers<FakeStream>;
  cancelled: boolean;
  done: boolean;
}

/** Records connect attempts; the test completes or fails each one. */
export class FakeConnector implements Connector<FakeStream> {
  readonly attempts: Attempt[] = [];

  connect(host: string, port: number, handlers: ConnectHandlers<FakeStream>): Cancel {
    const attempt = { host, port, handlers, cancelled: false, done: false };
    this.attempts.push(attempt);
    return () => {
      attempt.cancelled = true;
    };
  }

  /** The attempts not yet completed, failed or cancelled. */
  get open(): Attempt[] {
    return this.attempts.filter((a) => !a.cancelled && !a.done);
  }

  complete(attempt: Attempt, outcome: { connected: FakeStream } | { failed: string }): void {
    attempt.done = true;
    if ('connected' in outcome) attempt.handlers.connected(outcome.connected);
    else attempt.handlers.failed(outcome.failed);
  }
}

/** The same fixed draw every time: 0.5 of the way through any range. */
export const HALF_RANDOM: RandomSource = { u32: () => 0x8000_0000, bytes: (n) => new Uint8Array(n).fill(0x80) };

/** A counting sequence, so every core's challenges and nonces differ. */
export function countingRandom(): RandomSource {
  let n = 0;
  return { u32: () => (n = (n + 0x9e3779b9) >>> 0), bytes: (len) => Uint8Array.from({ length: len }, () => (n = (n + 0x9e3779b9) >>> 0) & 0xff) };
}

export const API_KEY = new TextEncoder().encode('driver-test-key');

export function nodeIdOf(n: number): Uint8Array {
  return new Uint8Array(16).fill(n);
}

export function core(role: 'client' | 'server', options: { clock: FakeClock; nodeId?: number; profile?: AsocProfile; apiKey?: Uint8Array; limits?: Partial<ConnectionLimits> }): AsocConnection {
  const profile = options.profile ?? ASOC_V1;
  return new AsocConnection({
    role,
    profile,
    nodeId: nodeIdOf(options.nodeId ?? (role === 'client' ? 1 : 2)),
    apiKey: options.apiKey ?? API_KEY,
    crypto: nodeBackend,
    random: countingRandom(),
    now: options.clock.now,
    helloReplay: role === 'server' && profile.helloReplay ? new ReplayCache(profile.helloReplay) : undefined,
    limits: options.limits ?? {},
  });
}

/** A connection driver that keeps what it was given: inbound streams, ends, and the sends it had to fail. */
export class RecordingConnection extends ConnectionDriver<{ bytes: number }> {
  readonly ended: Array<{ streamId: number; bytes: number; frames: number }> = [];
  readonly abandoned: ConnectionClosedError[] = [];

  constructor(
    stream: FakeStream,
    core: AsocConnection,
    lifecycle: ConnectionLifecycle<RecordingConnection>,
    clock: FakeClock,
  ) {
    super(stream, core, lifecycle, { now: () => clock.now, deadlineTimer: clock.deadlineTimer, timers: clock });
    this.pump();
  }

  /** Sends `payload` on a new stream and ends it; `settle` gets the receipt, the timeout or the close. */
  sendStream(payload: Uint8Array, receiptTimeoutMs: number, settle: (outcome: ReceiptOutcome) => void): number {
    const streamId = this.core.openStream();
    this.core.sendData(streamId, payload, this.now());
    this.core.endStream(streamId, this.now());
    this.expectReceipt(streamId, receiptTimeoutMs, settle);
    this.pump();
    return streamId;
  }

  protected streamOpened(): { bytes: number } {
    return { bytes: 0 };
  }

  protected streamData(stream: { bytes: number } | undefined, data: Uint8Array): void {
    if (stream) stream.bytes += data.length;
  }

  protected streamEnded(_stream: { bytes: number } | undefined, end: { streamId: number; bytes: number; frames: number }): void {
    this.ended.push(end);
  }

  protected streamAborted(): void {}

  protected abandonSends(error: ConnectionClosedError): void {
    this.abandoned.push(error);
  }
}

/** What a lifecycle was told, in order. */
export function recordingLifecycle(): ConnectionLifecycle<RecordingConnection> & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    established: (_conn, peer) => log.push(`established${peer ? ` ${peer[0]}` : ''}`),
    authFailed: (_conn, reason) => log.push(`auth-failed ${reason}`),
    closed: (_conn, reason) => log.push(`closed ${reason}`),
  };
}

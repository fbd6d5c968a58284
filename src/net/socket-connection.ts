/**
 * Drives one sans-io AsocConnection over a node:net socket: socket bytes and timer expiries go in,
 * frames go out when the socket can take them, events become IncomingStreams and settled sends.
 *
 * Backpressure both ways:
 * - sending: a stream's next chunk is queued only while less than `sendWindow` bytes wait in the
 *   core; the core's queue is written to the socket only when the socket is not asking for a drain,
 *   so a stuck peer shows up in the core as bytes not taken, which is its §9.3 send timeout.
 * - receiving: when more than `receiveWindow` bytes wait unread in IncomingStreams, the socket is
 *   paused; TCP's window then pushes back on the sender.
 */
import type { Socket } from 'node:net';
import type { AsocConnection } from '../core/connection.ts';
import type { CloseReason, ConnectionEvent } from '../core/events.ts';
import type { ConnectionLifecycle } from '../node/orchestrator.ts';
import type { PeerInfo } from '../node/peer.ts';
import { IncomingStream } from './incoming-stream.ts';
import { monotonicNow } from './system.ts';

export interface FlowSettings {
  /** Bytes queued in the core before a sender waits (per connection). */
  sendWindow: number;
  /** Unread inbound bytes before the socket is paused (per connection). */
  receiveWindow: number;
  /** How long a confirmed send waits for the receiver's receipt after its END is written. */
  receiptTimeoutMs: number;
}

export const DEFAULT_FLOW: FlowSettings = {
  // One default chunk: the kernel's socket buffer does the in-flight buffering, this only has to
  // cover the wake-up after 'drain'. Larger windows are handed to the kernel as one large writev
  // per drain, which cost ~10 % more sender CPU per byte and 10–25 % of loopback throughput
  // (bench/throughput.ts, sender and receiver pinned to their own CPUs).
  sendWindow: 1024 * 1024,
  receiveWindow: 16 * 1024 * 1024,
  receiptTimeoutMs: 60_000,
};

export interface ConnectionHandlers extends ConnectionLifecycle<SocketConnection> {
  stream(stream: IncomingStream): void;
}

/** What a send resolves to. `confirmed`: the receiver's receipt arrived (else: written to the kernel only). */
export interface SendReceipt {
  streamId: number;
  bytes: number;
  frames: number;
  confirmed: boolean;
  /** Milliseconds from the first byte queued to the receipt (or to the last byte written). */
  elapsedMs: number;
}

export type ByteSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  constructor(
    readonly reason: CloseReason,
    detail: string,
  ) {
    super(`connection closed (${reason}): ${detail}`);
  }
}

export class ReceiptTimeoutError extends Error {
  override readonly name = 'ReceiptTimeoutError';
}

interface PendingReceipt {
  resolve(receipt: { bytes: number; frames: number }): void;
  reject(err: Error): void;
}

export class SocketConnection {
  peer: PeerInfo | null = null;
  private readonly inbound = new Map<number, IncomingStream>();
  private readonly receipts = new Map<number, PendingReceipt>();
  private readonly writers = new Set<() => void>();
  private unreadBytes = 0;
  private paused = false;
  private timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires. */
  private timerDeadline = Infinity;
  private closeError: ConnectionClosedError | null = null;

  constructor(
    readonly socket: Socket,
    readonly core: AsocConnection,
    private readonly handlers: ConnectionHandlers,
    private readonly flow: FlowSettings = DEFAULT_FLOW,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.core.receive(chunk, monotonicNow());
      this.service();
    });
    socket.on('drain', () => this.service());
    socket.on('error', (err) => this.transportEnded(err.message));
    socket.on('close', () => this.transportEnded('socket closed'));
    socket.on('end', () => this.transportEnded('peer ended the connection'));
    this.service();
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  get isOpen(): boolean {
    return this.closeError === null;
  }

  /** Streams `source` as one ASoc stream; resolves when delivered (receipt) or written (`confirm: false`). */
  async send(source: ByteSource, options: { confirm?: boolean } = {}): Promise<SendReceipt> {
    this.throwIfClosed();
    const started = monotonicNow();
    const streamId = this.core.openStream();
    const receipt = options.confirm === false ? null : this.expectReceipt(streamId);
    let bytes = 0;
    let frames = 0;
    try {
      for await (const chunk of asIterable(source)) {
        while (this.core.queuedBytes >= this.flow.sendWindow) await this.writable();
        this.throwIfClosed();
        this.core.sendData(streamId, chunk, monotonicNow());
        bytes += chunk.length;
        frames += Math.ceil(chunk.length / this.core.limits.chunkSize);
        this.service();
      }
      this.throwIfClosed();
    } catch (err) {
      // v1 has no way to abort one stream: the receiver sees it go idle and drops it after §9.3's 30 s.
      this.receipts.delete(streamId);
      throw err;
    }
    this.core.endStream(streamId, monotonicNow());
    this.service();
    if (receipt) {
      const confirmed = await this.receiptWithin(streamId, receipt);
      return { streamId, ...confirmed, confirmed: true, elapsedMs: monotonicNow() - started };
    }
    while (this.core.queuedBytes > 0 || this.socket.writableLength > 0) {
      await this.writable();
      this.throwIfClosed();
    }
    return { streamId, bytes, frames, confirmed: false, elapsedMs: monotonicNow() - started };
  }

  close(): void {
    this.core.close(monotonicNow());
    this.service();
  }

  // ---- the loop ----------------------------------------------------------------------------

  private service(): void {
    for (let e = this.core.pollEvent(); e; e = this.core.pollEvent()) this.dispatch(e);
    this.flush();
    this.armTimer();
  }

  private flush(): void {
    if (this.socket.writableNeedDrain || this.socket.destroyed) return;
    const out = this.core.pollTransmit();
    if (out) {
      this.socket.cork();
      for (const bytes of out) this.socket.write(bytes);
      this.socket.uncork();
    }
    if (!this.socket.writableNeedDrain) this.wakeWriters();
  }

  /**
   * Keeps one timer that fires no later than the core's next deadline, replaced only when the
   * deadline moves earlier: a stream's idle deadline moves later with every piece, and a new timer
   * per socket read was a measurable share of the receive path. A timer that fires before the
   * deadline (which moved, or went away) is harmless: handleTimeout does nothing early, and
   * service() arms the next one.
   */
  private armTimer(): void {
    const deadline = this.core.pollTimeout();
    if (deadline === null || (this.timer && this.timerDeadline <= deadline)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDeadline = deadline;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.core.handleTimeout(monotonicNow());
      this.service();
    }, Math.max(0, deadline - monotonicNow()));
    this.timer.unref();
  }

  private dispatch(e: ConnectionEvent): void {
    switch (e.type) {
      case 'established':
        return this.handlers.established(this, e.peerNodeId);
      case 'stream-opened': {
        const stream = new IncomingStream(e.streamId, this.peer!, (n) => this.consumed(n));
        this.inbound.set(e.streamId, stream);
        return this.handlers.stream(stream);
      }
      case 'stream-data':
        this.unreadBytes += e.data.length;
        this.inbound.get(e.streamId)?.push(e.data);
        if (!this.paused && this.unreadBytes > this.flow.receiveWindow) {
          this.paused = true;
          this.socket.pause();
        }
        return;
      case 'stream-end':
        this.inbound.get(e.streamId)?.end({ bytes: e.bytes, frames: e.frames });
        this.inbound.delete(e.streamId);
        return;
      case 'stream-aborted':
        this.inbound.get(e.streamId)?.abort(e.reason);
        this.inbound.delete(e.streamId);
        return;
      case 'receipt': {
        const pending = this.receipts.get(e.streamId);
        this.receipts.delete(e.streamId);
        pending?.resolve({ bytes: e.bytes, frames: e.frames });
        return;
      }
      case 'frame-ignored':
        return;
      case 'auth-failed':
        return this.handlers.authFailed(this, e.reason);
      case 'closed':
        return this.onClosed(e.reason, e.detail, e.flush);
    }
  }

  private onClosed(reason: CloseReason, detail: string, flush: boolean): void {
    this.closeError = new ConnectionClosedError(reason, detail);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (flush) {
      const out = this.core.pollTransmit();
      for (const bytes of out ?? []) this.socket.write(bytes);
      this.socket.end();
    } else {
      this.socket.destroy();
    }
    for (const pending of this.receipts.values()) pending.reject(this.closeError);
    this.receipts.clear();
    this.wakeWriters();
    this.handlers.closed(this, reason, detail);
  }

  private transportEnded(detail: string): void {
    if (!this.isOpen) return;
    this.core.transportClosed(monotonicNow(), detail);
    this.service();
  }

  private consumed(bytes: number): void {
    this.unreadBytes -= bytes;
    if (this.paused && this.unreadBytes <= this.flow.receiveWindow / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private expectReceipt(streamId: number): Promise<{ bytes: number; frames: number }> {
    const promise = new Promise<{ bytes: number; frames: number }>((resolve, reject) => this.receipts.set(streamId, { resolve, reject }));
    promise.catch(() => {}); // settled by close before anyone awaits it: not an unhandled rejection
    return promise;
  }

  /** The receipt, or a ReceiptTimeoutError; the clock starts at END, so a long transfer is not cut short. */
  private async receiptWithin(streamId: number, receipt: Promise<{ bytes: number; frames: number }>): Promise<{ bytes: number; frames: number }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.receipts.delete(streamId);
        reject(new ReceiptTimeoutError(`no delivery receipt for stream ${streamId} within ${this.flow.receiptTimeoutMs} ms of its END (a peer running the Python reference never sends one: send with confirm: false)`));
      }, this.flow.receiptTimeoutMs);
    });
    try {
      return await Promise.race([receipt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private writable(): Promise<void> {
    return new Promise((resolve) => this.writers.add(resolve));
  }

  private wakeWriters(): void {
    if (this.writers.size === 0) return; // the common case, on every socket read: skip making an iterator
    for (const wake of this.writers) wake();
    this.writers.clear();
  }

  private throwIfClosed(): void {
    if (this.closeError) throw this.closeError;
  }
}

async function* asIterable(source: ByteSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) yield source;
  else yield* source;
}

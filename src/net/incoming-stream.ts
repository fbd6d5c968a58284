/**
 * A stream a peer is sending us, as an async iterable of byte pieces (in order; piece boundaries
 * need not match the sender's chunks). Bytes wait here until the application reads them; the
 * connection is told how many are waiting so it can stop reading the socket (backpressure).
 */
import type { PeerInfo } from '../driver/peer.ts';

export class StreamAbortedError extends Error {
  override readonly name = 'StreamAbortedError';
  constructor(
    readonly streamId: number,
    readonly reason: string,
    readonly bytesReceived: number,
  ) {
    super(`stream ${streamId} aborted after ${bytesReceived} bytes: ${reason}`);
  }
}

export interface StreamTotals {
  bytes: number;
  frames: number;
}

export class IncomingStream implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private queueHead = 0;
  private waiting: (() => void) | null = null;
  private finished: StreamTotals | null = null;
  private failure: StreamAbortedError | null = null;
  private iterating = false;
  /** The reader stopped early: later bytes are counted and dropped, never left to block the connection. */
  private abandoned = false;
  private received = 0;
  private resolveDone!: (totals: StreamTotals) => void;
  private rejectDone!: (err: Error) => void;
  /** Settles when the sender's END arrives (with totals) or the stream is aborted. */
  readonly done: Promise<StreamTotals>;

  constructor(
    readonly streamId: number,
    readonly peer: PeerInfo,
    /** Called with the number of bytes the application just took off the queue. */
    private readonly onConsumed: (bytes: number) => void,
  ) {
    this.done = new Promise<StreamTotals>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => {}); // an abort is reported through iteration too; never an unhandled rejection
  }

  /** Bytes received so far (read or not). */
  get bytesReceived(): number {
    return this.received;
  }

  push(data: Uint8Array): void {
    this.received += data.length;
    if (this.abandoned) return this.onConsumed(data.length);
    this.queue.push(data);
    this.wake();
  }

  end(totals: StreamTotals): void {
    this.finished = totals;
    this.resolveDone(totals);
    this.wake();
  }

  abort(reason: string): void {
    if (this.finished) return;
    this.failure = new StreamAbortedError(this.streamId, reason, this.received);
    this.rejectDone(this.failure);
    this.wake();
  }

  /** Reads and throws away the whole stream (for streams nobody wants). */
  async discard(): Promise<number> {
    let bytes = 0;
    for await (const piece of this) bytes += piece.length;
    return bytes;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.iterating) throw new Error(`stream ${this.streamId} is already being read`);
    this.iterating = true;
    try {
      for (;;) {
        if (this.queueHead < this.queue.length) {
          const piece = this.queue[this.queueHead]!;
          this.queue[this.queueHead++] = EMPTY;
          if (this.queueHead === this.queue.length) {
            this.queue.length = 0;
            this.queueHead = 0;
          }
          this.onConsumed(piece.length);
          yield piece;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.waiting = resolve));
      }
    } finally {
      // A reader that breaks out early must not leave bytes parked here: the connection would stay
      // paused and every other stream on it would stall.
      this.abandon();
    }
  }

  private abandon(): void {
    this.abandoned = true;
    let unread = 0;
    for (let i = this.queueHead; i < this.queue.length; i++) unread += this.queue[i]!.length;
    this.queue.length = 0;
    this.queueHead = 0;
    if (unread > 0) this.onConsumed(unread);
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}

const EMPTY = new Uint8Array(0);

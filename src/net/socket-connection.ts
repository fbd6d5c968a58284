/**
 * One ASoc connection over a node:net socket (the shared ConnectionDriver does the loop): sends
 * are promises over any byte source, inbound streams are IncomingStreams.
 *
 * Backpressure both ways:
 * - sending: a stream's next chunk is queued only while less than `sendWindow` bytes wait in the
 *   core; the core's queue is written to the socket only when the socket is not asking for a drain.
 *   The core also hears how much the socket still buffers (ConnectionDriver), so a peer that stops
 *   reading is its §9.3 send timeout even when every byte already left the core: the connection
 *   closes and every send waiting on it rejects. A writer never waits once the connection closed.
 * - receiving: when more than `receiveWindow` bytes wait unread in IncomingStreams, the socket is
 *   paused; TCP's window then pushes back on the sender.
 */
import type { Socket } from 'node:net';
import type { AsocConnection } from '../core/connection.ts';
import { ConnectionDriver, type ReceiptOutcome, type SendReceipt } from '../driver/connection-driver.ts';
import type { ConnectionLifecycle } from '../driver/orchestrator.ts';
import { DEFAULT_FLOW, type FlowSettings } from '../driver/flow.ts';
import { IncomingStream } from '../driver/incoming-stream.ts';
import { netByteStream, netDeadlineTimer, netTimers } from './net-transport.ts';
import { monotonicNow } from './system.ts';

export interface ConnectionHandlers extends ConnectionLifecycle<SocketConnection> {
  stream(stream: IncomingStream): void;
}

export type ByteSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** The receiver confirmed a stream with another byte count than was sent. */
export class DeliveryMismatchError extends Error {
  override readonly name = 'DeliveryMismatchError';
}

const EMPTY = new Uint8Array(0);

/** Bytes waiting in the socket's write queue beyond which we stop reading the peer (see updateReading). */
const OWED_WRITE_LIMIT = 8 * 1024 * 1024;

const NET_CLOCK = { now: monotonicNow, deadlineTimer: netDeadlineTimer, timers: netTimers };

export class SocketConnection extends ConnectionDriver<IncomingStream> {
  /** Sends waiting for room; all are woken after a pump that left room, on 'drain', and on the close. */
  private unreadBytes = 0;
  private paused = false;
  private preparing = false;

  private markClosed!: () => void;
  /** Settles when the connection closes (whatever closed it). */
  private readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  constructor(
    readonly socket: Socket,
    core: AsocConnection,
    private readonly handlers: ConnectionHandlers,
    private readonly flow: FlowSettings = DEFAULT_FLOW,
  ) {
    super(netByteStream(socket), core, handlers, NET_CLOCK);
    this.pump();
  }

  /** Streams `source` as one ASoc stream; resolves when delivered (receipt) or written (`confirm: false`). */
  async send(source: ByteSource, options: { confirm?: boolean } = {}): Promise<SendReceipt> {
    this.throwIfClosed();
    const started = monotonicNow();
    const streamId = this.core.openStream();
    let bytes = 0;
    let frames = 0;
    // v1 has no way to abort one stream: when the source throws, the receiver sees the stream go
    // idle and drops it after §9.3's 30 s.
    const frameSize = this.core.limits.chunkSize;
    // The last frame's bytes go with END (in one frame where the profile's END carries data). A
    // source whose chunks come at once (bytes, an array, a generator) has its last frame held back
    // until the next one shows it is not the last; an async source's frames go out as they come.
    const holdsLast = !(Symbol.asyncIterator in Object(source));
    let held: Uint8Array = EMPTY;
    for await (const chunk of asIterable(source)) {
      // One frame at a time: a chunk of many frames queued at once would put more than the send
      // window in the socket, and with both peers sending, what we owe could pass the limit at which
      // updateReading stops reading; both would stop, and neither's bytes would be taken.
      for (let at = 0; at < chunk.length; at += frameSize) {
        const piece = chunk.length > frameSize ? chunk.subarray(at, at + frameSize) : chunk; // a view, never a copy
        frames++;
        bytes += piece.length;
        const next = holdsLast ? held : piece;
        held = holdsLast ? piece : EMPTY;
        if (next.length === 0) continue;
        await this.until(() => this.core.queuedBytes < this.flow.sendWindow);
        this.core.sendData(streamId, next, monotonicNow());
        this.pump();
      }
    }
    this.throwIfClosed();
    this.core.endStream(streamId, monotonicNow(), held);
    if (options.confirm !== false) {
      const receipt = new Promise<{ bytes: number; frames: number }>((resolve, reject) =>
        this.expectReceipt(streamId, this.flow.receiptTimeoutMs, (outcome: ReceiptOutcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome))),
      );
      this.pump();
      const confirmed = await receipt;
      if (confirmed.bytes !== bytes) throw new DeliveryMismatchError(`stream ${streamId}: sent ${bytes} bytes, the receiver's receipt says ${confirmed.bytes}`);
      return { streamId, ...confirmed, confirmed: true, elapsedMs: monotonicNow() - started };
    }
    this.pump();
    await this.until(() => this.core.queuedBytes === 0 && this.unsentBytes === 0);
    // 'drain' only follows a write that filled the buffer; an empty write's callback comes after
    // everything before it has reached the kernel, however full the buffer was. A peer that stopped
    // reading never lets it come: then the send timeout closes the connection, which ends the wait.
    await Promise.race([new Promise<void>((resolve) => this.socket.write(EMPTY, () => resolve())), this.closed]);
    this.throwIfClosed();
    return { streamId, bytes, frames, confirmed: false, elapsedMs: monotonicNow() - started };
  }

  protected override pumped(): void {
    if (!this.socket.writableNeedDrain) this.wakeWriters();
    this.updateReading();
    this.prepareWhenIdle();
  }

  /**
   * Once what the pump and the application's reactions to it (promise callbacks) had to do is done,
   * the core makes the next frames' cipher contexts: a 1 KiB message then pays no context on its way.
   */
  private prepareWhenIdle(): void {
    if (this.preparing || !this.core.framesToPrepare) return;
    this.preparing = true;
    setImmediate(() => {
      this.preparing = false;
      this.core.prepareFrames();
    });
  }

  protected override received(): void {
    this.updateReading();
  }

  protected override abandonSends(): void {
    this.wakeWriters();
    this.markClosed();
  }

  // ---- receiving ---------------------------------------------------------------------------

  protected override streamOpened(streamId: number): IncomingStream {
    const stream = new IncomingStream(streamId, this.peer!, (n) => this.consumed(n));
    this.handlers.stream(stream);
    return stream;
  }

  protected override streamData(stream: IncomingStream | undefined, data: Uint8Array): void {
    this.unreadBytes += data.length;
    stream?.push(data);
    this.updateReading();
  }

  protected override streamEnded(stream: IncomingStream | undefined, end: { bytes: number; frames: number }): void {
    stream?.end({ bytes: end.bytes, frames: end.frames });
  }

  protected override streamAborted(stream: IncomingStream | undefined, aborted: { reason: string }): void {
    stream?.abort(aborted.reason);
  }

  private consumed(bytes: number): void {
    this.unreadBytes -= bytes;
    this.updateReading();
  }

  /**
   * Reads the socket only while (1) the application keeps up with what arrived and (2) what we owe
   * the peer is being taken. (2) stops a peer that sends END after END (each owed a receipt) without
   * reading ours from growing our write queues without bound. Our own streams cannot trip it: they
   * wait while a send window is queued, and are written only when the socket has room.
   */
  private updateReading(): void {
    const owedLimit = Math.max(OWED_WRITE_LIMIT, 4 * this.flow.sendWindow);
    const owed = this.core.queuedBytes + this.unsentBytes + this.socket.writableLength;
    if (!this.paused && (this.unreadBytes > this.flow.receiveWindow || owed > owedLimit)) {
      this.paused = true;
      this.socket.pause();
    } else if (this.paused && this.unreadBytes <= this.flow.receiveWindow / 2 && owed <= owedLimit / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }
}

export async function* asIterable(source: ByteSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) yield source;
  else yield* source;
}

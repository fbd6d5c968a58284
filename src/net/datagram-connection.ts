/**
 * One stt connection over UDP inside a node (stt-udp-node.ts): the datagram connection
 * (src/core/stt-datagram-connection.ts) around the core the orchestration made, driven by the
 * shared DatagramPump; its events go through the shared ConnectionEventDriver as a TCP
 * connection's do, so the node reports the same peers, streams, receipts and closes.
 *
 * Backpressure both ways:
 * - sending: a stream's next frame is queued only while less than UDP_SEND_WINDOW bytes are queued
 *   or unacknowledged; acknowledgements (or the close) wake the writer.
 * - receiving: while more than the flow's `receiveWindow` bytes wait unread in IncomingStreams, the
 *   peer's DATA datagrams are dropped unacknowledged; it sends them again (its retransmission), and
 *   they are taken once the application has read. UDP has no window of its own to push back with.
 */
import type { AsocConnection } from '../core/connection.ts';
import { SttDatagramConnection, type DatagramLimits } from '../core/stt-datagram-connection.ts';
import { ConnectionEventDriver, type ConnectionClosedError, type ReceiptOutcome, type SendReceipt } from '../driver/connection-events.ts';
import { DatagramPump } from '../driver/datagram-pump.ts';
import { DEFAULT_FLOW, type FlowSettings } from '../driver/flow.ts';
import { IncomingStream } from '../driver/incoming-stream.ts';
import type { ConnectionLifecycle } from '../driver/orchestrator.ts';
import { DatagramKind } from '../wire/stt-datagram.ts';
import { netDeadlineTimer, netTimers } from './net-transport.ts';
import { asIterable, DeliveryMismatchError, type ByteSource } from './socket-connection.ts';
import { monotonicNow } from './system.ts';

/** Bytes queued or in flight unacknowledged above which a send waits for acknowledgements. */
export const UDP_SEND_WINDOW = 4 * 1024 * 1024;

/** This node's socket and one remote endpoint: what a connection over UDP sends on and hears from. */
export interface DatagramLink {
  readonly remoteAddress: string;
  readonly remotePort: number;
  send(datagram: Uint8Array): void;
  /** From now on the remote endpoint's datagrams go to `receive`, and `cut` is how the node cuts the connection. */
  attach(receive: (datagram: Uint8Array) => void, cut: () => void): void;
  /** The connection is over: nothing more either way (an outbound link closes its own socket). */
  release(): void;
  /** Cuts the connection (through `cut`), or releases a link no connection took. */
  destroy(): void;
}

export interface DatagramConnectionHandlers extends ConnectionLifecycle<DatagramConnection> {
  stream(stream: IncomingStream): void;
}

export class DatagramConnection extends ConnectionEventDriver<IncomingStream> {
  readonly machine: SttDatagramConnection;
  private readonly pump: DatagramPump;
  /** Sends waiting for acknowledgements; all are woken after every flush and on the close. */
  private unreadBytes = 0;
  /** How the link ends once the core closed: at once (cut), or once every datagram is acknowledged (flushed). */
  private ending: 'now' | 'when-acknowledged' | 'done' | null = null;

  constructor(
    readonly socket: DatagramLink,
    core: AsocConnection,
    private readonly handlers: DatagramConnectionHandlers,
    datagramLimits: Partial<DatagramLimits>,
    private readonly flow: FlowSettings = DEFAULT_FLOW,
  ) {
    super(core, handlers as ConnectionLifecycle<ConnectionEventDriver<IncomingStream>>, netTimers);
    this.machine = new SttDatagramConnection({ connection: core, datagramLimits });
    this.pump = new DatagramPump(this.machine, { send: (datagram) => socket.send(datagram), now: monotonicNow, deadlineTimer: netDeadlineTimer }, (event) => this.dispatch(event), () => this.flushed());
    socket.attach(
      (datagram) => this.receive(datagram),
      () => this.cut(),
    );
    this.pump.flush(); // the client's HELLO
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress;
  }

  get remotePort(): number {
    return this.socket.remotePort;
  }

  /** Closes gracefully: what is queued is still sent (with the close notice, once established) and acknowledged, then the link is released. */
  close(detail?: string): void {
    this.core.close(monotonicNow(), detail);
    this.pump.flush();
  }

  /** Streams `source` as one stream; resolves when delivered (receipt) or, with `confirm: false`, once every datagram is acknowledged. */
  async send(source: ByteSource, options: { confirm?: boolean } = {}): Promise<SendReceipt> {
    this.throwIfClosed();
    const started = monotonicNow();
    const streamId = this.core.openStream();
    let bytes = 0;
    let frames = 0;
    const frameSize = this.core.limits.chunkSize;
    for await (const chunk of asIterable(source)) {
      for (let at = 0; at < chunk.length; at += frameSize) {
        await this.until(() => this.core.queuedBytes + this.machine.sender.unacknowledgedBytes < UDP_SEND_WINDOW);
        const piece = chunk.length > frameSize ? chunk.subarray(at, at + frameSize) : chunk;
        this.core.sendData(streamId, piece, monotonicNow());
        bytes += piece.length;
        frames++;
        this.pump.flush();
      }
    }
    this.throwIfClosed();
    this.core.endStream(streamId, monotonicNow());
    if (options.confirm !== false) {
      const receipt = new Promise<{ bytes: number; frames: number }>((resolve, reject) =>
        this.expectReceipt(streamId, this.flow.receiptTimeoutMs, (outcome: ReceiptOutcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome))),
      );
      this.pump.flush();
      const confirmed = await receipt;
      if (confirmed.bytes !== bytes) throw new DeliveryMismatchError(`stream ${streamId}: sent ${bytes} bytes, the receiver's receipt says ${confirmed.bytes}`);
      return { streamId, ...confirmed, confirmed: true, elapsedMs: monotonicNow() - started };
    }
    this.pump.flush();
    await this.until(() => this.core.queuedBytes === 0 && this.machine.sender.unacknowledgedBytes === 0);
    return { streamId, bytes, frames, confirmed: false, elapsedMs: monotonicNow() - started };
  }

  private receive(datagram: Uint8Array): void {
    // Dropped unacknowledged while the application lags: the peer sends it again (see the top).
    if (this.unreadBytes > this.flow.receiveWindow && datagram[0] === DatagramKind.DATA) return;
    this.pump.receive(datagram);
  }

  /** The node cuts the connection (refused, or still open when a stop's grace ran out). */
  private cut(): void {
    if (this.isOpen) {
      this.core.transportClosed(monotonicNow(), 'cut by this node');
      this.pump.flush();
    }
    if (this.ending === 'done') return;
    this.ending = 'now';
    this.flushed();
  }

  private flushed(): void {
    this.wakeWriters();
    if (this.ending === 'now' || (this.ending === 'when-acknowledged' && this.machine.finished)) {
      this.ending = 'done';
      this.pump.stop();
      this.socket.release();
    }
  }

  // ---- closing -----------------------------------------------------------------------------

  /** Runs inside a flush, which still sends what the close left to send (the close notice, acknowledgements) before flushed() releases the link. */
  protected override closeTransport(flush: boolean): void {
    this.ending = flush ? 'when-acknowledged' : 'now';
  }

  protected override abandonSends(_error: ConnectionClosedError): void {
    this.wakeWriters();
  }

  // ---- receiving ---------------------------------------------------------------------------

  protected override streamOpened(streamId: number): IncomingStream {
    const stream = new IncomingStream(streamId, this.peer!, (n) => (this.unreadBytes -= n));
    this.handlers.stream(stream);
    return stream;
  }

  protected override streamData(stream: IncomingStream | undefined, data: Uint8Array): void {
    this.unreadBytes += data.length;
    stream?.push(data);
  }

  protected override streamEnded(stream: IncomingStream | undefined, end: { bytes: number; frames: number }): void {
    stream?.end({ bytes: end.bytes, frames: end.frames });
  }

  protected override streamAborted(stream: IncomingStream | undefined, aborted: { reason: string }): void {
    stream?.abort(aborted.reason);
  }
}

/**
 * Drives one sans-io AsocConnection over a byte stream, for both drivers: an EndpointPump moves
 * bytes, time and events; here the events are dispatched, receipts settle the sends waiting for
 * them (with a timeout that starts at END), and the close is carried out: queued frames then FIN,
 * or a reset. What a driver does with inbound streams and how it feeds outbound ones are its
 * subclass's, which calls pump() at the end of its constructor (the client's HELLO goes out then).
 */
import type { AsocConnection } from '../core/connection.ts';
import type { CloseReason, ConnectionEvent } from '../core/events.ts';
import { EndpointPump, type ByteSink } from './endpoint-pump.ts';
import type { ConnectionLifecycle } from './orchestrator.ts';
import type { PeerInfo } from './peer.ts';
import type { Cancel, DeadlineTimerFactory, Timers } from './transport.ts';

/** A connected TCP socket as the driver sees it. */
export interface ByteStream extends ByteSink {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * Bytes written to it that have not left it yet: not yet taken by the kernel (node:net), or not
   * yet acknowledged by the peer (the simulator's TCP). What the core's send-stall clock follows.
   */
  readonly pendingBytes: number;
  /** FIN after what was written. */
  end(): void;
  destroy(): void;
  attach(events: ByteStreamEvents): void;
}

export interface ByteStreamEvents {
  data(bytes: Uint8Array): void;
  /** It has room again after a write it had to buffer. */
  writable(): void;
  /** Some of its pending bytes left it (taken by the kernel, acknowledged by the peer): delivery progress. */
  progress(): void;
  /** No more bytes will come (the peer's FIN, or an error). */
  ended(detail: string): void;
  /** The socket is gone. */
  closed(detail: string): void;
}

export interface DriverClock {
  /** The connection's clock (milliseconds). */
  now(): number;
  /** Deadlines on that clock. */
  deadlineTimer: DeadlineTimerFactory;
  /** For receipt timeouts and the deferred FIN. */
  timers: Timers;
}

/** What a send resolves to. `confirmed`: the receiver's receipt arrived (else: written to the socket only). */
export interface SendReceipt {
  streamId: number;
  bytes: number;
  frames: number;
  confirmed: boolean;
  /** Milliseconds from the first byte queued to the receipt (or to the last byte written). */
  elapsedMs: number;
}

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

/** The receiver's totals, or why they will never come. */
export type ReceiptOutcome = { bytes: number; frames: number } | Error;

export abstract class ConnectionDriver<Inbound> {
  /** Set by the orchestration once the handshake completed. */
  peer: PeerInfo | null = null;
  private readonly pumper: EndpointPump<ConnectionEvent>;
  /** Inbound streams open now, with the subclass's state for each. */
  private readonly inbound = new Map<number, Inbound>();
  private readonly receipts = new Map<number, { settle(outcome: ReceiptOutcome): void; cancelTimeout: Cancel }>();
  private endWhenWritten = false;
  protected closeError: ConnectionClosedError | null = null;

  constructor(
    private readonly stream: ByteStream,
    readonly core: AsocConnection,
    private readonly lifecycle: ConnectionLifecycle<ConnectionDriver<Inbound>>,
    private readonly clock: DriverClock,
  ) {
    this.pumper = new EndpointPump(stream, core, {
      now: clock.now,
      deadlineTimer: clock.deadlineTimer,
      onEvent: (e) => this.dispatch(e),
      afterPump: () => this.pumped(),
      observe: (now) => this.observeTransport(now),
    });
    stream.attach({
      data: (bytes) => {
        this.pumper.receive(bytes);
        this.received();
      },
      writable: () => {
        this.pump();
        this.endIfWritten();
        this.writable();
      },
      // Only the stall clock: it moves later (or stops), so the armed deadline can stay; when it fires early, nothing is due yet.
      progress: () => this.observeTransport(this.now()),
      ended: (detail) => this.transportEnded(detail),
      closed: (detail) => {
        this.pumper.stop();
        this.transportEnded(detail);
      },
    });
  }

  get remoteAddress(): string {
    return this.stream.remoteAddress;
  }

  get remotePort(): number {
    return this.stream.remotePort;
  }

  get isOpen(): boolean {
    return this.closeError === null;
  }

  /** Closes gracefully: what is queued is still written, then FIN. */
  close(detail?: string): void {
    this.core.close(this.now(), detail);
    this.pump();
  }

  /** Moves what the core has to give; code that drives the core from outside (opens a stream, sends) calls it afterwards. */
  protected pump(): void {
    this.pumper.pump();
  }

  /** Tells the core what the stream and the pump still hold of what it handed out (its send-stall clock follows delivery). */
  private observeTransport(now: number): void {
    this.core.transportBacklog(this.pumper.unsentBytes + this.stream.pendingBytes, now);
  }

  /** Bytes taken from the core that the stream has not taken yet. */
  protected get unsentBytes(): number {
    return this.pumper.unsentBytes;
  }

  /** The connection's clock, never going backwards. */
  protected now(): number {
    return this.pumper.now();
  }

  /** Settles `settle` with the receipt of `streamId` (whose END was just queued), a timeout, or the close. */
  protected expectReceipt(streamId: number, timeoutMs: number, settle: (outcome: ReceiptOutcome) => void): void {
    const cancelTimeout = this.clock.timers.after(timeoutMs, () => {
      this.receipts.delete(streamId);
      settle(new ReceiptTimeoutError(`no delivery receipt for stream ${streamId} within ${timeoutMs} ms of its END (a peer running the Python reference never sends one: send with confirm: false)`));
    });
    this.receipts.set(streamId, { settle, cancelTimeout });
  }

  // ---- for the subclass --------------------------------------------------------------------

  protected abstract streamOpened(streamId: number): Inbound;
  protected abstract streamData(stream: Inbound | undefined, data: Uint8Array): void;
  protected abstract streamEnded(stream: Inbound | undefined, end: { streamId: number; bytes: number; frames: number }): void;
  protected abstract streamAborted(stream: Inbound | undefined, aborted: { streamId: number; bytes: number; reason: string }): void;
  /** The connection closed: fail the sends not yet waiting for a receipt. */
  protected abstract abandonSends(error: ConnectionClosedError): void;
  /** After a piece of data was taken in. */
  protected received(): void {}
  /** After the stream signalled room again. */
  protected writable(): void {}
  /** After every pump. */
  protected pumped(): void {}

  // ---- events ------------------------------------------------------------------------------

  private dispatch(e: ConnectionEvent): void {
    switch (e.type) {
      case 'established':
        return this.lifecycle.established(this, e.peerNodeId);
      case 'stream-opened':
        this.inbound.set(e.streamId, this.streamOpened(e.streamId));
        return;
      case 'stream-data':
        return this.streamData(this.inbound.get(e.streamId), e.data);
      case 'stream-end': {
        const stream = this.inbound.get(e.streamId);
        this.inbound.delete(e.streamId);
        return this.streamEnded(stream, { streamId: e.streamId, bytes: e.bytes, frames: e.frames });
      }
      case 'stream-aborted': {
        const stream = this.inbound.get(e.streamId);
        this.inbound.delete(e.streamId);
        return this.streamAborted(stream, { streamId: e.streamId, bytes: e.bytes, reason: e.reason });
      }
      case 'receipt': {
        const pending = this.receipts.get(e.streamId);
        if (pending === undefined) return;
        this.receipts.delete(e.streamId);
        pending.cancelTimeout();
        return pending.settle({ bytes: e.bytes, frames: e.frames });
      }
      case 'frame-ignored':
        return;
      case 'auth-failed':
        return this.lifecycle.authFailed(this, e.reason);
      case 'closed':
        return this.onClosed(e.reason, e.detail, e.flush);
    }
  }

  // ---- closing -----------------------------------------------------------------------------

  private onClosed(reason: CloseReason, detail: string, flush: boolean): void {
    const error = new ConnectionClosedError(reason, detail);
    this.closeError = error;
    this.abandonSends(error);
    for (const { settle, cancelTimeout } of this.receipts.values()) {
      cancelTimeout();
      settle(error);
    }
    this.receipts.clear();
    if (flush) {
      // This runs inside the pump, which writes the rest once the event is handled; FIN follows the last byte.
      this.endWhenWritten = true;
      this.pump();
      this.clock.timers.after(0, () => this.endIfWritten());
    } else {
      this.stream.destroy();
    }
    this.lifecycle.closed(this, reason, detail);
  }

  /** After a close with flush: FIN once the core and the stream hold nothing more to write. */
  protected endIfWritten(): void {
    if (this.endWhenWritten && this.core.queuedBytes === 0 && this.pumper.unsentBytes === 0) {
      this.endWhenWritten = false;
      this.stream.end();
    }
  }

  /** The transport ended under the core (FIN, reset, error, destroyed): what it still held for the wire is dropped. */
  private transportEnded(detail: string): void {
    const wasOpen = this.isOpen;
    this.core.transportClosed(this.now(), detail);
    this.endWhenWritten = false;
    if (!wasOpen) return;
    this.pump();
    // No pump once the stream is closed: hand the core's last events on here.
    for (let e = this.core.pollEvent(); e !== null; e = this.core.pollEvent()) this.dispatch(e);
  }
}

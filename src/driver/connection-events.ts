/**
 * What every driver does with a sans-io connection's events, whatever carries its bytes (a byte
 * stream: connection-driver.ts; UDP datagrams: datagram-connection-driver.ts): the handshake and
 * the close reported to the orchestration, inbound streams handed to the subclass, receipts
 * settling the sends waiting for them (with a timeout that starts at END), and on the close every
 * waiting send failed before the transport is closed as the core asks (flushed, or cut).
 */
import type { AsocConnection } from '../core/connection.ts';
import type { CloseReason, ConnectionEvent } from '../core/events.ts';
import type { ConnectionLifecycle } from './orchestrator.ts';
import type { PeerInfo } from './peer.ts';
import type { Cancel, Timers } from './transport.ts';

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

export abstract class ConnectionEventDriver<Inbound> {
  /** Set by the orchestration once the handshake completed. */
  peer: PeerInfo | null = null;
  /** Inbound streams open now, with the subclass's state for each. */
  private readonly inbound = new Map<number, Inbound>();
  private readonly receipts = new Map<number, { settle(outcome: ReceiptOutcome): void; cancelTimeout: Cancel }>();
  protected closeError: ConnectionClosedError | null = null;

  constructor(
    readonly core: AsocConnection,
    private readonly lifecycle: ConnectionLifecycle<ConnectionEventDriver<Inbound>>,
    private readonly receiptTimers: Timers,
  ) {}

  get isOpen(): boolean {
    return this.closeError === null;
  }

  /** Settles `settle` with the receipt of `streamId` (whose END was just queued), a timeout, or the close. */
  protected expectReceipt(streamId: number, timeoutMs: number, settle: (outcome: ReceiptOutcome) => void): void {
    const cancelTimeout = this.receiptTimers.after(timeoutMs, () => {
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
  /** Carries out the close on the transport: `flush`, what is queued is still written first; else it is cut. */
  protected abstract closeTransport(flush: boolean): void;

  // ---- events ------------------------------------------------------------------------------

  protected dispatch(e: ConnectionEvent): void {
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

  private onClosed(reason: CloseReason, detail: string, flush: boolean): void {
    const error = new ConnectionClosedError(reason, detail);
    this.closeError = error;
    this.abandonSends(error);
    for (const { settle, cancelTimeout } of this.receipts.values()) {
      cancelTimeout();
      settle(error);
    }
    this.receipts.clear();
    this.closeTransport(flush);
    this.lifecycle.closed(this, reason, detail);
  }

  // ---- waiting to send (both transports' sends wait on their window the same way) ---------------

  private readonly writers = new Set<() => void>();

  /** Resolves once `ready()` holds; throws the close error as soon as the connection is closed, and never waits after it. */
  protected async until(ready: () => boolean): Promise<void> {
    for (;;) {
      this.throwIfClosed();
      if (ready()) return;
      await new Promise<void>((resolve) => this.writers.add(resolve));
    }
  }

  /** Wakes every waiting send to check its condition again. */
  protected wakeWriters(): void {
    if (this.writers.size === 0) return; // the common case, on every socket read: skip making an iterator
    for (const wake of this.writers) wake();
    this.writers.clear();
  }

  protected throwIfClosed(): void {
    if (this.closeError) throw this.closeError;
  }
}

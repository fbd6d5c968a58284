/**
 * The handle send() returns: one outbound stream's progress in virtual time, and its outcome.
 * The connection that carries it moves it along; the application reads it and may pause it (a
 * sender that stops feeding a stream, which the receiver drops after the §9.3 idle timeout).
 */
import type { SendReceipt } from '../../src/driver/connection-driver.ts';
import type { ByteSource } from './byte-source.ts';

export type TransferState = 'sending' | 'awaiting-receipt' | 'done' | 'failed';

export interface TransferCallbacks {
  onDone?: (receipt: SendReceipt) => void;
  onError?: (error: Error) => void;
}

export class Transfer {
  state: TransferState = 'sending';
  /** Payload bytes handed to the connection core (queued as DATA frames). */
  bytesQueued = 0;
  framesQueued = 0;
  /** Payload bytes the receiver confirmed (its receipt), or handed to TCP when unconfirmed; set at the end. */
  bytesDelivered = 0;
  /** Virtual time at which END was queued; null before. */
  endedAt: number | null = null;
  /** Virtual time of the outcome (receipt, all handed to TCP, or the failure); null before. */
  finishedAt: number | null = null;
  receipt: SendReceipt | null = null;
  error: Error | null = null;
  private pausedValue = false;
  private resumeHandler: (() => void) | null = null;

  constructor(
    readonly peerKey: string,
    /** 0 when the transfer failed before a stream was opened. */
    readonly streamId: number,
    readonly source: ByteSource,
    readonly confirm: boolean,
    /** Virtual time at which send() was called. */
    readonly startedAt: number,
    private readonly callbacks: TransferCallbacks,
  ) {}

  get totalBytes(): number {
    return this.source.totalBytes;
  }

  get paused(): boolean {
    return this.pausedValue;
  }

  get settled(): boolean {
    return this.state === 'done' || this.state === 'failed';
  }

  /** Stops queuing more bytes (what is queued still goes out). */
  pause(): void {
    this.pausedValue = true;
  }

  resume(): void {
    if (!this.pausedValue) return;
    this.pausedValue = false;
    this.resumeHandler?.();
  }

  /** For the carrying connection: called when resume() is. */
  onResume(handler: () => void): void {
    this.resumeHandler = handler;
  }

  /** For the carrying connection. */
  succeed(now: number, receipt: Omit<SendReceipt, 'elapsedMs' | 'streamId'>): void {
    if (this.settled) return;
    this.state = 'done';
    this.finishedAt = now;
    this.bytesDelivered = receipt.bytes;
    this.receipt = { streamId: this.streamId, ...receipt, elapsedMs: now - this.startedAt };
    this.callbacks.onDone?.(this.receipt);
  }

  /** For the carrying connection. */
  fail(now: number, error: Error): void {
    if (this.settled) return;
    this.state = 'failed';
    this.finishedAt = now;
    this.error = error;
    this.callbacks.onError?.(error);
  }
}

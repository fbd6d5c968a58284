/**
 * One ASoc connection over a simulated TCP socket (the shared ConnectionDriver does the loop):
 * inbound streams become the node's events (and are hashed), transfers are fed to the core and
 * settled by receipts or by the socket taking their last byte.
 *
 * Sending (the same rule as src/net/socket-connection.ts): a transfer's next piece is handed to the
 * core only while the core holds less than `sendWindow` bytes the socket has not taken; when the
 * socket's buffer is full the driver stops taking them, the window fills, and production resumes on
 * the socket's onWritable. A peer that stops reading shows up in the core as bytes not taken: its
 * §9.3 send-stall timeout. Several transfers on one connection take turns, a piece each.
 *
 * CPU: each DATA/END frame the application queues costs `sendPerFrameMs` on the host's CPU before it
 * is queued (one piece at a time goes through the CPU, so a slow CPU paces the sender). Each frame
 * the core decodes costs `receivePerFrameMs`, charged once the core has seen it; the socket stays
 * paused until the CPU has done that work, so later bytes wait in TCP's receive buffer and its window
 * pushes back. Frames the core queues by itself (HELLO, ACCEPT, receipts) are not charged. The CPU
 * is the host's one FIFO: packet processing (ACKs too) waits behind frame work, as on one core, so
 * frame work and packet work add up rather than overlap.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AsocConnection } from '../../src/core/connection.ts';
import { ConnectionDriver, type ConnectionClosedError } from '../../src/driver/connection-driver.ts';
import type { ConnectionLifecycle } from '../../src/driver/orchestrator.ts';
import { hostDeadlineTimer } from './host-deadline-timer.ts';
import type { Host } from '../host.ts';
import { tcpByteStream } from './tcp-byte-stream.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import { simTimers } from './sim-transport.ts';
import type { FrameCpuCosts, SimFlowSettings, StreamAborted, StreamEnd } from './types.ts';
import type { Transfer } from './transfer.ts';

export interface SimStreamHandlers {
  streamOpened(conn: SimConnection, streamId: number): void;
  streamEnd(conn: SimConnection, end: Omit<StreamEnd, 'peerKey'>): void;
  streamAborted(conn: SimConnection, aborted: Omit<StreamAborted, 'peerKey'>): void;
}

export type SimConnectionHandlers = ConnectionLifecycle<SimConnection> & SimStreamHandlers;

export interface SimConnectionSettings {
  flow: SimFlowSettings;
  frameCosts: FrameCpuCosts;
  hashStreams: boolean;
}

export class SimConnection extends ConnectionDriver<Hash | null> {
  /** Transfers still queuing bytes, taking turns. */
  private readonly sending: Transfer[] = [];
  private turn = 0;
  /** Unconfirmed transfers whose END is queued: done once the socket has taken every byte. */
  private readonly awaitingWrite: Transfer[] = [];
  /** A piece is on the CPU; the next one waits for it. */
  private producing = false;
  private recheckScheduled = false;
  private framesCharged = 0;
  private cpuHolds = 0;

  constructor(
    private readonly host: Host,
    readonly socket: TcpSocket,
    core: AsocConnection,
    private readonly handlers: SimConnectionHandlers,
    private readonly settings: SimConnectionSettings,
  ) {
    super(tcpByteStream(socket), core, handlers, { now: () => host.now(), deadlineTimer: hostDeadlineTimer(host, 0), timers: simTimers(host) });
    this.pump();
  }

  /** Starts streaming `transfer` (its stream was opened with core.openStream()). */
  send(transfer: Transfer): void {
    this.sending.push(transfer);
    transfer.onResume(() => this.produce());
    this.produce();
  }

  // ---- sending -----------------------------------------------------------------------------

  private produce(): void {
    const window = this.settings.flow.sendWindow;
    while (!this.producing && this.core.state === 'established' && this.core.queuedBytes < window) {
      const transfer = this.nextTransfer();
      if (transfer === null) return;
      const piece = transfer.source.next();
      const frames = piece === null ? 1 : Math.ceil(piece.length / this.core.limits.chunkSize);
      const cost = frames * this.settings.frameCosts.sendPerFrameMs;
      if (cost === 0) {
        this.queue(transfer, piece, frames);
        continue;
      }
      this.producing = true;
      this.host.cpu.run(cost, () => {
        this.producing = false;
        if (this.core.state !== 'established') return;
        this.queue(transfer, piece, frames);
        this.produce();
      });
    }
  }

  /** The next transfer with bytes to queue, in turn; paused ones are skipped. */
  private nextTransfer(): Transfer | null {
    const count = this.sending.length;
    for (let i = 0; i < count; i++) {
      const index = (this.turn + i) % count;
      const transfer = this.sending[index]!;
      if (transfer.paused) continue;
      this.turn = index + 1;
      return transfer;
    }
    return null;
  }

  /** Queues a piece (or, for null, the END) of `transfer` in the core and lets the driver move it. */
  private queue(transfer: Transfer, piece: Uint8Array | null, frames: number): void {
    const now = this.now();
    if (piece !== null) {
      this.core.sendData(transfer.streamId, piece, now);
      transfer.bytesQueued += piece.length;
      transfer.framesQueued += frames;
    } else {
      this.core.endStream(transfer.streamId, now);
      transfer.endedAt = this.host.scheduler.now;
      this.sending.splice(this.sending.indexOf(transfer), 1);
      if (transfer.confirm) this.expectTransferReceipt(transfer);
      else this.awaitingWrite.push(transfer);
    }
    this.pump();
    this.settleWritten();
    // Bytes left in the core although the socket has room: this runs inside the pump (from an
    // event handler), which takes them once the handler returns, and no onWritable will follow.
    // Look again after that pump, to queue more and to settle what it wrote.
    if (this.core.queuedBytes > 0 && this.socket.writableBytes > 0 && !this.recheckScheduled) {
      this.recheckScheduled = true;
      this.host.scheduler.after(0, () => {
        this.recheckScheduled = false;
        this.settleWritten();
        this.endIfWritten();
        this.produce();
      });
    }
  }

  private expectTransferReceipt(transfer: Transfer): void {
    transfer.state = 'awaiting-receipt';
    this.expectReceipt(transfer.streamId, this.settings.flow.receiptTimeoutMs, (outcome) => {
      if (outcome instanceof Error) transfer.fail(this.host.scheduler.now, outcome);
      else transfer.succeed(this.host.scheduler.now, { ...outcome, confirmed: true });
    });
  }

  /** Unconfirmed transfers are done once the socket has accepted every byte of them. */
  private settleWritten(): void {
    if (this.awaitingWrite.length === 0 || this.core.queuedBytes > 0 || this.unsentBytes > 0) return;
    for (const transfer of this.awaitingWrite.splice(0)) {
      transfer.succeed(this.host.scheduler.now, { bytes: transfer.bytesQueued, frames: transfer.framesQueued, confirmed: false });
    }
  }

  protected override writable(): void {
    this.settleWritten();
    this.produce();
  }

  protected override abandonSends(error: ConnectionClosedError): void {
    const now = this.host.scheduler.now;
    for (const transfer of this.sending.splice(0)) transfer.fail(now, error);
    for (const transfer of this.awaitingWrite.splice(0)) transfer.fail(now, error);
  }

  // ---- receiving ---------------------------------------------------------------------------

  protected override received(): void {
    const frames = this.core.stats.framesReceived;
    const fresh = frames - this.framesCharged;
    this.framesCharged = frames;
    const cost = fresh * this.settings.frameCosts.receivePerFrameMs;
    if (cost === 0) return;
    this.socket.pause();
    this.cpuHolds++;
    this.host.cpu.run(cost, () => {
      if (--this.cpuHolds === 0) this.socket.resume();
    });
  }

  protected override streamOpened(streamId: number): Hash | null {
    const hash = this.settings.hashStreams ? createHash('sha256') : null;
    this.handlers.streamOpened(this, streamId);
    return hash;
  }

  protected override streamData(hash: Hash | null | undefined, data: Uint8Array): void {
    hash?.update(data);
  }

  protected override streamEnded(hash: Hash | null | undefined, end: { streamId: number; bytes: number; frames: number }): void {
    this.handlers.streamEnd(this, hash ? { ...end, sha256: hash.digest('hex') } : end);
  }

  protected override streamAborted(_hash: Hash | null | undefined, aborted: { streamId: number; bytes: number; reason: string }): void {
    this.handlers.streamAborted(this, aborted);
  }
}

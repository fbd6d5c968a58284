/**
 * Drives one core AsocConnection over a simulated TCP socket (through the simulator's
 * EndpointDriver) and turns its events into the node's: established, inbound streams counted (and
 * hashed), receipts settling transfers, and the close.
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
import type { CloseReason, ConnectionEvent } from '../../src/core/events.ts';
import { ConnectionClosedError, ReceiptTimeoutError } from '../../src/net/socket-connection.ts';
import type { ConnectionLifecycle } from '../../src/node/orchestrator.ts';
import type { PeerInfo } from '../../src/node/peer.ts';
import { EndpointDriver } from '../endpoint-driver.ts';
import type { Host } from '../host.ts';
import type { ScheduledEvent } from '../scheduler.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
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

export class SimConnection {
  /** Set by the node once the handshake completed. */
  peer: PeerInfo | null = null;
  private readonly driver: EndpointDriver<ConnectionEvent>;
  /** Inbound streams open now, with their running hash when streams are hashed. */
  private readonly inbound = new Map<number, Hash | null>();
  /** Transfers still queuing bytes, taking turns. */
  private readonly sending: Transfer[] = [];
  private turn = 0;
  /** Transfers whose END is queued: waiting for a receipt (with its timeout) or to be handed to TCP. */
  private readonly awaitingReceipt = new Map<number, { transfer: Transfer; timeout: ScheduledEvent }>();
  private readonly awaitingWrite: Transfer[] = [];
  /** A piece is on the CPU; the next one waits for it. */
  private producing = false;
  private recheckScheduled = false;
  private framesCharged = 0;
  private cpuHolds = 0;
  private closed = false;
  private endWhenWritten = false;

  constructor(
    private readonly host: Host,
    readonly socket: TcpSocket,
    readonly core: AsocConnection,
    private readonly handlers: SimConnectionHandlers,
    private readonly settings: SimConnectionSettings,
  ) {
    this.driver = new EndpointDriver(host, socket, core, {
      onEvent: (event) => this.dispatch(event),
      onEnd: () => this.transportEnded('peer ended the connection'),
      onClose: (reason) => this.transportEnded(`TCP connection closed (${reason})`),
    });
    // On top of the driver's own handlers: CPU for decoded frames, and production when there is room.
    const deliver = socket.onData!;
    socket.onData = (bytes) => {
      deliver(bytes);
      this.chargeReceivedFrames();
    };
    const writable = socket.onWritable!;
    socket.onWritable = () => {
      writable();
      this.afterWrite();
    };
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress;
  }

  get remotePort(): number {
    return this.socket.remotePort;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Starts streaming `transfer` (its stream was opened with core.openStream()). */
  send(transfer: Transfer): void {
    this.sending.push(transfer);
    transfer.onResume(() => this.produce());
    this.produce();
  }

  /** Closes gracefully: what is queued is still written, then FIN. */
  close(detail?: string): void {
    this.core.close(this.host.now(), detail);
    this.driver.pump();
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
    const now = this.host.now();
    if (piece !== null) {
      this.core.sendData(transfer.streamId, piece, now);
      transfer.bytesQueued += piece.length;
      transfer.framesQueued += frames;
    } else {
      this.core.endStream(transfer.streamId, now);
      transfer.endedAt = this.host.scheduler.now;
      this.sending.splice(this.sending.indexOf(transfer), 1);
      if (transfer.confirm) this.expectReceipt(transfer);
      else this.awaitingWrite.push(transfer);
    }
    this.driver.pump();
    this.settleWritten();
    // Bytes left in the core although the socket has room: this runs inside the driver's pump (from
    // an event handler), which takes them once the handler returns, and no onWritable will follow.
    // Look again after that pump, to queue more and to settle what it wrote.
    if (this.core.queuedBytes > 0 && this.socket.writableBytes > 0 && !this.recheckScheduled) {
      this.recheckScheduled = true;
      this.host.scheduler.after(0, () => {
        this.recheckScheduled = false;
        this.afterWrite();
      });
    }
  }

  private expectReceipt(transfer: Transfer): void {
    transfer.state = 'awaiting-receipt';
    const timeoutMs = this.settings.flow.receiptTimeoutMs;
    const timeout = this.host.scheduler.after(timeoutMs, () => {
      this.awaitingReceipt.delete(transfer.streamId);
      transfer.fail(this.host.scheduler.now, new ReceiptTimeoutError(`no delivery receipt for stream ${transfer.streamId} within ${timeoutMs} ms of its END`));
    });
    this.awaitingReceipt.set(transfer.streamId, { transfer, timeout });
  }

  /** Unconfirmed transfers are done once the socket has accepted every byte of them. */
  private settleWritten(): void {
    if (this.awaitingWrite.length === 0 || this.core.queuedBytes > 0 || this.driver.pendingBytes > 0) return;
    for (const transfer of this.awaitingWrite.splice(0)) {
      transfer.succeed(this.host.scheduler.now, { bytes: transfer.bytesQueued, frames: transfer.framesQueued, confirmed: false });
    }
  }

  private afterWrite(): void {
    this.settleWritten();
    this.endIfWritten();
    this.produce();
  }

  // ---- receiving ---------------------------------------------------------------------------

  private chargeReceivedFrames(): void {
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

  private dispatch(e: ConnectionEvent): void {
    switch (e.type) {
      case 'established':
        return this.handlers.established(this, e.peerNodeId);
      case 'stream-opened':
        this.inbound.set(e.streamId, this.settings.hashStreams ? createHash('sha256') : null);
        return this.handlers.streamOpened(this, e.streamId);
      case 'stream-data':
        this.inbound.get(e.streamId)?.update(e.data);
        return;
      case 'stream-end': {
        const hash = this.inbound.get(e.streamId);
        this.inbound.delete(e.streamId);
        const end = { streamId: e.streamId, bytes: e.bytes, frames: e.frames };
        return this.handlers.streamEnd(this, hash ? { ...end, sha256: hash.digest('hex') } : end);
      }
      case 'stream-aborted':
        this.inbound.delete(e.streamId);
        return this.handlers.streamAborted(this, { streamId: e.streamId, bytes: e.bytes, reason: e.reason });
      case 'receipt': {
        const pending = this.awaitingReceipt.get(e.streamId);
        if (pending === undefined) return;
        this.awaitingReceipt.delete(e.streamId);
        this.host.scheduler.cancel(pending.timeout);
        pending.transfer.succeed(this.host.scheduler.now, { bytes: e.bytes, frames: e.frames, confirmed: true });
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

  // ---- closing -----------------------------------------------------------------------------

  private onClosed(reason: CloseReason, detail: string, flush: boolean): void {
    const error = new ConnectionClosedError(reason, detail);
    this.closed = true;
    const now = this.host.scheduler.now;
    for (const transfer of this.sending.splice(0)) transfer.fail(now, error);
    for (const { transfer, timeout } of this.awaitingReceipt.values()) {
      this.host.scheduler.cancel(timeout);
      transfer.fail(now, error);
    }
    this.awaitingReceipt.clear();
    for (const transfer of this.awaitingWrite.splice(0)) transfer.fail(now, error);
    if (flush) {
      // The driver writes the rest once this event is handled; FIN follows the last byte.
      this.endWhenWritten = true;
      this.driver.pump();
      this.host.scheduler.after(0, () => this.endIfWritten());
    } else {
      this.socket.destroy();
    }
    this.handlers.closed(this, reason, detail);
  }

  private endIfWritten(): void {
    if (this.endWhenWritten && this.core.queuedBytes === 0 && this.driver.pendingBytes === 0) {
      this.endWhenWritten = false;
      this.socket.end();
    }
  }

  /** The TCP connection ended under the core (FIN, reset, retransmissions exhausted, destroyed). */
  private transportEnded(detail: string): void {
    if (this.closed) return;
    this.core.transportClosed(this.host.now(), detail);
    this.driver.pump();
    // The driver pumps no more once the socket is closed: hand the core's last events on here.
    for (let e = this.core.pollEvent(); e !== null; e = this.core.pollEvent()) this.dispatch(e);
  }
}

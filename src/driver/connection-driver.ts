/**
 * Drives one sans-io AsocConnection over a byte stream, for both drivers: a ConnectionPump moves
 * bytes, time and events; here the events are dispatched, receipts settle the sends waiting for
 * them (with a timeout that starts at END), and the close is carried out: queued frames then FIN,
 * or a reset. What a driver does with inbound streams and how it feeds outbound ones are its
 * subclass's, which calls pump() at the end of its constructor (the client's HELLO goes out then).
 */
import type { AsocConnection } from '../core/connection.ts';
import type { ConnectionEvent } from '../core/events.ts';
import { ConnectionEventDriver } from './connection-events.ts';
import { ConnectionPump, type ByteSink } from './connection-pump.ts';
import type { ConnectionLifecycle } from './orchestrator.ts';
import type { DeadlineTimerFactory, Timers } from './transport.ts';

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

export { ConnectionClosedError, ReceiptTimeoutError, type ReceiptOutcome, type SendReceipt } from './connection-events.ts';

export abstract class ConnectionDriver<Inbound> extends ConnectionEventDriver<Inbound> {
  private readonly pumper: ConnectionPump<ConnectionEvent>;
  private endWhenWritten = false;

  constructor(
    private readonly stream: ByteStream,
    core: AsocConnection,
    lifecycle: ConnectionLifecycle<ConnectionDriver<Inbound>>,
    private readonly clock: DriverClock,
  ) {
    super(core, lifecycle as ConnectionLifecycle<ConnectionEventDriver<Inbound>>, clock.timers);
    this.pumper = new ConnectionPump(stream, core, {
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

  // ---- for the subclass --------------------------------------------------------------------

  /** After a piece of data was taken in. */
  protected received(): void {}
  /** After the stream signalled room again. */
  protected writable(): void {}
  /** After every pump. */
  protected pumped(): void {}

  // ---- closing -----------------------------------------------------------------------------

  protected override closeTransport(flush: boolean): void {
    if (flush) {
      // This runs inside the pump, which writes the rest once the event is handled; FIN follows the last byte.
      this.endWhenWritten = true;
      this.pump();
      this.clock.timers.after(0, () => this.endIfWritten());
    } else {
      this.stream.destroy();
    }
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

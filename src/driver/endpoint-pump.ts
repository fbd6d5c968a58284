/**
 * Moves a sans-io Endpoint's output over a byte stream: frames go out while the stream has room
 * (what it has no room for waits, by reference, for the next pump), events go to a callback, and
 * the endpoint's next deadline is a timer. The owner feeds it bytes (receive) and calls pump()
 * after driving the endpoint from outside and when the stream signals room again.
 *
 * Time given to the endpoint never goes backwards, even when the clock does (a simulated host's
 * skew stepped back).
 */
import type { Endpoint } from '../core/endpoint.ts';
import { MachineTimer } from './machine-timer.ts';
import type { DeadlineTimerFactory } from './transport.ts';

/** Where the pump writes: a connected TCP socket's sending side. */
export interface ByteSink {
  /** Connected and not closed for writing. */
  readonly canWrite: boolean;
  /** Takes more now (else: wait for the writable signal). */
  readonly hasRoom: boolean;
  /** Takes `pieces` in order, by reference; returns what it had no room for (the first maybe cut), or null. */
  write(pieces: Uint8Array[]): Uint8Array[] | null;
}

export interface PumpOptions<Event> {
  /** The endpoint's clock (milliseconds). */
  now(): number;
  /** Deadlines on that clock. */
  deadlineTimer: DeadlineTimerFactory;
  onEvent(event: Event): void;
  /** After every pump that was not nested in another. */
  afterPump?(): void;
  /**
   * Before the endpoint's deadline is read (after frames were moved) and before a deadline is
   * handled: where the owner tells the endpoint what the transport has done with its bytes.
   */
  observe?(now: number): void;
}

export class EndpointPump<Event> {
  private readonly timer: MachineTimer;
  /** Frames taken from the endpoint that the sink had no room for yet. */
  private waiting: Uint8Array[] | null = null;
  private lastNow = -Infinity;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;

  constructor(
    private readonly sink: ByteSink,
    private readonly endpoint: Endpoint<Event>,
    private readonly options: PumpOptions<Event>,
  ) {
    this.timer = new MachineTimer(options.deadlineTimer, () => this.now(), (now) => {
      this.lastNow = now;
      this.options.observe?.(now);
      this.endpoint.handleTimeout(now);
      this.pump();
    });
  }

  /** Bytes taken from the endpoint that the sink has not taken yet. */
  get unsentBytes(): number {
    let bytes = 0;
    for (const piece of this.waiting ?? []) bytes += piece.length;
    return bytes;
  }

  /** The endpoint's clock, never going backwards. */
  now(): number {
    this.lastNow = Math.max(this.lastNow, this.options.now());
    return this.lastNow;
  }

  receive(bytes: Uint8Array): void {
    this.endpoint.receive(bytes, this.now());
    this.pump();
  }

  /** The stream is gone: no more pumping, no timer, and what it had no room for is dropped. */
  stop(): void {
    this.stopped = true;
    this.waiting = null;
    this.timer.clear();
  }

  /** Moves everything the endpoint has to give: frames (as room allows), events, and its next deadline. */
  pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true; // an event handler drove the endpoint; go round once more
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.transmit();
        for (let e = this.endpoint.pollEvent(); e !== null; e = this.endpoint.pollEvent()) this.options.onEvent(e);
      } while (this.pumpAgain && !this.stopped);
      if (!this.stopped) {
        this.options.observe?.(this.now());
        this.timer.arm(this.endpoint.pollTimeout());
      }
    } finally {
      this.pumping = false;
    }
    this.options.afterPump?.();
  }

  private transmit(): void {
    const sink = this.sink;
    if (!sink.canWrite) return;
    if (this.waiting !== null) {
      this.waiting = sink.write(this.waiting);
      if (this.waiting !== null) return;
    }
    while (sink.hasRoom) {
      const out = this.endpoint.pollTransmit();
      if (out === null) return;
      this.waiting = sink.write(out);
      if (this.waiting !== null) return;
    }
  }
}

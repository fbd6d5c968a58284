/**
 * Runs a sans-io Endpoint over a simulated TCP socket: bytes the socket delivers go to
 * `endpoint.receive`, what `pollTransmit` gives goes to the socket, events go to `onEvent`, and the
 * endpoint's deadline is a timer on the virtual clock.
 *
 * Time given to the endpoint is the host's local clock (virtual time + skew), never going backwards
 * even when the skew is stepped back; deadlines it returns are local times too. Backpressure:
 * `pollTransmit` is called only while the socket's send buffer has room and nothing from an earlier
 * poll is still waiting; a transmit larger than the room waits (by reference, uncopied) for
 * onWritable.
 *
 * The driver takes over the socket's handlers. Code that drives the endpoint from outside (asks it
 * to open a stream, to send) must call pump() afterwards, as with any sans-io machine.
 */
import type { Endpoint } from '../src/core/endpoint.ts';
import { DeadlineTimer } from './deadline-timer.ts';
import type { Host } from './host.ts';
import type { CloseReason, TcpSocket } from './tcp/tcp-socket.ts';

export interface EndpointDriverOptions<Event> {
  onEvent?: (event: Event) => void;
  /** The peer finished sending (TCP FIN received and all data handed to the endpoint). */
  onEnd?: () => void;
  onClose?: (reason: CloseReason) => void;
}

export class EndpointDriver<Event> {
  private readonly timer: DeadlineTimer;
  private waiting: Uint8Array[] = [];
  private waitingIndex = 0;
  private lastNow = -Infinity;
  /** The endpoint's deadline the timer is armed for (local time). */
  private armedFor = -Infinity;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;

  constructor(
    private readonly host: Host,
    readonly socket: TcpSocket,
    readonly endpoint: Endpoint<Event>,
    private readonly options: EndpointDriverOptions<Event> = {},
  ) {
    this.timer = new DeadlineTimer(host.scheduler, () => {
      // Local deadline → virtual time → local clock can come back a rounding error short of the
      // deadline when the host's clock is skewed; the endpoint would do nothing and re-arm the same
      // instant forever. The timer fired for that deadline, so it is there.
      this.lastNow = Math.max(this.localNow(), this.armedFor);
      this.endpoint.handleTimeout(this.lastNow);
      this.pump();
    });
    socket.onData = (bytes) => {
      this.endpoint.receive(bytes, this.localNow());
      this.pump();
    };
    socket.onWritable = () => this.pump();
    socket.onConnect = () => this.pump();
    socket.onEnd = () => this.options.onEnd?.();
    socket.onClose = (reason) => {
      this.closed = true;
      this.timer.clear();
      this.options.onClose?.(reason);
    };
    this.pump();
  }

  /** Bytes taken from the endpoint that the socket has not accepted yet (they wait for onWritable). */
  get pendingBytes(): number {
    let bytes = 0;
    for (let i = this.waitingIndex; i < this.waiting.length; i++) bytes += this.waiting[i]!.length;
    return bytes;
  }

  /** Moves everything the endpoint has to give: transmits (as room allows), events, and its next deadline. */
  pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true; // an event handler drove the endpoint; go round once more
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.transmit();
        for (let event = this.endpoint.pollEvent(); event !== null; event = this.endpoint.pollEvent()) {
          this.options.onEvent?.(event);
        }
      } while (this.pumpAgain && !this.closed);
      this.armTimer();
    } finally {
      this.pumping = false;
    }
  }

  private transmit(): void {
    if (!this.canWrite()) return;
    for (;;) {
      while (this.waitingIndex < this.waiting.length) {
        const piece = this.waiting[this.waitingIndex]!;
        const accepted = this.socket.write(piece);
        if (accepted < piece.length) {
          this.waiting[this.waitingIndex] = piece.subarray(accepted);
          return;
        }
        this.waitingIndex++;
      }
      if (this.socket.writableBytes === 0) return;
      const pieces = this.endpoint.pollTransmit();
      if (pieces === null) return;
      this.waiting = pieces;
      this.waitingIndex = 0;
    }
  }

  /** Writes are possible once the socket is connected and until it is closed or half-closed. */
  private canWrite(): boolean {
    const state = this.socket.state;
    return state === 'ESTABLISHED' || state === 'CLOSE_WAIT';
  }

  private armTimer(): void {
    if (this.closed) return;
    const deadline = this.endpoint.pollTimeout();
    if (deadline === null) {
      this.timer.clear();
      return;
    }
    this.armedFor = deadline;
    this.timer.set(this.host.toVirtualTime(deadline));
  }

  private localNow(): number {
    this.lastNow = Math.max(this.lastNow, this.host.now());
    return this.lastNow;
  }
}


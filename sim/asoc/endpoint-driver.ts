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
 * to open a stream, to send) must call pump() afterwards, as with any sans-io machine. The loop is
 * the one the ASoc drivers run (src/driver/endpoint-pump.ts).
 */
import type { Endpoint } from '../../src/core/endpoint.ts';
import { EndpointPump } from '../../src/driver/endpoint-pump.ts';
import { hostDeadlineTimer } from './host-deadline-timer.ts';
import type { Host } from '../host.ts';
import { tcpByteStream } from './tcp-byte-stream.ts';
import type { CloseReason, TcpSocket } from '../tcp/tcp-socket.ts';

export interface EndpointDriverOptions<Event> {
  onEvent?: (event: Event) => void;
  /** The peer finished sending (TCP FIN received and all data handed to the endpoint). */
  onEnd?: () => void;
  onClose?: (reason: CloseReason) => void;
}

export class EndpointDriver<Event> {
  private readonly pumper: EndpointPump<Event>;

  constructor(
    host: Host,
    readonly socket: TcpSocket,
    readonly endpoint: Endpoint<Event>,
    options: EndpointDriverOptions<Event> = {},
  ) {
    this.pumper = new EndpointPump(tcpByteStream(socket), endpoint, {
      now: () => host.now(),
      deadlineTimer: hostDeadlineTimer(host, 0),
      onEvent: (event) => options.onEvent?.(event),
    });
    socket.onData = (bytes) => this.pumper.receive(bytes);
    socket.onWritable = () => this.pump();
    socket.onConnect = () => this.pump();
    socket.onEnd = () => options.onEnd?.();
    socket.onClose = (reason) => {
      this.pumper.stop();
      options.onClose?.(reason);
    };
    this.pump();
  }

  /** Bytes taken from the endpoint that the socket has not accepted yet (they wait for onWritable). */
  get pendingBytes(): number {
    return this.pumper.unsentBytes;
  }

  /** Moves everything the endpoint has to give: transmits (as room allows), events, and its next deadline. */
  pump(): void {
    this.pumper.pump();
  }
}

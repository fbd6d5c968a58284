/**
 * Drives a sans-io datagram connection (src/core/stt-datagram-connection.ts) over any UDP socket:
 * a datagram in, then its events out, its datagrams sent and one timer at its next deadline. The
 * simulator's driver (sim/asoc/stt-udp-driver.ts) and the real one (src/net/stt-udp-driver.ts) each
 * give it a send function, a clock and deadline timers, and feed it their socket's datagrams.
 */
import type { ConnectionEvent } from '../core/events.ts';
import type { SttDatagramConnection } from '../core/stt-datagram-connection.ts';
import { MachineTimer } from './machine-timer.ts';
import type { DeadlineTimerFactory } from './transport.ts';

export interface DatagramIo {
  send(datagram: Uint8Array): void;
  /** The connection's clock. */
  now(): number;
  deadlineTimer: DeadlineTimerFactory;
}

export class DatagramPump {
  private readonly timer: MachineTimer;

  constructor(
    readonly machine: SttDatagramConnection,
    private readonly io: DatagramIo,
    private readonly onEvent: (event: ConnectionEvent) => void,
    /** After every flush, whatever caused it (a datagram, the timer, the application). */
    private readonly afterFlush: () => void = () => {},
  ) {
    this.timer = new MachineTimer(io.deadlineTimer, io.now, (now) => {
      machine.handleTimeout(now);
      this.flush();
    });
  }

  /** A datagram from the peer. */
  receive(datagram: Uint8Array): void {
    this.machine.receiveDatagram(datagram, this.io.now());
    this.flush();
  }

  /**
   * Hands out the connection's events, sends its datagrams, and arms its timer; call it after the
   * application called the connection. An event handler may call it again (it sends what it wrote).
   */
  flush(): void {
    const now = this.io.now();
    for (let event = this.machine.pollEvent(); event; event = this.machine.pollEvent()) this.onEvent(event);
    for (let datagram = this.machine.pollDatagram(now); datagram; datagram = this.machine.pollDatagram(now)) this.io.send(datagram);
    this.timer.arm(this.machine.finished ? null : this.machine.pollTimeout());
    this.afterFlush();
  }

  /** No more timers (the socket is closing). */
  stop(): void {
    this.timer.clear();
  }
}

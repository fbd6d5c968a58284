/**
 * What the shared orchestration (dialer, discovery service) needs from the world around it:
 * timers, an outgoing TCP connect, and a bound UDP socket. src/net provides them over node:net and
 * node:dgram with real timers, sim/asoc over a simulated host on the virtual clock. Clocks are plain
 * `() => number` functions: which clock a machine runs on (local, Unix epoch) is the driver's choice.
 */

/** Cancels a timer or an attempt; calling it again, or after it fired, does nothing. */
export type Cancel = () => void;

export interface Timers {
  /** Runs `fn` once, `delayMs` from now. */
  after(delayMs: number, fn: () => void): Cancel;
}

/** One timer for a sans-io machine's next deadline, given on the machine's own clock. */
export interface DeadlineTimer {
  /** Fires no earlier than `deadline`, replacing any earlier setting. */
  set(deadline: number): void;
  clear(): void;
}

export type DeadlineTimerFactory = (onExpire: () => void) => DeadlineTimer;

/** What a connect attempt reports, exactly once, unless it was cancelled first. */
export interface ConnectHandlers<Socket> {
  connected(socket: Socket): void;
  /** Why it failed, in words fit for an error message (e.g. "connect ECONNREFUSED 127.0.0.1:9000"). */
  failed(reason: string): void;
}

/** Opens TCP connections; `Socket` is the driver's own connected socket. */
export interface Connector<Socket> {
  /** Never calls a handler before it has returned; the Cancel it returns drops the attempt silently. */
  connect(host: string, port: number, handlers: ConnectHandlers<Socket>): Cancel;
}

export interface DatagramSource {
  address: string;
  port: number;
}

/** Takes the datagrams a DatagramSocket receives. */
export interface DatagramReceiver {
  receive(bytes: Uint8Array, from: DatagramSource): void;
}

/** A bound UDP socket on the discovery port. */
export interface DatagramSocket {
  /** Where received datagrams go from now on (an object, not a closure: its method call inlines on the hot path). */
  listen(receiver: DatagramReceiver): void;
  /** Sends to every host in reach on the discovery port. */
  broadcast(bytes: Uint8Array): void;
  close(): void;
}

/** Flow control settings both drivers (sockets and the simulator) start from. */

export interface FlowSettings {
  /** Bytes queued in the core before a sender waits (per connection). */
  sendWindow: number;
  /** Unread inbound bytes before the socket is paused (per connection). */
  receiveWindow: number;
  /** How long a confirmed send waits for the receiver's receipt after its END is written. */
  receiptTimeoutMs: number;
}

export const DEFAULT_FLOW: FlowSettings = {
  // One default chunk: the kernel's socket buffer does the in-flight buffering, this only has to
  // cover the wake-up after 'drain'. Larger windows are handed to the kernel as one large writev
  // per drain, which cost ~10 % more sender CPU per byte and 10–25 % of loopback throughput
  // (bench/throughput.ts, sender and receiver pinned to their own CPUs).
  sendWindow: 1024 * 1024,
  receiveWindow: 16 * 1024 * 1024,
  receiptTimeoutMs: 60_000,
};

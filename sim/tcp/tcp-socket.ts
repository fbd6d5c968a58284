/** What the application sees of a TCP connection: a socket in the style of node:net, with explicit backpressure. */

export type TcpState =
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSING'
  | 'TIME_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSED';

/**
 * Why the socket closed: both sides finished (`normal`), the peer reset it, nobody listened
 * (`refused`), retransmissions ran out (`timeout`), or the application called destroy().
 */
export type CloseReason = 'normal' | 'reset' | 'refused' | 'timeout' | 'destroyed';

export interface TcpStats {
  segmentsSent: number;
  segmentsReceived: number;
  /** Payload bytes the peer acknowledged. */
  bytesAcked: number;
  /** Payload bytes delivered in order to this side's receive buffer. */
  bytesReceived: number;
  retransmittedSegments: number;
  timeouts: number;
  fastRetransmits: number;
  /** Segments dropped because their sequence numbers fell outside the receive window (RFC 793 acceptability). */
  segmentsOutOfWindow: number;
  /** Segments dropped because they acknowledged bytes this side never sent. */
  segmentsAckingUnsent: number;
  smoothedRttMs: number;
  rtoMs: number;
  cwnd: number;
  ssthresh: number;
  /** The peer's advertised window. */
  sendWindow: number;
}

export interface TcpSocket {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly state: TcpState;
  readonly stats: TcpStats;

  /** The handshake completed (active opens only; accepted sockets are established already). */
  onConnect: (() => void) | null;
  /**
   * In-order data. While a handler is set and the socket is not paused, data flows to it as it
   * arrives and is consumed at once; otherwise it waits in the receive buffer (shrinking the
   * advertised window) until read() or resume(). Setting a handler starts the flow at the next event.
   */
  onData: ((bytes: Uint8Array) => void) | null;
  /** The peer finished sending (its FIN), after all its data was consumed. */
  onEnd: (() => void) | null;
  /** The send buffer drained to half after a write() that did not accept everything. */
  onWritable: (() => void) | null;
  /** The peer acknowledged new bytes (unacknowledgedBytes went down). */
  onAcked: (() => void) | null;
  onClose: ((reason: CloseReason) => void) | null;

  /** Room left in the send buffer: what write() would accept now. */
  readonly writableBytes: number;
  /** Bytes in the send buffer: written and not yet acknowledged by the peer. */
  readonly unacknowledgedBytes: number;
  /** Received bytes waiting to be read. */
  readonly readableBytes: number;

  /**
   * Queues bytes for sending and returns how many were accepted (0..length); the rest must be
   * written again after onWritable. The bytes are kept by reference: do not change them afterwards.
   */
  write(bytes: Uint8Array): number;
  /** Up to `maxBytes` of received data (one contiguous view, possibly less than asked), or null. */
  read(maxBytes?: number): Uint8Array | null;
  pause(): void;
  resume(): void;
  /** Half-close: a FIN follows the data already written. */
  end(): void;
  /** Abort: sends a RST and closes at once. */
  destroy(): void;
}

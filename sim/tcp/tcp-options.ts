/** Per-host TCP settings; a connection may override them when it is opened or accepted. */
export interface TcpOptions {
  /** Largest payload per segment this side accepts (announced on the SYN). 1460 = Ethernet MTU 1500. */
  mss: number;
  /** Send buffer: bytes written but not yet acknowledged; write() accepts no more than this. */
  sendBufferBytes: number;
  /** Receive buffer: the advertised window is what is left of it once unread data is counted. */
  receiveBufferBytes: number;
  /** Initial congestion window in segments (RFC 6928: 10). */
  initialWindowSegments: number;
  /** RFC 6298 bounds; Linux uses 200 ms as the minimum, the RFC 1 s. */
  initialRtoMs: number;
  minRtoMs: number;
  maxRtoMs: number;
  /** Retransmissions of a SYN or SYN-ACK before the connection attempt fails (Linux: 6). */
  synRetries: number;
  /** Retransmissions of the same data before the connection is aborted (Linux: 15). */
  dataRetries: number;
  /** How long a connection that closed first stays in TIME_WAIT (Linux: 60 s). */
  timeWaitMs: number;
}

export const DEFAULT_TCP_OPTIONS: Readonly<TcpOptions> = {
  mss: 1460,
  sendBufferBytes: 4 * 1024 * 1024,
  receiveBufferBytes: 4 * 1024 * 1024,
  initialWindowSegments: 10,
  initialRtoMs: 1000,
  minRtoMs: 200,
  maxRtoMs: 60_000,
  synRetries: 6,
  dataRetries: 15,
  timeWaitMs: 60_000,
};

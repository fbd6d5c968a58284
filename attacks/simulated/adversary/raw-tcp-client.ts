/**
 * An attacker's TCP connections from a simulated host: opens as many as it is told, writes whatever
 * bytes it likes (garbage, half a HELLO, a frame header announcing 4 GiB), never reads a protocol,
 * and records what the other side did: when the connection came up, every byte it sent back, and
 * when and how it closed. The records are the evidence of the DoS scenarios.
 *
 * Writes respect the socket's send buffer (the rest waits for onWritable), so a large write is
 * delivered as fast as TCP lets the server take it, never dropped.
 */
import type { Host } from '../../../sim/host.ts';
import type { CloseReason, TcpSocket } from '../../../sim/tcp/tcp-socket.ts';

export interface RawConnectionRecord {
  /** Index in the client's list, in the order connections were opened. */
  readonly id: number;
  readonly openedAt: number;
  /** Virtual time the TCP handshake completed, or null if it never did. */
  connectedAt: number | null;
  closedAt: number | null;
  closeReason: CloseReason | null;
  /** Bytes the server sent on this connection. */
  bytesReceived: number;
  /** Bytes TCP accepted from the attacker (written to the send buffer). */
  bytesWritten: number;
  /** Virtual time the last of the attacker's bytes went into the send buffer. */
  lastWriteAt: number | null;
}

/**
 * Bytes waiting for room in a socket's send buffer, written in order as room appears; kept by
 * reference. `flush` is called by the owner on connect and on onWritable.
 */
export class WriteQueue {
  private readonly queue: Uint8Array[] = [];
  /** Bytes the socket accepted so far. */
  written = 0;

  constructor(
    private readonly socket: TcpSocket,
    private readonly onWrote: () => void = () => {},
  ) {}

  get queuedBytes(): number {
    return this.queue.reduce((sum, bytes) => sum + bytes.length, 0);
  }

  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.queue.push(bytes);
  }

  clear(): void {
    this.queue.length = 0;
  }

  flush(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const taken = this.socket.write(head);
      if (taken > 0) {
        this.written += taken;
        this.onWrote();
      }
      if (taken < head.length) {
        this.queue[0] = head.subarray(taken);
        return;
      }
      this.queue.shift();
    }
  }
}

export class RawTcpConnection {
  readonly record: RawConnectionRecord;
  private readonly queue: WriteQueue;
  private readonly onClosed: (() => void)[] = [];

  constructor(
    private readonly host: Host,
    readonly socket: TcpSocket,
    id: number,
  ) {
    const now = host.scheduler.now;
    this.record = { id, openedAt: now, connectedAt: null, closedAt: null, closeReason: null, bytesReceived: 0, bytesWritten: 0, lastWriteAt: null };
    this.queue = new WriteQueue(socket, () => {
      this.record.bytesWritten = this.queue.written;
      this.record.lastWriteAt = this.host.scheduler.now;
    });
    socket.onConnect = () => {
      this.record.connectedAt = this.host.scheduler.now;
      this.queue.flush();
    };
    socket.onData = (bytes) => {
      this.record.bytesReceived += bytes.length;
    };
    socket.onWritable = () => this.queue.flush();
    socket.onClose = (reason) => {
      this.record.closedAt = this.host.scheduler.now;
      this.record.closeReason = reason;
      this.queue.clear();
      this.onClosed.forEach((fn) => fn());
    };
  }

  get isOpen(): boolean {
    return this.record.closedAt === null;
  }

  /** Bytes written but not yet taken by the socket. */
  get queuedBytes(): number {
    return this.queue.queuedBytes;
  }

  /** Queues bytes (kept by reference); they go out once connected, as fast as the send buffer allows. */
  write(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    this.queue.push(bytes);
    if (this.record.connectedAt !== null) this.queue.flush();
  }

  /** Runs `fn` when the connection has closed (refused, reset, timed out or ended). */
  whenClosed(fn: () => void): void {
    this.onClosed.push(fn);
  }

  /** Aborts the connection (RST). */
  destroy(): void {
    if (this.isOpen) this.socket.destroy();
  }
}

/** Every raw connection an attacker host opened, with totals over their records. */
export class RawTcpClient {
  readonly connections: RawTcpConnection[] = [];

  constructor(readonly host: Host) {}

  connect(address: string, port: number): RawTcpConnection {
    const connection = new RawTcpConnection(this.host, this.host.tcp.connect(address, port), this.connections.length);
    this.connections.push(connection);
    return connection;
  }

  get openCount(): number {
    return this.connections.filter((c) => c.isOpen && c.record.connectedAt !== null).length;
  }

  get bytesReceived(): number {
    return this.connections.reduce((sum, c) => sum + c.record.bytesReceived, 0);
  }
}

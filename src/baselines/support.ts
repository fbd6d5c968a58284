/** What several baselines share: listening on loopback, counting setup bytes, matching echo replies. */
import { once } from 'node:events';
import type net from 'node:net';
import { BaselineProtocolError, LOOPBACK, type ByteCounts, type SinkFactory, type TransferSink } from './types.ts';

/** Listens on 127.0.0.1 on a free port; resolves with the port. */
export async function listenOnLoopback(server: net.Server): Promise<number> {
  server.listen(0, LOOPBACK);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
  return (server.address() as net.AddressInfo).port;
}

/** Stops listening; resolves once every connection is gone (destroys the ones still open). */
export function closeServer(server: net.Server, sockets: Iterable<net.Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  return closed;
}

/** A server's socket's counters now, as setup bytes (bytesRead came from the client). */
export function setupBytes(socket: net.Socket): ByteCounts {
  return { clientToServer: socket.bytesRead, serverToClient: socket.bytesWritten };
}

/** Tracks a server's open sockets, so close() can end them. */
export function trackSockets(server: net.Server, event: 'connection' | 'secureConnection' = 'connection'): Set<net.Socket> {
  const open = new Set<net.Socket>();
  server.on(event, (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return open;
}

/**
 * Echo replies matched to requests in order: every server here answers in order, so the oldest
 * waiting request owns the next reply.
 */
export class ReplyQueue<T> {
  private readonly waiting: Array<{ resolve(value: T): void; reject(err: Error): void }> = [];

  get size(): number {
    return this.waiting.length;
  }

  wait(): Promise<T> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  reply(value: T): void {
    const next = this.waiting.shift();
    if (!next) throw new BaselineProtocolError('a reply arrived with no request waiting for it');
    next.resolve(value);
  }

  failAll(err: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}

/** Writes one chunk with node's backpressure: waits for 'drain' when the socket's buffer is full. */
export async function writeWithBackpressure(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }, chunk: Uint8Array): Promise<void> {
  if (!stream.write(chunk)) await once(stream as unknown as NodeJS.EventEmitter, 'drain');
}

/** For message-based baselines: each non-empty message is a transfer's data, an empty one ends the transfer. */
export class MessageTransfers {
  private current: TransferSink | null = null;
  constructor(
    private readonly protocol: string,
    private readonly sink: SinkFactory | undefined,
  ) {}

  take(message: Uint8Array): void {
    if (!this.sink) throw new BaselineProtocolError(`${this.protocol}: a transfer arrived at a side that takes none`);
    if (message.length === 0) {
      (this.current ?? this.sink()).end();
      this.current = null;
      return;
    }
    this.current ??= this.sink();
    this.current.data(message);
  }
}


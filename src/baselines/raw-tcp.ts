/**
 * Raw TCP (node:net), no framing: the physical limit of the path. A transfer is the connection's
 * bytes in one direction, ended by that side's FIN (half-close), so each direction carries at most
 * one transfer per connection. Echo: the server writes back whatever it reads; a client's
 * message comes back as the next `message.length` bytes. No setup bytes (TCP's own handshake is below
 * the application). Nagle is off on both sides, as the ASoc driver has it.
 */
import { once } from 'node:events';
import net from 'node:net';
import { closeServer, listenOnLoopback, ReplyQueue, setupBytes, trackSockets, writeWithBackpressure } from './support.ts';
import { BaselineProtocolError, LOOPBACK, UnsupportedError, type Baseline, type ChunkSource, type ClientSession, DEFAULT_SESSION_SETUP_TIMEOUT_MS, type ConnectOptions, type ServeOptions, type SinkFactory, type TransferSink } from './types.ts';


/** Sends a transfer on `socket` and half-closes it (the FIN ends the transfer). */
async function sendAndFinish(socket: net.Socket, chunks: ChunkSource): Promise<void> {
  if (socket.writableEnded) throw new BaselineProtocolError('raw-tcp: this direction of the connection already carried its transfer (or was closed)');
  for await (const chunk of chunks) await writeWithBackpressure(socket, chunk);
  socket.end();
  if (!socket.writableFinished) await once(socket, 'finish');
}

/** Feeds the socket's bytes into a sink made on the first byte, ended by the peer's FIN. */
function sinkIncoming(socket: net.Socket, sink: SinkFactory | undefined, onError: (err: Error) => void): void {
  let current: TransferSink | null = null;
  socket.on('data', (piece: Buffer) => {
    if (!sink) return onError(new BaselineProtocolError('raw-tcp: bytes arrived for a side that takes no transfers'));
    current ??= sink();
    current.data(piece);
  });
  socket.once('end', () => current?.end());
}

/** Echo server side: everything read is written back, reading paused while the peer is slow to take it. */
function echoBack(socket: net.Socket): void {
  socket.on('data', (piece: Buffer) => {
    if (!socket.write(piece)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  socket.once('end', () => socket.end());
}

/** Echo client side: collects the reply bytes of the oldest outstanding message. */
function echoReplies(socket: net.Socket): { ask(message: Uint8Array): Promise<Uint8Array>; fail(err: Error): void } {
  const replies = new ReplyQueue<Uint8Array>();
  const expected: number[] = [];
  let parts: Buffer[] = [];
  let have = 0;
  socket.on('data', (piece: Buffer) => {
    let rest = piece;
    while (rest.length > 0) {
      const want = expected[0];
      if (want === undefined) return replies.failAll(new BaselineProtocolError('raw-tcp: echo bytes arrived with no message outstanding'));
      const take = rest.subarray(0, want - have);
      parts.push(take);
      have += take.length;
      rest = rest.subarray(take.length);
      if (have === want) {
        expected.shift();
        replies.reply(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        parts = [];
        have = 0;
      }
    }
  });
  return {
    ask(message) {
      expected.push(message.length);
      const reply = replies.wait();
      socket.write(message);
      return reply;
    },
    fail: (err) => replies.failAll(err),
  };
}

export const rawTcp: Baseline = {
  name: 'raw-tcp',
  summary: 'raw TCP (node:net), no framing: the physical limit of the path',
  limitations: ['one transfer per direction per connection: the FIN is the end-of-transfer'],
  serverSends: true,
  maxChunkBytes: null,

  async serve(options: ServeOptions) {
    const onError = options.onError ?? (() => {});
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      socket.on('error', onError);
      let sending = false;
      if (options.role === 'echo') echoBack(socket);
      else {
        sinkIncoming(socket, options.sink, onError);
        // The client's FIN ends its transfer; ours follows unless we are sending (then it ends our transfer).
        socket.once('end', () => sending || socket.end());
      }
      const send = (chunks: ChunkSource) => {
        if (options.role === 'echo') return Promise.reject(new UnsupportedError('raw-tcp: an echo server sends no transfers'));
        sending = true;
        return sendAndFinish(socket, chunks);
      };
      options.onSession?.({ setup: setupBytes(socket), send });
    });
    const sockets = trackSockets(server);
    const port = await listenOnLoopback(server);
    return { port, close: () => closeServer(server, sockets) };
  },

  async connect(port: number, options: ConnectOptions): Promise<ClientSession> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SESSION_SETUP_TIMEOUT_MS;
    const socket = net.connect({ host: LOOPBACK, port, allowHalfOpen: true, noDelay: true, timeout: timeoutMs });
    socket.once('timeout', () => socket.destroy(new Error(`raw-tcp: no connection to ${LOOPBACK}:${port} within ${timeoutMs} ms`)));
    await once(socket, 'connect');
    socket.setTimeout(0);
    const echo = options.role === 'echo' ? echoReplies(socket) : null;
    if (!echo) sinkIncoming(socket, options.sink, options.onError ?? (() => {}));
    socket.on('error', (err) => {
      echo?.fail(err);
      options.onError?.(err);
    });
    return {
      send: (chunks) => sendAndFinish(socket, chunks),
      echo(message) {
        if (!echo) return Promise.reject(new BaselineProtocolError('raw-tcp: echo() on a session made for transfers'));
        return echo.ask(message);
      },
      async close() {
        if (socket.destroyed) return;
        const closed = once(socket, 'close');
        socket.end();
        // The server answers our FIN with its own once it has finished; a peer that does not must not hold us.
        const timer = setTimeout(() => socket.destroy(), 1_000);
        await closed;
        clearTimeout(timer);
      },
    };
  },
};

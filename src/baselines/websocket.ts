/**
 * WebSocket binary messages (`ws`): a transfer is its chunks as binary messages, ended by an empty
 * one; either side can send transfers. Echo: each message comes back. Compression is off on both
 * sides (ws's client would offer permessage-deflate; random tensors do not compress). ws's
 * 100 MiB maximum message size is kept. Setup bytes: the HTTP Upgrade request and its 101
 * response, counted on the server's socket.
 */
import { once } from 'node:events';
import http from 'node:http';
import type net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { closeServer, listenOnLoopback, MessageTransfers, ReplyQueue, setupBytes, trackSockets } from './support.ts';
import { BaselineProtocolError, LOOPBACK, UnsupportedError, type Baseline, type ChunkSource, type ClientSession, DEFAULT_SESSION_SETUP_TIMEOUT_MS, type ConnectOptions, type ServeOptions, type SinkFactory } from './types.ts';

/** ws queues whatever it is given; past this many unsent bytes a sender waits for its last send to be written. */
const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;
const EMPTY = new Uint8Array(0);

function sendMessage(ws: WebSocket, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => ws.send(data, { binary: true }, (err) => (err ? reject(err) : resolve())));
}

async function sendTransfer(ws: WebSocket, chunks: ChunkSource): Promise<void> {
  for await (const chunk of chunks) {
    const written = sendMessage(ws, chunk);
    if (ws.bufferedAmount > SEND_HIGH_WATER_BYTES) await written;
    else written.catch(() => {}); // a failed write also fails the socket, which the session reports
  }
  await sendMessage(ws, EMPTY);
}

/** Routes a socket's messages: to the echo replies or into transfers. */
function onMessages(ws: WebSocket, handle: (message: Buffer) => void, onError: (err: Error) => void): void {
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    try {
      if (!isBinary) throw new BaselineProtocolError('websocket: a text message arrived; this baseline speaks binary only');
      handle(data);
    } catch (err) {
      onError(err as Error);
    }
  });
  ws.on('error', onError);
}

function transfersInto(sink: SinkFactory | undefined): (message: Buffer) => void {
  const transfers = new MessageTransfers('websocket', sink);
  return (message) => transfers.take(message);
}

export const websocket: Baseline = {
  name: 'websocket',
  summary: 'WebSocket (ws) binary messages, one per chunk',
  limitations: ['permessage-deflate off', 'a chunk is one message: at most 100 MiB (ws’s default)'],
  serverSends: true,
  maxChunkBytes: MAX_MESSAGE_BYTES,

  async serve(options: ServeOptions) {
    const onError = options.onError ?? (() => {});
    const httpServer = http.createServer((_req, res) => res.writeHead(426).end());
    const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, maxPayload: MAX_MESSAGE_BYTES });
    wss.on('connection', (ws, req) => {
      (req.socket as net.Socket).setNoDelay(true);
      onMessages(ws, options.role === 'echo' ? (message) => ws.send(message, { binary: true }) : transfersInto(options.sink), onError);
      const send = async (chunks: ChunkSource) => {
        if (options.role === 'echo') throw new UnsupportedError('websocket: an echo server sends no transfers');
        await sendTransfer(ws, chunks);
      };
      // The 101 response is written by now; counted on the next turn, once it left.
      setImmediate(() => options.onSession?.({ setup: setupBytes(req.socket as net.Socket), send }));
    });
    const sockets = trackSockets(httpServer);
    const port = await listenOnLoopback(httpServer);
    return {
      port,
      async close() {
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await closeServer(httpServer, sockets);
      },
    };
  },

  async connect(port: number, options: ConnectOptions): Promise<ClientSession> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SESSION_SETUP_TIMEOUT_MS;
    const ws = new WebSocket(`ws://${LOOPBACK}:${port}/`, { perMessageDeflate: false, maxPayload: MAX_MESSAGE_BYTES, handshakeTimeout: timeoutMs });
    ws.binaryType = 'nodebuffer';
    await Promise.race([once(ws, 'open'), once(ws, 'error').then(([err]) => Promise.reject(err))]);
    (ws as unknown as { _socket: net.Socket })._socket.setNoDelay(true);
    const replies = new ReplyQueue<Uint8Array>();
    const onError = (err: Error) => {
      replies.failAll(err);
      options.onError?.(err);
    };
    onMessages(ws, options.role === 'echo' ? (message) => replies.reply(message) : transfersInto(options.sink), onError);
    ws.on('close', () => replies.failAll(new BaselineProtocolError('websocket: the connection closed')));
    return {
      send: (chunks) => sendTransfer(ws, chunks),
      echo(message) {
        if (options.role !== 'echo') return Promise.reject(new BaselineProtocolError('websocket: echo() on a session made for transfers'));
        const reply = replies.wait();
        ws.send(message, { binary: true });
        return reply;
      },
      async close() {
        if (ws.readyState === WebSocket.CLOSED) return;
        const closed = once(ws, 'close');
        ws.close(1000);
        await closed;
      },
    };
  },
};

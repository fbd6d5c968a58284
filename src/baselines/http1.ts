/**
 * HTTP/1.1 upload of chunks (node:http): one POST per chunk on one keep-alive connection, each
 * awaited before the next (node's client does not pipeline); a POST with an empty body and the
 * header `x-transfer-end: 1` ends the transfer. Echo: POST /echo answers with the body it got.
 * HTTP/1.1 has no session setup (0 bytes); its cost is per request, in headers. A server cannot
 * send unasked, so no reverse or bidirectional runs. The client's connection is opened in connect()
 * and handed to its keep-alive agent, so no request pays for a TCP handshake.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { closeServer, listenOnLoopback, MessageTransfers, trackSockets } from './support.ts';
import { BaselineProtocolError, LOOPBACK, UnsupportedError, type Baseline, type ClientSession, DEFAULT_SESSION_SETUP_TIMEOUT_MS, type ConnectOptions, type ServeOptions } from './types.ts';

const END_HEADER = 'x-transfer-end';
const EMPTY = new Uint8Array(0);

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export const http1: Baseline = {
  name: 'http1',
  summary: 'HTTP/1.1 (node:http): one POST per chunk on a keep-alive connection',
  limitations: ['one request in flight per connection (node does not pipeline)', 'the server cannot send unasked: no reverse or bidirectional runs'],
  serverSends: false,
  maxChunkBytes: null,

  async serve(options: ServeOptions) {
    const onError = options.onError ?? (() => {});
    const transfers = new WeakMap<net.Socket, MessageTransfers>();
    const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => {
      const reply = (status: number, body?: Uint8Array) => res.writeHead(status, { 'content-length': body?.length ?? 0 }).end(body);
      if (req.method !== 'POST') return reply(405);
      if (req.url === '/echo' && options.role === 'echo') return void readBody(req).then((body) => reply(200, body), onError);
      const session = transfers.get(req.socket);
      if (req.url !== '/transfer' || options.role !== 'sink' || !session) return reply(404);
      // Pieces go to the sink as they arrive; the body's end is the chunk's end, the end header the transfer's.
      const ends = req.headers[END_HEADER] === '1';
      const take = (piece: Uint8Array) => {
        try {
          session.take(piece);
          return true;
        } catch (err) {
          onError(err as Error);
          return false;
        }
      };
      req.on('data', take);
      req.once('end', () => reply(ends && !take(EMPTY) ? 400 : 204));
    });
    server.on('connection', (socket: net.Socket) => {
      transfers.set(socket, new MessageTransfers('http1', options.sink));
      const send = () => Promise.reject(new UnsupportedError('http1: a server cannot send unasked'));
      options.onSession?.({ setup: { clientToServer: 0, serverToClient: 0 }, send });
    });
    server.on('clientError', (err) => onError(err));
    const sockets = trackSockets(server);
    const port = await listenOnLoopback(server);
    return { port, close: () => closeServer(server, sockets) };
  },

  async connect(port: number, options: ConnectOptions): Promise<ClientSession> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SESSION_SETUP_TIMEOUT_MS;
    const socket = net.connect({ host: LOOPBACK, port, noDelay: true, timeout: timeoutMs });
    socket.once('timeout', () => socket.destroy(new Error(`http1: no connection to ${LOOPBACK}:${port} within ${timeoutMs} ms`)));
    await once(socket, 'connect');
    socket.setTimeout(0);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let handedOver = false;
    agent.createConnection = () => {
      if (handedOver) throw new BaselineProtocolError('http1: the session’s connection was closed');
      handedOver = true;
      return socket;
    };
    const post = (path: string, body: Uint8Array, headers: http.OutgoingHttpHeaders = {}) =>
      new Promise<Buffer>((resolve, reject) => {
        const req = http.request({ host: LOOPBACK, port, path, method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
          readBody(res).then((reply) => (res.statusCode === 200 || res.statusCode === 204 ? resolve(reply) : reject(new BaselineProtocolError(`http1: POST ${path} answered ${res.statusCode}`))), reject);
        });
        req.once('error', reject);
        req.end(body);
      });
    return {
      async send(chunks) {
        for await (const chunk of chunks) await post('/transfer', chunk);
        await post('/transfer', EMPTY, { [END_HEADER]: '1' });
      },
      echo(message) {
        if (options.role !== 'echo') return Promise.reject(new BaselineProtocolError('http1: echo() on a session made for transfers'));
        return post('/echo', message);
      },
      async close() {
        agent.destroy();
        if (!socket.destroyed) {
          const closed = once(socket, 'close');
          socket.end();
          await closed;
        }
      },
    };
  },
};

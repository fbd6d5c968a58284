/**
 * gRPC with @grpc/grpc-js, no .proto compile step: a generic service whose messages are raw bytes
 * (the (de)serializers pass buffers through, as a `bytes` field would carry them).
 *
 * - `grpc-stream`: one bidirectional stream per session, opened at connect; a transfer is its chunks
 *   as messages, ended by an empty message (so either side can send transfers on the one stream).
 * - `grpc-unary`: one unary call per chunk, awaited before the next (how a unary API is called);
 *   an empty request ends the transfer. A unary server cannot send on its own, so no reverse runs.
 *   connect() makes one empty `Open` call, the session's first round trip.
 *
 * Departures from grpc-js defaults, said here so a reader can judge the comparison: the message size limits are raised
 * from 4 MiB (receive) to 64 MiB both ways, since a 4 MiB chunk plus framing exceeds the default;
 * every client gets its own channel and subchannel (`grpc.use_local_subchannel_pool`), so N
 * sessions are N TCP connections as with the other baselines. HTTP/2 flow-control windows stay at
 * grpc-js's defaults.
 *
 * The server listens with node:net and hands connections to grpc-js (createConnectionInjector), so
 * setup bytes are counted on its socket once the session's first call is answered (HTTP/2 preface,
 * SETTINGS both ways and their ACKs, WINDOW_UPDATEs, the call's request and response HEADERS; for
 * grpc-unary the whole empty Open call).
 */
import { once } from 'node:events';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { closeServer, listenOnLoopback, MessageTransfers, ReplyQueue, setupBytes, trackSockets } from './support.ts';
import {
  BaselineProtocolError,
  LOOPBACK,
  UnsupportedError,
  type Baseline,
  type ChunkSource,
  type ClientSession,
  DEFAULT_SESSION_SETUP_TIMEOUT_MS,
  type ConnectOptions,
  type ServeOptions,
} from './types.ts';

export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
};

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
const passThrough = (bytes: Buffer): Buffer => bytes;

function method(name: string, streaming: boolean): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path: `/asoclab.Bench/${name}`,
    requestStream: streaming,
    responseStream: streaming,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  };
}

const SERVICE = { transfer: method('Transfer', true), open: method('Open', false), upload: method('Upload', false), echo: method('Echo', false) } satisfies grpc.ServiceDefinition;

type BenchClient = grpc.Client & {
  transfer(options?: grpc.CallOptions): grpc.ClientDuplexStream<Buffer, Buffer>;
  open(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
  upload(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
  echo(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
};
const BenchClient = grpc.makeGenericClientConstructor(SERVICE, 'Bench') as unknown as new (address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => BenchClient;

/** Writes a transfer on a stream: its chunks, then the empty end message, with the stream's backpressure. */
async function writeTransfer(stream: grpc.ClientDuplexStream<Buffer, Buffer> | grpc.ServerDuplexStream<Buffer, Buffer>, chunks: ChunkSource): Promise<void> {
  for await (const chunk of chunks) {
    if (!stream.write(asBuffer(chunk))) await once(stream, 'drain');
  }
  if (!stream.write(EMPTY)) await once(stream, 'drain');
}

function unary(client: BenchClient, name: 'open' | 'upload' | 'echo', request: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => client[name](asBuffer(request), (err, reply) => (err ? reject(err) : resolve(reply ?? EMPTY))));
}

/** The grpc-js server, fed by our own net.Server, with each call's connection findable by the caller's port. */
async function startServer(handlers: grpc.UntypedServiceImplementation): Promise<{ port: number; socketOf(call: { getPeer(): string }): net.Socket | undefined; close(): Promise<void> }> {
  const server = new grpc.Server(CHANNEL_OPTIONS);
  server.addService(SERVICE, handlers);
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const byPort = new Map<number, net.Socket>();
  const listener = net.createServer((socket) => {
    const port = socket.remotePort!;
    byPort.set(port, socket);
    socket.once('close', () => byPort.delete(port));
    injector.injectConnection(socket);
  });
  const sockets = trackSockets(listener);
  const port = await listenOnLoopback(listener);
  return {
    port,
    socketOf: (call) => byPort.get(Number(/:(\d+)$/.exec(call.getPeer())?.[1])),
    async close() {
      server.forceShutdown();
      await closeServer(listener, sockets);
    },
  };
}

function newClient(port: number): BenchClient {
  return new BenchClient(`${LOOPBACK}:${port}`, grpc.credentials.createInsecure(), { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 });
}

/** A client with its own connection, up (HTTP/2 settings exchanged) before it is returned. */
async function connectedClient(port: number, options: ConnectOptions): Promise<BenchClient> {
  const client = newClient(port);
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_SESSION_SETUP_TIMEOUT_MS);
  try {
    await new Promise<void>((resolve, reject) => client.waitForReady(deadline, (err) => (err ? reject(err) : resolve())));
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

const streamError = (err: unknown) => (err instanceof Error ? err : new BaselineProtocolError(String(err)));

const streamOnly = (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'grpc-stream serves Transfer only' });

export const grpcStream: Baseline = {
  name: 'grpc-stream',
  summary: 'gRPC (@grpc/grpc-js): one bidirectional stream of bytes messages per session',
  limitations: ['message limits raised from grpc-js’s 4 MiB receive default to 64 MiB both ways', 'a chunk is one message: at most 64 MiB'],
  serverSends: true,
  maxChunkBytes: GRPC_MAX_MESSAGE_BYTES,

  async serve(options: ServeOptions) {
    const onError = options.onError ?? (() => {});
    const server = await startServer({
      transfer(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
        const socket = server.socketOf(call);
        if (!socket) onError(new BaselineProtocolError(`grpc-stream: no socket for the call from ${call.getPeer()}`));
        call.sendMetadata(new grpc.Metadata()); // tells the client the stream is open
        const send = async (chunks: ChunkSource) => {
          if (options.role === 'echo') throw new UnsupportedError('grpc-stream: an echo server sends no transfers');
          await writeTransfer(call, chunks);
        };
        // Counted once HTTP/2 has written what answers the call's HEADERS (it writes on its own turn).
        setImmediate(() => options.onSession?.({ setup: socket ? setupBytes(socket) : { clientToServer: 0, serverToClient: 0 }, send }));
        const transfers = new MessageTransfers('grpc-stream', options.sink);
        call.on('data', (message: Buffer) => {
          try {
            if (options.role === 'echo') call.write(message);
            else transfers.take(message);
          } catch (err) {
            onError(streamError(err));
          }
        });
        call.on('end', () => call.end());
        call.on('error', (err) => onError(streamError(err)));
      },
      open: streamOnly,
      upload: streamOnly,
      echo: streamOnly,
    });
    return { port: server.port, close: server.close };
  },

  async connect(port: number, options: ConnectOptions): Promise<ClientSession> {
    const client = await connectedClient(port, options);
    try {
      const call = client.transfer();
      const replies = new ReplyQueue<Uint8Array>();
      const transfers = new MessageTransfers('grpc-stream', options.sink);
      const fail = (err: Error) => {
        replies.failAll(err);
        options.onError?.(err);
      };
      const ended = new Promise<void>((resolve) => call.once('status', () => resolve()));
      call.on('error', (err) => fail(streamError(err)));
      call.on('data', (message: Buffer) => {
        try {
          if (options.role === 'echo') replies.reply(message);
          else transfers.take(message);
        } catch (err) {
          fail(streamError(err));
        }
      });
      await Promise.race([once(call, 'metadata'), once(call, 'status').then(([s]: grpc.StatusObject[]) => Promise.reject(new BaselineProtocolError(`grpc-stream: the stream closed at once: ${s?.details}`)))]);
      return {
        send: (chunks) => writeTransfer(call, chunks),
        echo(message) {
          if (options.role !== 'echo') return Promise.reject(new BaselineProtocolError('grpc-stream: echo() on a session made for transfers'));
          const reply = replies.wait();
          call.write(asBuffer(message));
          return reply;
        },
        async close() {
          call.end();
          await ended;
          client.close();
        },
      };
    } catch (err) {
      client.close();
      throw err;
    }
  },
};

export const grpcUnary: Baseline = {
  name: 'grpc-unary',
  summary: 'gRPC (@grpc/grpc-js): one unary call per chunk, each awaited before the next',
  limitations: ['message limits raised from grpc-js’s 4 MiB receive default to 64 MiB both ways', 'the server cannot send on its own: no reverse or bidirectional runs', 'one call in flight per session'],
  serverSends: false,
  maxChunkBytes: GRPC_MAX_MESSAGE_BYTES,

  async serve(options: ServeOptions) {
    const onError = options.onError ?? (() => {});
    /** The transfer in progress on each connection, by the caller's port. */
    const transfers = new Map<string, MessageTransfers>();
    const refuse = (callback: grpc.sendUnaryData<Buffer>, details: string) => callback({ code: grpc.status.FAILED_PRECONDITION, details });
    const server = await startServer({
      open(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
        const socket = server.socketOf(call);
        if (!socket) onError(new BaselineProtocolError(`grpc-unary: no socket for the call from ${call.getPeer()}`));
        const peer = call.getPeer();
        transfers.set(peer, new MessageTransfers('grpc-unary', options.sink));
        socket?.once('close', () => transfers.delete(peer));
        callback(null, EMPTY);
        const send = () => Promise.reject(new UnsupportedError('grpc-unary: a unary server cannot send on its own'));
        setImmediate(() => options.onSession?.({ setup: socket ? setupBytes(socket) : { clientToServer: 0, serverToClient: 0 }, send }));
      },
      upload(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
        const session = transfers.get(call.getPeer());
        if (options.role !== 'sink' || !session) return refuse(callback, 'Upload needs a sink server and an Open call first');
        try {
          session.take(call.request);
          callback(null, EMPTY);
        } catch (err) {
          onError(streamError(err));
          refuse(callback, String(err));
        }
      },
      echo(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
        if (options.role !== 'echo') return refuse(callback, 'Echo needs an echo server');
        callback(null, call.request);
      },
      transfer(call: grpc.ServerDuplexStream<Buffer, Buffer>) {
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'grpc-unary serves unary calls only' });
      },
    });
    return { port: server.port, close: server.close };
  },

  async connect(port: number, options: ConnectOptions): Promise<ClientSession> {
    const client = await connectedClient(port, options);
    try {
      await unary(client, 'open', EMPTY);
    } catch (err) {
      client.close();
      throw err;
    }
    return {
      async send(chunks) {
        for await (const chunk of chunks) await unary(client, 'upload', chunk);
        await unary(client, 'upload', EMPTY);
      },
      echo(message) {
        if (options.role !== 'echo') return Promise.reject(new BaselineProtocolError('grpc-unary: echo() on a session made for transfers'));
        return unary(client, 'echo', message);
      },
      async close() {
        client.close();
      },
    };
  },
};

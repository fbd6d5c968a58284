/**
 * ASoc over the lab's real node (AsocNode / SocketConnection from src/net), in any profile and on
 * any socket transport (plain TCP, or TLS: asoc-tls.ts). A transfer is one ASoc stream; the sender's
 * `send` resolves on the receiver's delivery receipt, as `asoc-lab send` does. Echo: each stream
 * the client sends comes back as one stream (both unconfirmed: the reply is the confirmation).
 * Discovery is off; the client dials the server as its static peer.
 *
 * Setup bytes: the server's TCP socket counters when the server reports the peer up (HELLO in,
 * ACCEPT out; under TLS also the whole TLS handshake, encrypted; in a profile with more handshake
 * messages, all of them: asoc-hardened's FINISH, stt's four).
 */
import type net from 'node:net';
import type { AsocProfile } from '../core/profile.ts';
import type { IncomingStream } from '../driver/incoming-stream.ts';
import { AsocNode, PLAIN_TCP, type SocketTransport } from '../net/node.ts';
import type { PeerInfo } from '../driver/peer.ts';
import { ReplyQueue, setupBytes } from './support.ts';
import {
  BaselineProtocolError,
  LOOPBACK,
  UnsupportedError,
  type Baseline,
  type BaselineSecrets,
  type ClientSession,
  DEFAULT_SESSION_SETUP_TIMEOUT_MS,
  type ConnectOptions,
  type ServeOptions,
  type SinkFactory,
} from './types.ts';


export interface AsocBaselineSpec {
  name: string;
  summary: string;
  profile: AsocProfile;
  /** The sockets under ASoc; plain TCP when absent. */
  transport?: (secrets: BaselineSecrets) => SocketTransport;
  limitations?: string[];
}

async function collect(stream: IncomingStream): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

async function drainInto(stream: IncomingStream, sink: SinkFactory): Promise<void> {
  const transfer = sink();
  for await (const piece of stream) transfer.data(piece);
  transfer.end();
}

/** Remembers each accepted raw TCP socket by its remote port, so a peer can be matched to its socket. */
function countingTransport(inner: SocketTransport): { transport: SocketTransport; rawSocketOf(peer: PeerInfo): net.Socket | undefined } {
  const byPort = new Map<number, net.Socket>();
  const transport: SocketTransport = {
    connector: inner.connector,
    createServer(onSocket) {
      const server = inner.createServer(onSocket);
      // 'connection' carries the TCP socket for node:net and node:tls servers alike (TLS bytes included).
      server.on('connection', (raw: net.Socket) => {
        const port = raw.remotePort;
        if (port === undefined) return;
        byPort.set(port, raw);
        raw.once('close', () => byPort.delete(port));
      });
      return server;
    },
  };
  return { transport, rawSocketOf: (peer) => byPort.get(peer.port) };
}

export function asocBaseline(spec: AsocBaselineSpec): Baseline {
  const transportFor = (secrets: BaselineSecrets) => spec.transport?.(secrets) ?? PLAIN_TCP;
  const nodeOptions = (secrets: BaselineSecrets) => ({ community: secrets.community, apiKey: secrets.apiKey, host: LOOPBACK, discovery: false as const, profile: spec.profile });
  return {
    name: spec.name,
    summary: spec.summary,
    limitations: spec.limitations ?? [],
    serverSends: true,
    maxChunkBytes: null, // a larger chunk is cut into 1 MiB DATA frames by the node

    async serve(options: ServeOptions) {
      const onError = options.onError ?? (() => {});
      const counting = countingTransport(transportFor(options.secrets));
      const node = new AsocNode({ ...nodeOptions(options.secrets), port: 0, transport: counting.transport });
      node.on('stream', (stream) => {
        if (options.role === 'echo') {
          void collect(stream)
            .then((message) => node.send(stream.peer.key, message, { confirm: false }))
            .catch(onError);
        } else if (options.sink) void drainInto(stream, options.sink).catch(onError);
        else void stream.discard().then(() => onError(new BaselineProtocolError(`${spec.name}: a transfer arrived at a server with no sink`)));
      });
      node.on('peer-up', (peer) => {
        const raw = counting.rawSocketOf(peer);
        if (!raw) return onError(new BaselineProtocolError(`${spec.name}: no socket for peer ${peer.address}:${peer.port}`));
        options.onSession?.({
          setup: setupBytes(raw),
          async send(chunks) {
            if (options.role === 'echo') throw new UnsupportedError(`${spec.name}: an echo server sends no transfers`);
            await node.send(peer.key, chunks);
          },
        });
      });
      await node.start();
      return { port: node.address.port, close: () => node.stop() };
    },

    async connect(port: number, options: ConnectOptions): Promise<ClientSession> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SESSION_SETUP_TIMEOUT_MS;
      const transport = transportFor(options.secrets);
      const node = new AsocNode({ ...nodeOptions(options.secrets), port: 0, staticPeers: [`${LOOPBACK}:${port}`], transport });
      const replies = new ReplyQueue<Uint8Array>();
      const onError = (err: Error) => {
        replies.failAll(err);
        options.onError?.(err);
      };
      node.on('stream', (stream) => {
        if (options.role === 'echo') void collect(stream).then((reply) => replies.reply(reply)).catch(onError);
        else if (options.sink) void drainInto(stream, options.sink).catch(onError);
        else void stream.discard().then(() => onError(new BaselineProtocolError(`${spec.name}: a transfer arrived at a client with no sink`)));
      });
      node.on('peer-down', ({ reason, detail }) => replies.failAll(new BaselineProtocolError(`${spec.name}: connection closed (${reason}: ${detail})`)));
      await node.start();
      try {
        const peer = await node.waitForPeer(undefined, timeoutMs);
        return {
          async send(chunks) {
            await node.send(peer.key, chunks);
          },
          echo(message) {
            if (options.role !== 'echo') return Promise.reject(new BaselineProtocolError(`${spec.name}: echo() on a session made for transfers`));
            const reply = replies.wait();
            node.send(peer.key, message, { confirm: false }).catch(onError);
            return reply;
          },
          close: () => node.stop(),
        };
      } catch (err) {
        await node.stop();
        throw err;
      }
    },
  };
}

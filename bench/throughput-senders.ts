/**
 * The sending side of the throughput bench, one per protocol, both connected before the clock
 * starts: raw node:net writes the chunks as they are (no framing) with write()/'drain'
 * backpressure; ASoc v1 is an AsocNode dialing the receiver as its static peer (discovery off),
 * streaming the chunks with `send`, which applies the node's own backpressure.
 */
import { once } from 'node:events';
import net from 'node:net';
import { AsocNode } from '../src/net/node.ts';
import { LOOPBACK } from './throughput-ipc.ts';
import type { Protocol } from './throughput-schema.ts';

const CONNECT_TIMEOUT_MS = 10_000;

export interface Sender {
  /** Sends every chunk and ends the stream; resolves once the sender is done with it. */
  send(chunks: Iterable<Uint8Array>): Promise<void>;
  close(): Promise<void>;
}

export interface Secrets {
  community: string;
  apiKey: string;
}

export function connectSender(protocol: Protocol, port: number, secrets: Secrets): Promise<Sender> {
  return protocol === 'raw-tcp' ? connectRawTcp(port) : connectAsoc(port, secrets);
}

async function connectRawTcp(port: number): Promise<Sender> {
  const socket = net.connect({ host: LOOPBACK, port, timeout: CONNECT_TIMEOUT_MS });
  let failure: Error | null = null;
  socket.on('error', (err) => (failure = err));
  socket.once('timeout', () => socket.destroy(new Error(`raw-tcp: no connection to ${LOOPBACK}:${port} within ${CONNECT_TIMEOUT_MS} ms`)));
  await once(socket, 'connect');
  socket.setTimeout(0);
  socket.setNoDelay(true); // as the ASoc driver does
  return {
    async send(chunks) {
      for (const chunk of chunks) {
        if (failure) throw failure;
        if (!socket.write(chunk)) await once(socket, 'drain');
      }
      socket.end();
      await once(socket, 'finish');
    },
    async close() {
      socket.destroy();
    },
  };
}

async function connectAsoc(port: number, secrets: Secrets): Promise<Sender> {
  const node = new AsocNode({ ...secrets, host: LOOPBACK, port: 0, discovery: false, staticPeers: [`${LOOPBACK}:${port}`] });
  await node.start();
  try {
    const peer = await node.waitForPeer(undefined, CONNECT_TIMEOUT_MS);
    return {
      async send(chunks) {
        await node.send(peer.key, chunks);
      },
      close: () => node.stop(),
    };
  } catch (err) {
    await node.stop();
    throw err;
  }
}

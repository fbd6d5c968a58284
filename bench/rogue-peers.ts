/**
 * Peers that misbehave on purpose, over real sockets (the soak bench's, and the tests'): a client
 * that completes a real handshake with the project's own core and then does what it is told with
 * the socket, one that nearly stops reading, and raw connections that never get as far as a
 * handshake. Every wait ends: a handshake by the core's timeout, a raw connection by the server's
 * close (which its handshake timeout guarantees).
 */
import net from 'node:net';
import { DEFAULT_BACKEND } from '../src/crypto/backend.ts';
import { AsocConnection } from '../src/core/connection.ts';
import type { AsocProfile } from '../src/core/profile.ts';
import { monotonicNow, systemRandom, wallClockNow } from '../src/net/system.ts';

export interface RogueTarget {
  port: number;
  /** Source address (any 127.x.y.z on Linux), so that one rogue's lockout does not hit the others. */
  localAddress?: string;
  /** The node id its handshake presents (random when absent): the key a server lists it under. */
  nodeId?: Uint8Array;
}

function connect(target: RogueTarget): net.Socket {
  const socket = net.connect({ host: '127.0.0.1', port: target.port, localAddress: target.localAddress });
  socket.setNoDelay(true);
  socket.on('error', () => {}); // servers reset rogues; 'close' follows, which is what callers wait for
  return socket;
}

/** A socket whose handshake with the node at `target` completed; `core` seals what the caller sends on it. */
export async function establishedPeer(target: RogueTarget, profile: AsocProfile, apiKey: Uint8Array | string): Promise<{ socket: net.Socket; core: AsocConnection }> {
  const socket = connect(target);
  const now = monotonicNow();
  const key = typeof apiKey === 'string' ? new TextEncoder().encode(apiKey) : apiKey;
  const core = new AsocConnection({ role: 'client', profile, nodeId: target.nodeId ?? systemRandom.bytes(16), apiKey: key, crypto: DEFAULT_BACKEND, random: systemRandom, now, unixOffsetMs: wallClockNow() - now });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no handshake within ${core.limits.handshakeTimeoutMs} ms`)), core.limits.handshakeTimeoutMs);
      const onClose = () => finish(new Error('the server closed the connection during the handshake'));
      const flush = () => {
        for (const bytes of core.pollTransmit() ?? []) socket.write(bytes);
        for (let e = core.pollEvent(); e !== null; e = core.pollEvent()) {
          if (e.type === 'closed') return finish(new Error(`handshake failed: ${e.reason} (${e.detail})`));
          if (e.type === 'established') return finish(null);
        }
      };
      const onData = (bytes: Buffer) => {
        core.receive(bytes, monotonicNow());
        flush();
      };
      function finish(err: Error | null) {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      }
      socket.on('data', onData);
      socket.once('close', onClose);
      socket.once('connect', flush);
    });
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return { socket, core };
}

export interface StoppedReader {
  readonly bytesRead: number;
  close(): void;
}

/** Handshakes, then reads one byte every `everyMs`: what it is sent piles up in its socket, then in the sender's. */
export async function stoppedReader(target: RogueTarget, profile: AsocProfile, apiKey: Uint8Array | string, everyMs = 100): Promise<StoppedReader> {
  const { socket } = await establishedPeer(target, profile, apiKey);
  socket.pause();
  let bytesRead = 0;
  const reading = setInterval(() => (bytesRead += socket.read(1)?.length ?? 0), everyMs);
  socket.once('close', () => clearInterval(reading));
  return {
    get bytesRead() {
      return bytesRead;
    },
    close: () => {
      clearInterval(reading);
      socket.destroy();
    },
  };
}

/** Connects, writes `bytes` (maybe none), half-closes when `end`; resolves once the server has closed the connection. */
export async function rawConnection(target: RogueTarget, bytes: Uint8Array, end: boolean): Promise<void> {
  const socket = connect(target);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('connect', () => {
    if (bytes.length > 0) socket.write(bytes);
    if (end) socket.end();
  });
  socket.resume();
  return closed;
}

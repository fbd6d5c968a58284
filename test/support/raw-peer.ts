/**
 * Peers that misbehave after a real handshake (the project's own client core over a raw socket):
 * one that nearly stops reading, and whatever a test writes with the established core.
 */
import net from 'node:net';
import { once } from 'node:events';
import { clientCore } from '../../attacks/live/raw-connection.ts';
import type { AsocConnection } from '../../src/core/connection.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { monotonicNow } from '../../src/net/system.ts';

/** A socket whose handshake with the node at `port` completed; `core` seals what the test sends. */
export async function establishedPeer(port: number, profile: AsocProfile, apiKey: string): Promise<{ socket: net.Socket; core: AsocConnection }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {}); // the server resets it in the end; that is the point
  await once(socket, 'connect');
  const core = clientCore(profile, new TextEncoder().encode(apiKey));
  await new Promise<void>((resolve, reject) => {
    const flush = () => {
      for (const bytes of core.pollTransmit() ?? []) socket.write(bytes);
      for (let e = core.pollEvent(); e !== null; e = core.pollEvent()) {
        if (e.type === 'closed') return reject(new Error(`handshake failed: ${e.reason} (${e.detail})`));
        if (e.type !== 'established') continue;
        socket.off('data', onData);
        return resolve();
      }
    };
    const onData = (bytes: Buffer) => {
      core.receive(bytes, monotonicNow());
      flush();
    };
    socket.on('data', onData);
    flush();
  });
  return { socket, core };
}

export interface StoppedReader {
  readonly bytesRead: number;
  close(): void;
}

/** Reads one byte every `everyMs`: what it is sent piles up in its socket and then in the sender's. */
export async function stoppedReader(port: number, profile: AsocProfile, apiKey: string, everyMs = 100): Promise<StoppedReader> {
  const { socket } = await establishedPeer(port, profile, apiKey);
  socket.pause();
  let bytesRead = 0;
  const reading = setInterval(() => (bytesRead += socket.read(1)?.length ?? 0), everyMs);
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

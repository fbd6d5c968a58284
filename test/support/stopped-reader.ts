/**
 * A peer that completes a real handshake (the project's own client core over a raw socket) and then
 * nearly stops reading: one byte every `everyMs`. Everything it is sent piles up in its socket and
 * then in the sender's: what a sender's send timeout must catch.
 */
import net from 'node:net';
import { once } from 'node:events';
import { clientCore } from '../../src/attack/raw-connection.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { monotonicNow } from '../../src/net/system.ts';

export interface StoppedReader {
  readonly bytesRead: number;
  close(): void;
}

export async function stoppedReader(port: number, profile: AsocProfile, apiKey: string, everyMs = 100): Promise<StoppedReader> {
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

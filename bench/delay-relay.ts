/**
 * A TCP relay on loopback that holds every piece of data for a fixed time before passing it on,
 * each way: a link with a known one-way delay, so a handshake's round trips show as multiples of
 * twice that delay in the time a connect takes (bench/handshake.ts). Messages the two sides send
 * without waiting for each other cross in flight as they would on a real path, so they cost no
 * extra round trip. TCP's own handshake with the relay is not delayed: what it measures is the
 * round trips above TCP. The upstream connection is opened at once on each accept.
 */
import { once } from 'node:events';
import net from 'node:net';

export interface DelayRelay {
  readonly port: number;
  close(): Promise<void>;
}

/** Relays connections on 127.0.0.1 to `targetPort`, each piece of data delayed by `oneWayMs`. */
export async function startDelayRelay(targetPort: number, oneWayMs: number): Promise<DelayRelay> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (work: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work();
    }, oneWayMs);
    timers.add(timer);
  };
  const track = (socket: net.Socket): net.Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  // Timers of equal delay fire in the order they were set, so each direction keeps its byte order.
  const pipeDelayed = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (piece: Buffer) => later(() => to.write(piece)));
    from.once('end', () => later(() => to.end()));
    from.once('close', () => later(() => to.destroy()));
  };
  // Half-open allowed: each side's end is passed on after the delay, not answered at once.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    track(client);
    const upstream = track(net.connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true }));
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
    const abort = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', abort);
    upstream.once('error', abort);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

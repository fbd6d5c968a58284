/**
 * The operating system as the shared orchestration's transport (src/driver/transport.ts): real
 * timers (unref'd: only sockets keep a process alive), node:net connects and connected sockets as
 * byte streams, and the discovery UDP socket on node:dgram.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { ByteStream } from '../driver/connection-driver.ts';
import type { Cancel, Connector, DatagramReceiver, DatagramSocket, DeadlineTimerFactory, Timers } from '../driver/transport.ts';
import { DEFAULT_DISCOVERY_PORT } from '../wire/discovery.ts';
import { monotonicNow, wallClockNow } from './system.ts';

export const netTimers: Timers = {
  after: (delayMs, fn) => {
    const timer = setTimeout(fn, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * Deadlines on the given clock. Moving a deadline later keeps the armed timer (a
 * connection's idle deadline moves with every piece, and a new timer per socket read was a
 * measurable share of the receive path): it fires at the old time, sees the deadline moved, and
 * waits again. Only an earlier deadline replaces it.
 */
export const deadlineTimerOn = (clock: () => number): DeadlineTimerFactory => (onExpire) => {
  let deadline = Infinity;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  const arm = () => {
    timerAt = deadline;
    timer = setTimeout(fire, Math.max(0, deadline - clock()));
    timer.unref();
  };
  const fire = () => {
    timer = null;
    if (deadline > clock()) return arm();
    deadline = Infinity;
    onExpire();
  };
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    set: (at) => {
      deadline = at;
      if (timer && timerAt <= at) return;
      disarm();
      arm();
    },
    clear: () => {
      deadline = Infinity;
      disarm();
    },
  };
};

/** Connections keep time on the monotonic clock. */
export const netDeadlineTimer = deadlineTimerOn(monotonicNow);

/** Discovery keeps time on the wall clock: its datagrams carry Unix timestamps that peers check. */
export const wallDeadlineTimer = deadlineTimerOn(wallClockNow);

/**
 * A Connector over node:net sockets or their kind: `open` starts a connection, which is usable once
 * it emits `readyEvent` ('connect'; 'secureConnect' for a node:tls socket).
 */
export function socketConnector<S extends net.Socket>(open: (host: string, port: number) => S, readyEvent: 'connect' | 'secureConnect'): Connector<S> {
  return {
    connect: (host, port, handlers): Cancel => {
      const socket = open(host, port);
      let pending = true;
      const fail = (err: Error) => {
        if (!pending) return;
        pending = false;
        socket.destroy();
        handlers.failed(err.message);
      };
      socket.once('error', fail);
      socket.once(readyEvent, () => {
        pending = false;
        socket.off('error', fail);
        handlers.connected(socket);
      });
      return () => {
        if (!pending) return;
        pending = false;
        socket.destroy();
      };
    },
  };
}

export const netConnector: Connector<net.Socket> = socketConnector((host, port) => net.connect({ host, port }), 'connect');

/** A connected node:net socket as the connection driver's byte stream (Nagle off: frames go out at once). */
/** Pieces up to this size are joined before they are written (see netByteStream's write). */
const SMALL_PIECE_BYTES = 4096;

export function netByteStream(socket: net.Socket): ByteStream {
  socket.setNoDelay(true);
  // Called when a batch's last write is done, i.e. the kernel took everything written up to it.
  let written: (() => void) | undefined;
  return {
    get remoteAddress() {
      return socket.remoteAddress ?? 'unknown';
    },
    get remotePort() {
      return socket.remotePort ?? 0;
    },
    get canWrite() {
      return !socket.destroyed;
    },
    get hasRoom() {
      return !socket.writableNeedDrain;
    },
    // Bytes node:net still buffers: a write request is done once the kernel took all of it.
    get pendingBytes() {
      return socket.writableLength;
    },
    // node:net buffers whatever it is given, so everything is taken; cork makes the pieces one writev.
    // Runs of small pieces (headers, receipts, handshake frames) are joined first: node keeps a
    // request object per write, which costs more than the bytes when thousands of tiny frames queue
    // up, while large payloads are written as they are, never copied.
    write: (pieces) => {
      socket.cork();
      let small: Uint8Array[] = [];
      const flushSmall = (done?: () => void) => {
        if (small.length > 0) socket.write(small.length === 1 ? small[0]! : Buffer.concat(small), done);
        small = [];
      };
      const last = pieces.length - 1;
      for (let i = 0; i <= last; i++) {
        const piece = pieces[i]!;
        if (piece.length <= SMALL_PIECE_BYTES) {
          small.push(piece);
          continue;
        }
        flushSmall();
        socket.write(piece, i === last ? written : undefined);
      }
      flushSmall(written);
      socket.uncork();
      return null;
    },
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    attach: (events) => {
      written = () => events.progress();
      socket.on('data', events.data);
      socket.on('drain', events.writable);
      socket.on('error', (err) => events.ended(err.message));
      socket.on('end', () => events.ended('peer ended the connection'));
      socket.on('close', () => events.closed('socket closed'));
    },
  };
}

export interface DiscoverySettings {
  /** UDP port every node of the cluster listens on (default 9999). */
  port: number;
  /** Where announcements are sent: 127.255.255.255 reaches this machine only; a LAN needs its own. */
  broadcastAddress: string;
  /** Address the UDP socket binds (default 0.0.0.0, which receives broadcasts). */
  bindAddress: string;
}

export const DEFAULT_DISCOVERY: DiscoverySettings = { port: DEFAULT_DISCOVERY_PORT, broadcastAddress: '127.255.255.255', bindAddress: '0.0.0.0' };

/** A bound, broadcasting UDP socket; `closed` settles once close() has released the port. */
export async function bindDatagramSocket(settings: DiscoverySettings): Promise<DatagramSocket & { closed: Promise<void> }> {
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  udp.on('error', () => {}); // a failed send (no route) must not kill the node; the next interval retries
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(settings.port, settings.bindAddress, () => {
      udp.off('error', reject);
      udp.setBroadcast(true);
      resolve();
    });
  });
  let closeNow!: () => void;
  const closed = new Promise<void>((resolve) => (closeNow = () => udp.close(() => resolve())));
  let receiver: DatagramReceiver | null = null;
  udp.on('message', (msg, rinfo) => receiver?.receive(msg, { address: rinfo.address, port: rinfo.port }));
  return {
    listen: (to) => (receiver = to),
    broadcast: (bytes) => udp.send(bytes, settings.port, settings.broadcastAddress),
    close: () => closeNow(),
    closed,
  };
}

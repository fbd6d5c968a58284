/**
 * The operating system as the shared orchestration's transport (src/node/transport.ts): real
 * timers (unref'd: only sockets keep a process alive), node:net connects, and the discovery UDP
 * socket on node:dgram.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Cancel, Connector, DatagramSocket, DeadlineTimerFactory, Timers } from '../node/transport.ts';
import { DEFAULT_DISCOVERY_PORT } from '../wire/discovery.ts';
import { monotonicNow } from './system.ts';

export const netTimers: Timers = {
  after: (delayMs, fn) => {
    const timer = setTimeout(fn, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** Deadlines on monotonicNow()'s clock. */
export const netDeadlineTimer: DeadlineTimerFactory = (onExpire) => {
  let cancel: Cancel | null = null;
  return {
    set: (deadline) => {
      cancel?.();
      cancel = netTimers.after(Math.max(0, deadline - monotonicNow()), () => {
        cancel = null;
        onExpire();
      });
    },
    clear: () => {
      cancel?.();
      cancel = null;
    },
  };
};

export const netConnector: Connector<net.Socket> = {
  connect: (host, port, handlers): Cancel => {
    const socket = net.connect({ host, port });
    let pending = true;
    const fail = (err: Error) => {
      if (!pending) return;
      pending = false;
      socket.destroy();
      handlers.failed(err.message);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
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
  const socket = {
    onMessage: null as DatagramSocket['onMessage'],
    broadcast: (bytes: Uint8Array) => udp.send(bytes, settings.port, settings.broadcastAddress),
    close: () => closeNow(),
    closed,
  };
  udp.on('message', (msg, rinfo) => socket.onMessage?.(msg, { address: rinfo.address, port: rinfo.port }));
  return socket;
}

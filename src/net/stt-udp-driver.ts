/**
 * An stt connection over UDP (src/core/stt-datagram-connection.ts) on a node:dgram socket: the
 * shared DatagramPump with the socket, the monotonic clock and real timers, as the simulator's
 * driver gives it a simulated socket. Datagrams from any other endpoint are left alone.
 */
import dgram, { type Socket } from 'node:dgram';
import net from 'node:net';
import type { ConnectionEvent } from '../core/events.ts';
import type { SttDatagramConnection } from '../core/stt-datagram-connection.ts';
import { DatagramPump, type DatagramIo } from '../driver/datagram-pump.ts';
import { netDeadlineTimer } from './net-transport.ts';
import { monotonicNow } from './system.ts';

export interface UdpEndpoint {
  address: string;
  port: number;
}

/** What a pump sends to `peer` with: `socket`, the monotonic clock and real timers. */
export function dgramDatagramIo(socket: Socket, peer: UdpEndpoint): DatagramIo {
  return { send: (datagram) => socket.send(datagram, peer.port, peer.address), now: monotonicNow, deadlineTimer: netDeadlineTimer };
}

/** The pump for `machine` on `socket`, talking to `peer` only; the caller closes the socket (after pump.stop()). */
export function dgramSttUdpPump(socket: Socket, peer: UdpEndpoint, machine: SttDatagramConnection, onEvent: (event: ConnectionEvent) => void): DatagramPump {
  const pump = new DatagramPump(machine, dgramDatagramIo(socket, peer), onEvent);
  socket.on('message', (message, from) => {
    if (from.address === peer.address && from.port === peer.port) pump.receive(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
  });
  return pump;
}

/** A UDP socket bound to `host:port` (0: a free port), of the address's family. */
export async function boundSocket(host: string, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

export function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

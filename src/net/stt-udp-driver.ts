/**
 * An stt connection over UDP (src/core/stt-datagram-connection.ts) on a node:dgram socket: the
 * shared DatagramPump with the socket, the monotonic clock and real timers, as the simulator's
 * driver gives it a simulated socket. Datagrams from any other endpoint are left alone.
 */
import type { Socket } from 'node:dgram';
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

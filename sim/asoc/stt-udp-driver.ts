/**
 * An stt connection over UDP (src/core/stt-datagram-connection.ts) on a simulated host: the
 * shared DatagramPump with the host's UDP socket, its local clock and its deadline timers.
 * Datagrams from any other endpoint are not the connection's and are left alone.
 */
import type { ConnectionEvent } from '../../src/core/events.ts';
import type { SttDatagramConnection } from '../../src/core/stt-datagram-connection.ts';
import { DatagramPump } from '../../src/driver/datagram-pump.ts';
import type { Host } from '../host.ts';
import type { UdpSocket } from '../udp.ts';
import { hostDeadlineTimer } from './host-deadline-timer.ts';

export interface UdpPeer {
  address: string;
  port: number;
}

export function simSttUdpPump(host: Host, socket: UdpSocket, peer: UdpPeer, machine: SttDatagramConnection, onEvent: (event: ConnectionEvent) => void): DatagramPump {
  const pump = new DatagramPump(machine, { send: (datagram) => socket.send(peer.address, peer.port, datagram), now: () => host.now(), deadlineTimer: hostDeadlineTimer(host, 0) }, onEvent);
  socket.onMessage = (datagram) => {
    if (datagram.fromAddress === peer.address && datagram.fromPort === peer.port) pump.receive(datagram.bytes);
  };
  return pump;
}

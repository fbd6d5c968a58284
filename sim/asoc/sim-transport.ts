/**
 * The simulated host as the shared orchestration's transport (src/node/transport.ts): timers on
 * the virtual clock, TCP connects on the host's stack and connected sockets as byte streams, and
 * the discovery UDP socket, whose datagrams cost frame CPU on the host's CPU both ways.
 */
import type { ByteStream } from '../../src/node/connection-driver.ts';
import type { Cancel, Connector, DatagramSocket, DeadlineTimerFactory, Timers } from '../../src/node/transport.ts';
import { DeadlineTimer } from '../deadline-timer.ts';
import type { Host } from '../host.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import type { FrameCpuCosts } from './types.ts';

/** Virtual time 0 as a Unix time: 2025-01-01T00:00:00Z. */
export const SIM_EPOCH_MS = 1_735_689_600_000;

/**
 * The host's local clock (virtual time + skew) as Unix milliseconds, never going backwards (the
 * discovery agent requires it, and announcements carry it): skewed hosts disagree about
 * timestamps as real ones do.
 */
export function simEpochClock(host: Host): () => number {
  let last = -Infinity;
  return () => (last = Math.max(last, host.now() + SIM_EPOCH_MS));
}

export function simTimers(host: Host): Timers {
  const scheduler = host.scheduler;
  return {
    after: (delayMs, fn) => {
      const event = scheduler.after(delayMs, fn);
      return () => scheduler.cancel(event);
    },
  };
}

/** Deadlines on the host's local clock shifted by `epochMs` (0 for the local clock itself). */
export function simDeadlineTimer(host: Host, epochMs: number): DeadlineTimerFactory {
  return (onExpire) => {
    const timer = new DeadlineTimer(host.scheduler, onExpire);
    return { set: (deadline) => timer.set(host.toVirtualTime(deadline - epochMs)), clear: () => timer.clear() };
  };
}

/** A connected simulated TCP socket as the connection driver's byte stream. */
export function simByteStream(socket: TcpSocket): ByteStream {
  return {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    get canWrite() {
      const state = socket.state;
      return state === 'ESTABLISHED' || state === 'CLOSE_WAIT';
    },
    get hasRoom() {
      return socket.writableBytes > 0;
    },
    write: (pieces) => {
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i]!;
        const accepted = socket.write(piece);
        if (accepted < piece.length) return [piece.subarray(accepted), ...pieces.slice(i + 1)];
      }
      return null;
    },
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    attach: (events) => {
      socket.onData = events.data;
      socket.onWritable = events.writable;
      socket.onEnd = () => events.ended('peer ended the connection');
      socket.onClose = (reason) => events.closed(`TCP connection closed (${reason})`);
    },
  };
}

export function simConnector(host: Host): Connector<TcpSocket> {
  return {
    connect: (address, port, handlers): Cancel => {
      const socket = host.tcp.connect(address, port);
      let pending = true;
      socket.onClose = (reason) => {
        if (!pending) return;
        pending = false;
        handlers.failed(`connect ${reason}`);
      };
      socket.onConnect = () => {
        pending = false;
        socket.onClose = null;
        handlers.connected(socket);
      };
      return () => {
        if (!pending) return;
        pending = false;
        socket.destroy();
      };
    },
  };
}

/** A datagram counts as one frame: receiving one costs receivePerFrameMs, broadcasting one sendPerFrameMs. */
export function simDatagramSocket(host: Host, port: number, costs: FrameCpuCosts): DatagramSocket {
  const udp = host.udp.bind(port);
  let open = true;
  const socket: DatagramSocket = {
    onMessage: null,
    broadcast: (bytes) => {
      const cost = costs.sendPerFrameMs;
      if (cost === 0) udp.broadcast(port, bytes);
      else
        host.cpu.run(cost, () => {
          if (open) udp.broadcast(port, bytes);
        });
    },
    close: () => {
      open = false;
      udp.close();
    },
  };
  udp.onMessage = (datagram) => {
    const deliver = () => {
      if (open) socket.onMessage?.(datagram.bytes, { address: datagram.fromAddress, port: datagram.fromPort });
    };
    const cost = costs.receivePerFrameMs;
    if (cost === 0) deliver();
    else host.cpu.run(cost, deliver);
  };
  return socket;
}

/**
 * The simulated host as the shared orchestration's transport (src/driver/transport.ts) and a node's
 * environment (src/driver/node-environment.ts): timers on the virtual clock, TCP connects on the
 * host's stack, seeded randomness, and the discovery UDP socket, whose datagrams cost frame CPU on
 * the host's CPU both ways. (Connected sockets: asoc/tcp-byte-stream.ts; deadlines: deadline-timer.ts.)
 */
import type { CryptoBackend } from '../../src/crypto/backend.ts';
import type { NodeEnvironment, RandomUse } from '../../src/driver/node-environment.ts';
import type { Cancel, Connector, DatagramReceiver, DatagramSocket, Timers } from '../../src/driver/transport.ts';
import type { Host } from '../host.ts';
import type { RandomStreams } from '../random.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import type { Datagram, UdpSocket } from '../udp.ts';
import { hostDeadlineTimer } from './host-deadline-timer.ts';
import type { FrameCpuCosts } from './types.ts';

/** Virtual time 0 as a Unix time: 2025-01-01T00:00:00Z. */
export const SIM_EPOCH_MS = 1_735_689_600_000;

/**
 * The host's local clock (virtual time + skew) as Unix milliseconds, never going backwards (the
 * discovery agent requires it, and announcements carry it): skewed hosts disagree about
 * timestamps as real ones do.
 */
export function simEpochClock(host: Host): () => number {
  const clock = { last: -Infinity }; // a field keeps the double unboxed; a closure variable would box it on every call
  return () => (clock.last = Math.max(clock.last, host.now() + SIM_EPOCH_MS));
}

/** Each use draws from its own stream, named after the host, so turning discovery on does not change the handshakes' draws. */
const RANDOM_STREAMS: Record<RandomUse, string> = { 'node-id': 'asoc-node-id', identity: 'asoc-identity', connections: 'asoc', dialing: 'asoc-dial', discovery: 'asoc-discovery' };

/**
 * A node's environment on `host`: its local clock (with skew) for connections, `unixNow` (default:
 * the epoch clock) for their handshakes, the epoch clock for discovery. A socket is cut only while
 * it is open: destroying one in TIME_WAIT would end that early.
 */
export function hostEnvironment(host: Host, random: RandomStreams, crypto: CryptoBackend, unixNow: () => number = simEpochClock(host)): NodeEnvironment<TcpSocket> {
  return {
    now: () => host.now(),
    unixNow,
    discoveryClock: { now: simEpochClock(host), deadlineTimer: hostDeadlineTimer(host, SIM_EPOCH_MS) },
    timers: simTimers(host),
    connector: simConnector(host),
    destroy: (socket) => {
      if (socket.state !== 'CLOSED' && socket.state !== 'TIME_WAIT') socket.destroy();
    },
    random: (use) => random.stream(`${RANDOM_STREAMS[use]}:${host.name}`),
    crypto,
    label: host.name,
  };
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
export class SimDatagramSocket implements DatagramSocket {
  private receiver: DatagramReceiver | null = null;
  private readonly udp: UdpSocket;
  private open = true;

  constructor(
    private readonly host: Host,
    private readonly port: number,
    private readonly costs: FrameCpuCosts,
  ) {
    this.udp = host.udp.bind(port);
    this.udp.onMessage = (datagram) => this.receive(datagram);
  }

  listen(receiver: DatagramReceiver): void {
    this.receiver = receiver;
  }

  broadcast(bytes: Uint8Array): void {
    const cost = this.costs.sendPerFrameMs;
    if (cost === 0) this.udp.broadcast(this.port, bytes);
    else
      this.host.cpu.run(cost, () => {
        if (this.open) this.udp.broadcast(this.port, bytes);
      });
  }

  close(): void {
    this.open = false;
    this.udp.close();
  }

  private receive(datagram: Datagram): void {
    const cost = this.costs.receivePerFrameMs;
    if (cost !== 0) this.host.cpu.run(cost, () => this.deliver(datagram));
    else if (this.open) this.receiver?.receive(datagram.bytes, { address: datagram.fromAddress, port: datagram.fromPort });
  }

  private deliver(datagram: Datagram): void {
    if (this.open) this.receiver?.receive(datagram.bytes, { address: datagram.fromAddress, port: datagram.fromPort });
  }
}

/**
 * stt over UDP between real endpoints (docs/stt.md §7): a listener that keeps one connection per
 * remote UDP endpoint (the datagrams carry no connection id, so the endpoint names the connection),
 * and a client that dials one and streams bytes to it, waiting whenever too much is unacknowledged.
 * Both drive the sans-io SttDatagramConnection with the shared pump on node:dgram sockets
 * (stt-udp-driver.ts); the `send` and `recv` commands run them with `--transport udp`.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BACKEND, type CryptoBackend } from '../crypto/backend.ts';
import { ReplayCache } from '../crypto/replay-cache.ts';
import type { ConnectionLimits } from '../core/connection.ts';
import type { ConnectionEvent } from '../core/events.ts';
import { STT } from '../core/profile.ts';
import { STT_DATAGRAM_TAG_SIZE } from '../core/stt-handshake.ts';
import { STT_OVER_UDP, SttDatagramConnection, type DatagramConnectionConfig } from '../core/stt-datagram-connection.ts';
import { ConnectionClosedError, type SendReceipt } from '../driver/connection-driver.ts';
import { DatagramPump } from '../driver/datagram-pump.ts';
import { HEADER_SIZE } from '../wire/frame.ts';
import { dgramDatagramIo, dgramSttUdpPump, type UdpEndpoint } from './stt-udp-driver.ts';
import { monotonicNow, systemRandom, wallClockNow } from './system.ts';

export interface SttUdpOptions {
  /** The shared seed. */
  apiKey: Uint8Array;
  /** This end's 16-byte node id (default: random). */
  nodeId?: Uint8Array;
  crypto?: CryptoBackend;
  /** Largest frame payload either side takes (default: the stt profile's). */
  maxFrameSize?: number;
  limits?: Partial<ConnectionLimits>;
}

/** Bytes queued or in flight unacknowledged above which a send waits for acknowledgements. */
const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** Remote endpoints with a connection at once; datagrams from further ones are dropped until one finishes. */
export const DEFAULT_MAX_UDP_CONNECTIONS = 64;

function machineConfig(role: 'client' | 'server', options: SttUdpOptions, nodeId: Uint8Array): DatagramConnectionConfig {
  const now = monotonicNow();
  const maxFrameSize = options.maxFrameSize ?? STT.maxFrameSize;
  return {
    role,
    nodeId,
    apiKey: options.apiKey,
    crypto: options.crypto ?? DEFAULT_BACKEND,
    random: systemRandom,
    now,
    // stt HELLOs carry Unix time; the connection runs on the monotonic clock.
    unixOffsetMs: wallClockNow() - now,
    limits: options.limits,
    profile: { ...STT_OVER_UDP, maxFrameSize },
    datagramLimits: { maxFrameBytes: HEADER_SIZE + maxFrameSize + STT_DATAGRAM_TAG_SIZE },
  };
}

async function boundSocket(host: string, port: number): Promise<dgram.Socket> {
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

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

/** Serves stt over UDP on one socket: a server connection for each remote endpoint that writes to it. */
export class SttUdpListener {
  readonly nodeId: Uint8Array;
  readonly stats = { connections: 0, turnedAway: 0 };
  private readonly pumps = new Map<string, DatagramPump>();
  private readonly helloReplay = new ReplayCache(STT.helloReplay!);

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly options: SttUdpOptions,
    private readonly onEvent: (peer: UdpEndpoint, event: ConnectionEvent) => void,
    private readonly maxConnections: number,
  ) {
    this.nodeId = options.nodeId ?? systemRandom.bytes(16);
    socket.on('message', (message, from) => this.receive(new Uint8Array(message.buffer, message.byteOffset, message.byteLength), { address: from.address, port: from.port }));
  }

  /** Binds `host:port` (0: a free port) and serves until close(); `onEvent` gets every connection's events. */
  static async listen(host: string, port: number, options: SttUdpOptions & { maxConnections?: number }, onEvent: (peer: UdpEndpoint, event: ConnectionEvent) => void): Promise<SttUdpListener> {
    return new SttUdpListener(await boundSocket(host, port), options, onEvent, options.maxConnections ?? DEFAULT_MAX_UDP_CONNECTIONS);
  }

  get address(): UdpEndpoint {
    const { address, port } = this.socket.address();
    return { address, port };
  }

  async close(): Promise<void> {
    for (const pump of this.pumps.values()) pump.stop();
    this.pumps.clear();
    await closeSocket(this.socket);
  }

  private receive(datagram: Uint8Array, from: UdpEndpoint): void {
    const key = `${from.address}|${from.port}`;
    let pump = this.pumps.get(key);
    if (pump?.machine.finished) {
      pump.stop();
      this.pumps.delete(key);
      pump = undefined;
    }
    if (!pump) {
      if (this.pumps.size >= this.maxConnections) this.forgetFinished();
      if (this.pumps.size >= this.maxConnections) {
        this.stats.turnedAway++;
        return;
      }
      const machine = new SttDatagramConnection({ ...machineConfig('server', this.options, this.nodeId), helloReplay: this.helloReplay });
      pump = new DatagramPump(machine, dgramDatagramIo(this.socket, from), (event) => this.onEvent(from, event));
      this.pumps.set(key, pump);
      this.stats.connections++;
    }
    pump.receive(datagram);
  }

  private forgetFinished(): void {
    for (const [key, pump] of this.pumps) {
      if (!pump.machine.finished) continue;
      pump.stop();
      this.pumps.delete(key);
    }
  }
}

/** The server did not answer in time (the handshake, or the delivery receipt). */
export class SttUdpTimeoutError extends Error {
  override readonly name = 'SttUdpTimeoutError';
}

/** An stt client over UDP: one connection to one server endpoint, streams sent one at a time. */
export class SttUdpClient {
  private closedBy: Extract<ConnectionEvent, { type: 'closed' }> | null = null;
  private readonly listeners = new Set<(event: ConnectionEvent | null) => void>();

  private readonly pump: DatagramPump;

  private constructor(
    private readonly socket: dgram.Socket,
    server: UdpEndpoint,
    machine: SttDatagramConnection,
  ) {
    this.pump = dgramSttUdpPump(socket, server, machine, (event) => this.dispatch(event));
    // After the pump's own listener: whatever a datagram acknowledged is counted by then.
    socket.on('message', () => this.dispatch(null));
    socket.on('error', (err) => {
      machine.connection.transportClosed(monotonicNow(), `socket error: ${err.message}`);
      this.pump.flush();
    });
  }

  /**
   * Binds `localHost` (a free port), sends the HELLO to `server` (an IP address) and resolves once
   * the handshake is done; rejects with a ConnectionClosedError if it fails, an SttUdpTimeoutError if `timeoutMs` pass first.
   */
  static async dial(server: UdpEndpoint, localHost: string, options: SttUdpOptions, timeoutMs: number): Promise<SttUdpClient> {
    const socket = await boundSocket(localHost, 0);
    const machine = new SttDatagramConnection(machineConfig('client', options, options.nodeId ?? systemRandom.bytes(16)));
    const client = new SttUdpClient(socket, server, machine);
    const established = client.waitFor((event) => (event?.type === 'established' ? true : undefined), timeoutMs, 'no handshake');
    client.pump.flush();
    try {
      await established;
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  /**
   * Sends `source` as one stream, waiting for acknowledgements whenever more than a few MiB are
   * outstanding; with `confirm`, resolves on the receiver's delivery receipt (it holds every byte),
   * else once every datagram is acknowledged. The chunks are referenced until sent.
   */
  async send(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: { confirm: boolean; receiptTimeoutMs: number }): Promise<SendReceipt> {
    const connection = this.pump.machine.connection;
    const started = performance.now();
    const streamId = connection.openStream();
    let bytes = 0;
    for await (const piece of source) {
      connection.sendData(streamId, piece, monotonicNow());
      bytes += piece.length;
      this.pump.flush();
      await this.drained(SEND_HIGH_WATER_BYTES);
    }
    connection.endStream(streamId, monotonicNow());
    const receipt = options.confirm ? this.waitFor((event) => (event?.type === 'receipt' && event.streamId === streamId ? event : undefined), options.receiptTimeoutMs, 'no delivery receipt') : null;
    this.pump.flush();
    // Unconfirmed: done when the peer's datagram layer has acknowledged every segment (closing sooner would drop the rest).
    const confirmed = receipt ? await receipt : await this.drained(0);
    return { streamId, bytes: confirmed?.bytes ?? bytes, frames: confirmed?.frames ?? 0, confirmed: confirmed !== null, elapsedMs: performance.now() - started };
  }

  async close(): Promise<void> {
    const connection = this.pump.machine.connection;
    if (connection.state !== 'closed') connection.close(monotonicNow());
    this.pump.flush();
    this.pump.stop();
    await closeSocket(this.socket);
  }

  /** Until at most `bytes` are unacknowledged; rejects if the connection closed. */
  private async drained(bytes: number): Promise<null> {
    while (this.pump.machine.sender.unacknowledgedBytes > bytes) await this.waitFor(() => true, Infinity, '');
    return null;
  }

  /** The first value `accept` takes from an event (null: a datagram came in), or a ConnectionClosedError (an SttUdpTimeoutError after `timeoutMs`). */
  private waitFor<T>(accept: (event: ConnectionEvent | null) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (event: ConnectionEvent | null) => {
        const closed = event?.type === 'closed' ? event : this.closedBy;
        if (closed) {
          done();
          return reject(new ConnectionClosedError(closed.reason, closed.detail));
        }
        const taken = accept(event);
        if (taken === undefined) return;
        done();
        resolve(taken);
      };
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => (done(), reject(new SttUdpTimeoutError(`${what} within ${timeoutMs} ms`))), timeoutMs) : undefined;
      this.listeners.add(listener);
      if (this.closedBy) listener(null);
    });
  }

  private dispatch(event: ConnectionEvent | null): void {
    if (event?.type === 'closed') this.closedBy = event;
    for (const listener of [...this.listeners]) listener(event);
  }
}

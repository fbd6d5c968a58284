/**
 * Head-of-line isolation of stt over UDP, on the simulator: two streams of one session carry the
 * same paced writes, and only the datagrams of one of them are lost (a fault rule on the link drops
 * its DATA datagrams with probability `loss`). Each write's delivery latency is measured at the
 * receiver on each stream, and each stream's bytes are checked by SHA-256. With isolation, the clean
 * stream's latencies under loss are those of a run without loss, while the lossy one waits for its
 * retransmissions. Reordering and duplication on the link (options) exercise reassembly.
 * Deterministic: the seed fixes the losses, the handshake's nonces and everything else.
 */
import { createHash } from 'node:crypto';
import { sortedQuantile } from '../bench/stats.ts';
import { decodeDatagram, DatagramKind } from '../src/wire/stt-datagram.ts';
import type { AsocConnection } from '../src/core/connection.ts';
import type { ConnectionEvent } from '../src/core/events.ts';
import { sttUdpPair, type SttUdpPair } from '../sim/asoc/stt-udp-pair.ts';
import type { Host } from '../sim/host.ts';
import { Protocol } from '../sim/packet.ts';

export interface IsolationOptions {
  seed: number;
  /** Probability that one of the lossy stream's DATA datagrams (client → server) is lost. */
  loss: number;
  /** Writes per stream, one every intervalMs on both streams at once. */
  writes: number;
  writeBytes: number;
  intervalMs: number;
  latencyMs: number;
  bandwidthBps: number;
  /** Link reordering and duplication, both directions (0 by default). */
  reorder?: number;
  duplicate?: number;
}

export const ISOLATION_DEFAULTS: IsolationOptions = { seed: 14, loss: 0.05, writes: 400, writeBytes: 1024, intervalMs: 2, latencyMs: 5, bandwidthBps: 100e6 };

export interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
}

export interface StreamOutcome {
  streamId: number;
  lossy: boolean;
  bytesSent: number;
  bytesDelivered: number;
  /** Every byte delivered, in order (SHA-256 of what arrived equals that of what was sent). */
  intact: boolean;
  datagramsDropped: number;
  /** Per write, virtual ms from the write to the arrival of its last byte. */
  latencyMs: LatencyFigures | null;
}

export interface IsolationRun {
  options: IsolationOptions;
  established: boolean;
  streams: [StreamOutcome, StreamOutcome];
  retransmissions: number;
  segmentsOutOfOrder: number;
  duplicateSegments: number;
  datagramsRefused: number;
  virtualMs: number;
}

export interface StreamRecord {
  id: number;
  lossy: boolean;
  sentAt: number[];
  sentHash: ReturnType<typeof createHash>;
  receivedHash: ReturnType<typeof createHash>;
  delivered: number;
  arrivals: number[];
  dropped: number;
}

/** One run: the two streams' outcomes and the transport's counters. */
export function runIsolation(options: IsolationOptions): IsolationRun {
  const links = { latencyMs: options.latencyMs, bandwidthBps: options.bandwidthBps, reorder: options.reorder ?? 0, duplicate: options.duplicate ?? 0, reorderDelayMs: options.latencyMs };
  const pair = sttUdpPair({ seed: options.seed, link: links });
  const streams: StreamRecord[] = [];
  dropLossyDatagrams(pair, streams, options.loss);
  pair.client.onEvent = (event) => {
    const { connection, host, driver } = pair.client;
    if (event.type === 'established') startWrites({ connection, host, flush: () => driver.flush() }, streams, options);
  };
  pair.server.onEvent = (event, at) => recordArrival(streams, event, at, options.writeBytes);
  pair.sim.scheduler.runUntilIdle();
  const senderStats = pair.client.machine.sender.stats;
  const receiverStats = pair.server.machine.receiver.stats;
  return {
    options,
    established: pair.client.connection.state === 'established' && pair.server.connection.state === 'established',
    streams: [outcome(streams[0], options), outcome(streams[1], options)],
    retransmissions: senderStats.retransmissions,
    segmentsOutOfOrder: receiverStats.outOfOrder,
    duplicateSegments: receiverStats.duplicates,
    datagramsRefused: pair.server.machine.stats.refused + pair.client.machine.stats.refused,
    virtualMs: pair.sim.scheduler.now,
  };
}

/** The lossy stream's DATA datagrams, client → server, are lost with probability `loss` (nothing else is). */
function dropLossyDatagrams(pair: SttUdpPair, streams: StreamRecord[], loss: number): void {
  const random = pair.sim.random.stream('stream-isolation:loss');
  pair.link.aToB.addRule((packet) => {
    if (packet.protocol !== Protocol.UDP || packet.payload[0] !== DatagramKind.DATA) return 'pass';
    const datagram = decodeDatagram(packet.payload);
    const stream = streams.find((s) => datagram.kind === 'data' && s.id === datagram.streamId);
    if (!stream?.lossy || random.unit() >= loss) return 'pass';
    stream.dropped++;
    return 'drop';
  });
}

/** The sending side as the writes use it: its connection, a flush after each write, its host's clock. */
export interface WritingSide {
  connection: AsocConnection;
  host: Host;
  flush(): void;
}

/** Opens the lossy and the clean stream and schedules the paced writes, then both ENDs. */
export function startWrites(side: WritingSide, streams: StreamRecord[], options: IsolationOptions): void {
  const { connection, host } = side;
  for (const lossy of [true, false]) {
    streams.push({ id: connection.openStream(), lossy, sentAt: [], sentHash: createHash('sha256'), receivedHash: createHash('sha256'), delivered: 0, arrivals: [], dropped: 0 });
  }
  for (let i = 0; i < options.writes; i++) {
    host.scheduler.after(i * options.intervalMs, () => {
      for (const stream of streams) {
        const data = writeBytes(stream.id, i, options.writeBytes);
        stream.sentAt.push(host.scheduler.now);
        stream.sentHash.update(data);
        connection.sendData(stream.id, data, host.now());
      }
      if (i === options.writes - 1) for (const stream of streams) connection.endStream(stream.id, host.now());
      side.flush();
    });
  }
}

/** A receiver's event: a stream's bytes, hashed, and the time each write's last byte arrived. */
export function recordArrival(streams: StreamRecord[], event: ConnectionEvent, at: number, writeBytes: number): void {
  if (event.type !== 'stream-data') return;
  const stream = streams.find((s) => s.id === event.streamId);
  if (!stream) return;
  stream.receivedHash.update(event.data);
  stream.delivered += event.data.length;
  while (stream.arrivals.length < Math.floor(stream.delivered / writeBytes)) stream.arrivals.push(at);
}

/** Write `i` of a stream: its index, then a byte pattern of the stream and index. */
function writeBytes(streamId: number, i: number, size: number): Uint8Array {
  const data = new Uint8Array(size).fill((streamId * 31 + i) & 0xff);
  new DataView(data.buffer).setUint32(0, i);
  return data;
}

export function outcome(stream: StreamRecord | undefined, options: IsolationOptions): StreamOutcome {
  if (!stream) return { streamId: 0, lossy: false, bytesSent: 0, bytesDelivered: 0, intact: false, datagramsDropped: 0, latencyMs: null };
  const latencies = stream.arrivals.map((at, i) => at - stream.sentAt[i]!).sort((a, b) => a - b);
  const bytesSent = stream.sentAt.length * options.writeBytes;
  return {
    streamId: stream.id,
    lossy: stream.lossy,
    bytesSent,
    bytesDelivered: stream.delivered,
    intact: stream.delivered === bytesSent && stream.sentHash.digest('hex') === stream.receivedHash.digest('hex'),
    datagramsDropped: stream.dropped,
    latencyMs: latencies.length === 0 ? null : { p50: sortedQuantile(latencies, 0.5), p99: sortedQuantile(latencies, 0.99), max: latencies[latencies.length - 1]! },
  };
}

export interface IsolationMeasurement {
  /** The same writes with no loss. */
  baseline: IsolationRun;
  /** One stream's datagrams lost at `loss`. */
  lossy: IsolationRun;
  /** No loss, but the link reorders and duplicates datagrams, and each write spans several. */
  reordered: IsolationRun;
}

export function measureStreamIsolation(options: IsolationOptions = ISOLATION_DEFAULTS): IsolationMeasurement {
  return {
    baseline: runIsolation({ ...options, loss: 0 }),
    lossy: runIsolation(options),
    reordered: runIsolation({ ...options, loss: 0, writeBytes: 4 * 1024, reorder: 0.2, duplicate: 0.05 }),
  };
}

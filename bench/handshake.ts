/**
 * Handshake cost per protocol (claim P1, and P8's TLS handshake): every baseline of
 * src/baselines/index.ts plus seed 000's JWT handshake (src/baselines/jwt-handshake.ts), over loopback.
 *
 * - Bytes: a few connections one at a time. The server counts the bytes above TCP from accept until
 *   the session is ready (application bytes). Once the handshake has settled (`settleMs`, so delayed
 *   ACKs are sent), `ss -tin` gives the client socket's segment and payload counters: wire bytes are
 *   that payload + 40 B (IPv4 + TCP without options) per segment, SYN and ACKs included.
 * - Rate: connect and close one after the other until `maxHandshakes` or `maxSeconds`, whichever comes
 *   first; handshakes/s, and the time connect() took until the session was ready.
 * - Round trips: a few connects through a relay that delays every piece of data (bench/delay-relay.ts);
 *   the time they take beyond a direct connect, in relay round trips, is the handshake's round trips
 *   above TCP, counted the same way for every protocol whatever its messages.
 *
 *   asoc-lab bench handshake [--protocols raw-tcp,asoc-v1,jwt-hs256,…] [--count 2000] [--duration 5] [--samples 3] [--rtt-samples 3]
 *
 * writes reports/bench-handshake-<ISO time>.json and prints a table.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BASELINES, runSecrets, type BaselineSecrets } from '../src/baselines/index.ts';
import { JWT_ALGORITHMS, jwtHandshake, type HandshakeProtocol } from '../src/baselines/jwt-handshake.ts';
import type { Baseline, ByteCounts } from '../src/baselines/types.ts';
import { ACCEPT_SIZE } from '../src/wire/accept.ts';
import { HELLO_SIZE } from '../src/wire/hello.ts';
import { withDeadline } from './deadline.ts';
import { startDelayRelay } from './delay-relay.ts';
import { measureHandshakeCompute } from './handshake-compute.ts';
import type { HandshakeProtocolResult, HandshakeReport } from './handshake-schema.ts';
import { machineInfo } from './machine.ts';
import { progressBar, showsProgress, type ProgressBar } from './progress.ts';
import { median, spread } from './stats.ts';
import { clientCountersTo, ssUnavailable, TCP_IP_HEADER_BYTES, type TcpCounters } from './tcp-segments.ts';

export interface HandshakeBenchOptions {
  /** Protocol names (see handshakeProtocolNames()); default all. */
  protocols?: string[];
  /** Connections whose bytes are counted, per protocol. Default 3. */
  byteSamples?: number;
  /** Wait after the handshake before reading the kernel's counters, ms. Default 50. */
  settleMs?: number;
  /** Rate phase: at most this many handshakes per protocol… Default 2000. */
  maxHandshakes?: number;
  /** …and at most this long, s. Default 5. */
  maxSeconds?: number;
  /** Connects through the delaying relay, per protocol; 0 measures no round trips. Default 3. */
  roundTripSamples?: number;
  /** The relay's delay each way, ms: a connect's own time must vary by less than this. Default 25. */
  roundTripOneWayMs?: number;
}

export const HANDSHAKE_DEFAULTS: Required<HandshakeBenchOptions> = { protocols: [], byteSamples: 3, settleMs: 50, maxHandshakes: 2000, maxSeconds: 5, roundTripSamples: 3, roundTripOneWayMs: 25 };
/** A handshake or a server start that takes longer than this fails the bench. */
const STEP_TIMEOUT_MS = 15_000;

/** A baseline used for its connection setup only: an echo server, and connections that send nothing. */
function handshakeOf(baseline: Baseline, secrets: BaselineSecrets): HandshakeProtocol {
  return {
    name: baseline.name,
    summary: baseline.summary,
    serve: (options) =>
      baseline.serve({ role: 'echo', secrets, onSession: (session) => options.onSession?.(session.setup), ...(options.onError ? { onError: options.onError } : {}) }),
    connect: (port) => baseline.connect(port, { role: 'echo', secrets }),
  };
}

function allProtocols(secrets: BaselineSecrets): HandshakeProtocol[] {
  const apiKey = Buffer.from(secrets.apiKey, 'hex');
  return [...BASELINES.map((b) => handshakeOf(b, secrets)), ...JWT_ALGORITHMS.map((alg) => jwtHandshake(alg, apiKey, secrets.community))];
}

export function handshakeProtocolNames(): string[] {
  return [...BASELINES.map((b) => b.name), ...JWT_ALGORITHMS.map((alg) => `jwt-${alg.toLowerCase()}`)];
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return withDeadline(work, STEP_TIMEOUT_MS, `${what} took longer than ${STEP_TIMEOUT_MS} ms`, () => {});
}

/** Resolves with the next session's setup bytes the server reports. */
class SetupWaiter {
  private waiting: ((setup: ByteCounts) => void) | null = null;
  private ready: ByteCounts[] = [];

  onSession = (setup: ByteCounts): void => {
    if (this.waiting) {
      this.waiting(setup);
      this.waiting = null;
    } else this.ready.push(setup);
  };

  next(): Promise<ByteCounts> {
    const ready = this.ready.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => (this.waiting = resolve));
  }
}

async function measureProtocol(protocol: HandshakeProtocol, config: Required<HandshakeBenchOptions>, ssMissing: string | null, report: (label: string) => void): Promise<Omit<HandshakeProtocolResult, 'asocV1Smaller'>> {
  const setups = new SetupWaiter();
  const errors: Error[] = [];
  const server = await withTimeout(protocol.serve({ onSession: setups.onSession, onError: (err) => errors.push(err) }), `${protocol.name}: starting the server`);
  try {
    const samples: HandshakeProtocolResult['samples'] = [];
    for (let i = 0; i < config.byteSamples; i++) {
      report(`${protocol.name}: bytes ${i + 1}/${config.byteSamples}`);
      const client = await withTimeout(protocol.connect(server.port), `${protocol.name}: a handshake`);
      const setup = await withTimeout(setups.next(), `${protocol.name}: the server's session`);
      await sleep(config.settleMs);
      const tcp: TcpCounters | null = ssMissing ? null : await clientCountersTo(server.port);
      await client.close();
      samples.push({ setup, tcp });
    }
    report(`${protocol.name}: rate`);
    const connectMs: number[] = [];
    const start = performance.now();
    const deadline = start + config.maxSeconds * 1000;
    while (connectMs.length < config.maxHandshakes && performance.now() < deadline) {
      const t0 = performance.now();
      const client = await withTimeout(protocol.connect(server.port), `${protocol.name}: a handshake`);
      connectMs.push(performance.now() - t0);
      await client.close();
    }
    const seconds = (performance.now() - start) / 1000;
    report(`${protocol.name}: round trips`);
    const roundTrips = await measureRoundTrips(protocol, server.port, median(connectMs), config);
    if (errors.length > 0) throw new Error(`${protocol.name}: the server reported ${errors.length} error(s), first: ${errors[0]!.message}`);
    const segments = samples.every((s) => s.tcp) ? median(samples.map((s) => s.tcp!.segsOut + s.tcp!.segsIn)) : null;
    const tcpPayload = samples.every((s) => s.tcp) ? median(samples.map((s) => s.tcp!.bytesSent + s.tcp!.bytesReceived)) : null;
    return {
      name: protocol.name,
      summary: protocol.summary,
      samples,
      applicationBytes: median(samples.map((s) => s.setup.clientToServer + s.setup.serverToClient)),
      segments,
      wireBytes: segments === null || tcpPayload === null ? null : tcpPayload + TCP_IP_HEADER_BYTES * segments,
      rate: { handshakes: connectMs.length, seconds, perSecond: connectMs.length / seconds, connectMs: spread(connectMs) },
      roundTrips,
    };
  } finally {
    await server.close();
  }
}

/** Connects through a relay with `roundTripOneWayMs` each way; what they take beyond `directMs`, in relay round trips. */
async function measureRoundTrips(protocol: HandshakeProtocol, port: number, directMs: number, config: Required<HandshakeBenchOptions>): Promise<HandshakeProtocolResult['roundTrips']> {
  if (config.roundTripSamples === 0) return null;
  const relay = await startDelayRelay(port, config.roundTripOneWayMs);
  try {
    const delayedConnectMs: number[] = [];
    for (let i = 0; i < config.roundTripSamples; i++) {
      const t0 = performance.now();
      const client = await withTimeout(protocol.connect(relay.port), `${protocol.name}: a handshake through the delaying relay`);
      delayedConnectMs.push(performance.now() - t0);
      await client.close();
    }
    const estimate = (median(delayedConnectMs) - directMs) / (2 * config.roundTripOneWayMs);
    return { count: Math.max(0, Math.round(estimate)), estimate, delayedConnectMs };
  } finally {
    await relay.close();
  }
}

export async function runHandshakeBench(options: HandshakeBenchOptions = {}): Promise<HandshakeReport> {
  const config = { ...HANDSHAKE_DEFAULTS, ...options };
  const secrets = runSecrets();
  const every = allProtocols(secrets);
  const chosen = config.protocols.length === 0 ? every : config.protocols.map((name) => every.find((p) => p.name === name) ?? unknownProtocol(name));
  const ssMissing = await ssUnavailable();
  const bar: ProgressBar | undefined = showsProgress() ? progressBar() : undefined;
  const measured: Array<Omit<HandshakeProtocolResult, 'asocV1Smaller'>> = [];
  try {
    for (const [index, protocol] of chosen.entries()) measured.push(await measureProtocol(protocol, config, ssMissing, (label) => bar?.update(index, chosen.length + 1, label)));
    bar?.update(chosen.length, chosen.length + 1, 'handshake compute, no sockets');
  } finally {
    bar?.stop();
  }
  const compute = await measureHandshakeCompute(config.maxHandshakes, config.maxSeconds);
  const asoc = measured.find((p) => p.name === 'asoc-v1')?.applicationBytes;
  return {
    kind: 'handshake',
    date: new Date().toISOString(),
    machine: machineInfo(),
    config: {
      protocols: chosen.map((p) => p.name),
      byteSamples: config.byteSamples,
      settleMs: config.settleMs,
      maxHandshakes: config.maxHandshakes,
      maxSeconds: config.maxSeconds,
      roundTripSamples: config.roundTripSamples,
      roundTripOneWayMs: config.roundTripOneWayMs,
      headerBytesPerSegment: TCP_IP_HEADER_BYTES,
      segmentSource: ssMissing ? `not measured: ${ssMissing}` : 'ss -tin on the client socket (Linux kernel counters, loopback)',
    },
    notes: [
      `P1 counts ASoc's HELLO and ACCEPT payloads (${HELLO_SIZE} + ${ACCEPT_SIZE} = ${HELLO_SIZE + ACCEPT_SIZE} B); applicationBytes is what TCP carries above it until the session is ready, frame headers included.`,
      'wireBytes = TCP payload (kernel counters, both ways) + 40 B per segment (IPv4 20 + TCP 20, no options; Linux adds 12 B of timestamps per segment and more on SYNs, not counted). Segments are loopback\'s (MSS ~64 KiB): over Ethernet a message over 1,460 B takes more.',
      'The rate loop connects and closes sequentially on one client; each connect includes what the baseline does to open a session (ASoc: an AsocNode per client; gRPC: a channel).',
      'raw-tcp has no handshake above TCP: its figures are TCP\'s own (the floor).',
      `roundTrips: connects through a loopback relay that holds every piece of data ${config.roundTripOneWayMs} ms each way; (median connect time through it − median direct connect time) ÷ ${2 * config.roundTripOneWayMs} ms, rounded. TCP\'s own handshake with the relay is not delayed, so these are round trips above TCP; messages the two sides send without waiting for each other cross in flight and cost none.`,
      'compute: the same handshakes with both sides in this process and no sockets (ASoc through its connection core with node:crypto, JWT through jose): the CPU work alone.',
    ],
    protocols: measured.map((p) => ({ ...p, asocV1Smaller: asoc === undefined || p.applicationBytes === 0 ? null : 1 - asoc / p.applicationBytes })),
    compute,
  };
}

function unknownProtocol(name: string): never {
  throw new RangeError(`unknown protocol "${name}" (expected: ${handshakeProtocolNames().join(', ')})`);
}

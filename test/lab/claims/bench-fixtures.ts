/** Bench results made up for the claim rules' tests: every figure given per round. */
import type { CpuReport, PacedRun } from '../../../bench/cpu-schema.ts';
import type { CryptoReport, CryptoResult } from '../../../bench/crypto-schema.ts';
import type { HandshakeProtocolResult, HandshakeReport } from '../../../bench/handshake-schema.ts';
import type { LatencyReport, LatencyRun } from '../../../bench/latency-schema.ts';
import type { MessageOverheadReport } from '../../../bench/message-overhead.ts';
import type { NoiseReport } from '../../../bench/noise.ts';
import type { RunMode } from '../../../bench/throughput-modes.ts';
import type { ThroughputReport, ThroughputRun } from '../../../bench/throughput-schema.ts';

export const KiB = 1024;
export const MiB = 1024 * KiB;
const machine = { cpuModel: 'Test CPU', cores: 2, nodeVersion: 'v20.0.0', platform: 'linux', arch: 'x64', kernel: '6.0', nodeSettings: [] };
const cores = { model: 'Test CPU', logical: 2, hypervisor: true };
const date = '2026-01-01T00:00:00.000Z';
const spreadOf = (v: number) => ({ median: v, min: v, p10: v, p90: v, max: v });

/** A machine that held still (0.1 % steal). */
export const QUIET: NoiseReport = { stealFraction: 0.001, busyFraction: 0.6, loadAverage: { start: 1, end: 1 }, cpus: 2, seconds: 10 };
/** The hypervisor took 8 % of CPU time. */
export const STOLEN: NoiseReport = { ...QUIET, stealFraction: 0.08 };

/** The same value `n` times, nudged by ±1 % so the rounds are not identical. */
export const steady = (value: number, n = 5): number[] => Array.from({ length: n }, (_, i) => value * (1 + ((i % 3) - 1) * 0.01));

// ---------------------------------------------------------------- handshake, overhead

function handshakeProtocol(name: string, samples: number[]): HandshakeProtocolResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    summary: name,
    samples: samples.map((n) => ({ setup: { clientToServer: n, serverToClient: 0 }, tcp: null })),
    applicationBytes: sorted[sorted.length >> 1]!,
    segments: 10,
    wireBytes: sorted[sorted.length >> 1]! + 400,
    rate: { handshakes: 1, seconds: 1, perSecond: 1, connectMs: spreadOf(1) },
    roundTrips: null,
    asocV1Smaller: null,
  };
}

/** Each protocol's handshake bytes: one count, or the counts of each connection sampled. */
export function handshakeReport(bytesByProtocol: Record<string, number | number[]>): HandshakeReport {
  return {
    kind: 'handshake',
    date,
    machine,
    config: { protocols: Object.keys(bytesByProtocol), byteSamples: 1, settleMs: 50, maxHandshakes: 1, maxSeconds: 1, roundTripSamples: 0, roundTripOneWayMs: 25, headerBytesPerSegment: 40, segmentSource: 'fixture' },
    notes: [],
    protocols: Object.entries(bytesByProtocol).map(([name, n]) => handshakeProtocol(name, typeof n === 'number' ? [n] : n)),
    compute: [],
  };
}

export function overhead(messageBytes: number, perMessage: Record<string, number>): MessageOverheadReport {
  return {
    config: { protocols: Object.keys(perMessage), messageBytes, messages: 10, warmupMessages: 1, settleMs: 0, source: 'fixture' },
    results: Object.entries(perMessage).map(([protocol, bytesPerMessage]) => ({ protocol, messageBytes, messages: 10, tcpPayloadBytes: 20 * (messageBytes + bytesPerMessage), bytesPerMessage })),
  };
}

// ---------------------------------------------------------------- latency

function pingPongRun(protocol: string, messageBytes: number, round: number, p50Us: number, intact = true): LatencyRun {
  const p = { min: p50Us, p50: p50Us, p90: p50Us, p99: p50Us * 2, p999: p50Us * 3, max: p50Us * 4, mean: p50Us };
  return {
    protocol,
    round,
    messageBytes,
    mode: 'closed',
    messages: 100,
    seconds: 1,
    intact,
    latencyUs: p,
    histogram: '',
    offeredPerSecond: null,
    sendLagUs: null,
    fromSendUs: null,
    saturated: false,
    achievedPerSecond: 100,
    cpu: { clientSeconds: 0, serverSeconds: 0, clientPercent: 0, serverPercent: 0, secondsPerGB: 1 },
  };
}

/** Ping-pong p50 (µs) per round, by protocol and size: { 'asoc-v1': { [KiB]: [60, 61, …], [MiB]: […] } }. */
export function pingPongs(p50: Record<string, Record<number, number[]>>, corrupt?: { protocol: string; messageBytes: number }): LatencyReport {
  const runs = Object.entries(p50).flatMap(([protocol, bySize]) =>
    Object.entries(bySize).flatMap(([size, rounds]) => rounds.map((v, i) => pingPongRun(protocol, Number(size), i + 1, v, !(corrupt?.protocol === protocol && corrupt.messageBytes === Number(size))))),
  );
  return {
    kind: 'latency',
    date,
    machine,
    cores,
    config: { protocols: Object.keys(p50), sizes: [KiB, MiB], modes: ['closed'], rounds: Math.max(...runs.map((r) => r.round)), warmupRounds: 0, warmupMessages: 1, maxMessages: 100, maxSeconds: 1, openRates: [], maxInFlight: 1, maxInFlightBytes: 1, pinning: null },
    notes: [],
    runs,
    ratios: [],
    target: null,
  };
}

// ---------------------------------------------------------------- paced CPU

export interface PacedSpec {
  clientPercent: number[];
  serverPercent: number[];
  /** Default: the offered 446 MB/s every round. */
  deliveredMBps?: number[];
  /** Default: from the CPU % and the rate. */
  secondsPerGB?: number[];
}

/** The paced CPU bench at 446 MB/s offered, per protocol per round. */
export function cpuReport(byProtocol: Record<string, PacedSpec>): CpuReport {
  const runs: PacedRun[] = Object.entries(byProtocol).flatMap(([protocol, spec]) =>
    spec.clientPercent.map((clientPercent, i) => {
      const serverPercent = spec.serverPercent[i]!;
      const deliveredMBps = spec.deliveredMBps?.[i] ?? 446;
      return {
        protocol,
        round: i + 1,
        warmup: false,
        plannedBytes: 446e6,
        sentBytes: deliveredMBps * 1e6,
        deliveredBytes: deliveredMBps * 1e6,
        seconds: 1,
        deliveredMBps,
        maxLagMs: 1,
        cpu: { clientSeconds: clientPercent / 100, serverSeconds: serverPercent / 100, clientPercent, serverPercent, secondsPerGB: spec.secondsPerGB?.[i] ?? (clientPercent + serverPercent) / 100 / (deliveredMBps / 1000) },
      };
    }),
  );
  return {
    kind: 'cpu',
    date,
    machine,
    cores,
    config: { protocols: Object.keys(byProtocol), rateMBps: 446, chunkBytes: MiB, seconds: 1, rounds: Math.max(...runs.map((r) => r.round)), warmupRounds: 0, deadlineFactor: 3, pinning: null },
    notes: [],
    runs,
  };
}

// ---------------------------------------------------------------- throughput

/** A run's figure: its MB/s, or its MB/s with the mode it ran in and whether other work disturbed it. */
export type RoundFigure = number | { MBps: number; mode?: RunMode; disturbed?: boolean };

function throughputRun(protocol: string, run: number, figure: RoundFigure): ThroughputRun {
  const { MBps, mode = 'unknown', disturbed = false } = typeof figure === 'number' ? { MBps: figure } : figure;
  const bytes = 64 * MiB;
  return {
    protocol,
    run,
    warmup: run === 0,
    bytes,
    seconds: bytes / (MBps * 1e6),
    MBps,
    wayMBps: { forward: MBps },
    verified: true,
    transfers: [{ way: 'forward', bytes, verified: true }],
    cpuSeconds: { client: 0.1, server: 0.1 },
    setupBytes: [],
    intervals: [],
    cpus: null,
    mode,
    foreignCpus: disturbed ? 1 : 0,
    disturbed,
  };
}

/** MB/s per round (run r = round r), by protocol; a warm-up run 0 precedes them. */
export function throughputReport(MBpsPerRound: Record<string, RoundFigure[]>): ThroughputReport {
  const runs = Object.entries(MBpsPerRound).flatMap(([protocol, rounds]) => [throughputRun(protocol, 0, 1), ...rounds.map((v, i) => throughputRun(protocol, i + 1, v))]);
  return {
    kind: 'throughput',
    date,
    unit: 'MB/s, MB = 10^6 bytes',
    machine,
    config: { protocols: Object.keys(MBpsPerRound), direction: 'forward', parallel: 1, totalBytes: 64 * MiB, durationMs: null, chunkSize: MiB, runs: 5, warmupRuns: 1, verify: 'count', runTimeoutMs: 1, intervalMs: 1, pinning: null, transport: 'loopback', order: 'alternating' },
    runs,
    summary: {},
    ratios: {},
    targets: [],
  };
}

// ---------------------------------------------------------------- crypto

function cryptoResult(name: string, implementation: CryptoResult['implementation'], opsPerSec: number[], inputBytes: number): CryptoResult {
  const samplesNs = opsPerSec.map((ops) => 1e9 / ops);
  const ns = 1e9 / opsPerSec[0]!;
  return { group: name.startsWith('ed25519') ? 'signature' : 'd2', name, implementation, inputBytes, batch: 1, samplesNs, nsPerCall: spreadOf(ns), opsPerSec: opsPerSec[0]!, MBps: (inputBytes * opsPerSec[0]!) / 1e6, rme: 0 };
}

/** Ed25519 (node:crypto) verifies/s per timed sample, BLAKE3 1 MiB MB/s, SipHash ÷ keyed BLAKE3 ratios by input size. */
export function cryptoReport(nodeVerifies: number[], blake3MBps: number, sipRatios: Array<[number, number]>): CryptoReport {
  const blake3 = cryptoResult('blake3 1 MiB', 'noble', steady((blake3MBps * 1e6) / MiB), MiB);
  return {
    kind: 'crypto',
    date,
    machine,
    config: { groups: ['signature', 'd2'], timeMs: 1, warmupMs: 0, minSamples: 1, minSampleUs: 1 },
    notes: [],
    results: [cryptoResult('ed25519 verify', 'node', nodeVerifies, 64), cryptoResult('ed25519 verify', 'noble', steady(700), 64), blake3],
    comparisons: [],
    chosenDefault: null,
    d2: { siphashOverKeyedBlake3: sipRatios.map(([inputBytes, ratio]) => ({ inputBytes, ratio })), blake3MBps: [{ inputBytes: MiB, MBps: blake3MBps }] },
  };
}

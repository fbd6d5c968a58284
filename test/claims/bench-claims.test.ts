/**
 * The rules that turn bench results into P1, P5, P6, P7, P8 and D2 verdicts, on fixture results:
 * each test pins a verdict at and around its threshold, so a changed rule shows up here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CryptoReport, CryptoResult } from '../../bench/crypto-schema.ts';
import type { HandshakeProtocolResult, HandshakeReport } from '../../bench/handshake-schema.ts';
import type { LatencyReport, LatencyRun } from '../../bench/latency-schema.ts';
import type { MessageOverheadReport } from '../../bench/message-overhead.ts';
import type { ThroughputReport } from '../../bench/throughput-schema.ts';
import { decideOrPending } from '../../src/claims/bench-evidence.ts';
import { BenchEvidenceError, decideD2, decideP1, decideP5, decideP6, decideP7, decideP8 } from '../../src/claims/bench-claims.ts';
import { verdictOf } from '../../src/claims/verdict.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const machine = { cpuModel: 'Test CPU', cores: 2, nodeVersion: 'v20.0.0', platform: 'linux', arch: 'x64', kernel: '6.0' };
const spreadOf = (v: number) => ({ median: v, min: v, p10: v, p90: v, max: v });

function handshakeProtocol(name: string, applicationBytes: number): HandshakeProtocolResult {
  return {
    name,
    summary: name,
    samples: [{ setup: { clientToServer: applicationBytes, serverToClient: 0 }, tcp: null }],
    applicationBytes,
    segments: 10,
    wireBytes: applicationBytes + 400,
    rate: { handshakes: 1, seconds: 1, perSecond: 1, connectMs: spreadOf(1) },
    asocV1Smaller: null,
  };
}

function handshakeReport(bytesByProtocol: Record<string, number>): HandshakeReport {
  return {
    kind: 'handshake',
    date: '2026-01-01T00:00:00.000Z',
    machine,
    config: { protocols: Object.keys(bytesByProtocol), byteSamples: 1, settleMs: 50, maxHandshakes: 1, maxSeconds: 1, headerBytesPerSegment: 40, segmentSource: 'fixture' },
    notes: [],
    protocols: Object.entries(bytesByProtocol).map(([name, n]) => handshakeProtocol(name, n)),
    compute: [],
  };
}

interface RunSpec {
  protocol: string;
  messageBytes: number;
  p50Us: number;
  mode?: 'closed' | 'open';
  intact?: boolean;
  offeredPerSecond?: number;
  achievedPerSecond?: number;
  saturated?: boolean;
  clientPercent?: number;
  serverPercent?: number;
  secondsPerGB?: number;
}

function latencyRun(spec: RunSpec): LatencyRun {
  const p = { min: spec.p50Us, p50: spec.p50Us, p90: spec.p50Us, p99: spec.p50Us * 2, p999: spec.p50Us * 3, max: spec.p50Us * 4, mean: spec.p50Us };
  return {
    protocol: spec.protocol,
    messageBytes: spec.messageBytes,
    mode: spec.mode ?? 'closed',
    messages: 100,
    seconds: 1,
    intact: spec.intact ?? true,
    latencyUs: p,
    histogram: '',
    offeredPerSecond: spec.offeredPerSecond ?? null,
    sendLagUs: null,
    fromSendUs: null,
    saturated: spec.saturated ?? false,
    achievedPerSecond: spec.achievedPerSecond ?? 100,
    cpu: { clientSeconds: 0, serverSeconds: 0, clientPercent: spec.clientPercent ?? 0, serverPercent: spec.serverPercent ?? 0, secondsPerGB: spec.secondsPerGB ?? 1 },
  };
}

function latencyReport(runs: RunSpec[], kind: 'latency' | 'cpu' = 'latency'): LatencyReport {
  return {
    kind,
    date: '2026-01-01T00:00:00.000Z',
    machine,
    cores: { model: 'Test CPU', logical: 2, hypervisor: true },
    config: { protocols: [...new Set(runs.map((r) => r.protocol))], sizes: [KiB, MiB], modes: ['closed'], warmupMessages: 1, maxMessages: 100, maxSeconds: 1, openRates: [], maxInFlight: 1, maxInFlightBytes: 1, pinning: null },
    notes: [],
    runs: runs.map(latencyRun),
    ratios: [],
    target: null,
  };
}

/** raw-tcp, asoc-v1, grpc-stream and grpc-unary ping-pongs at 1 KiB and 1 MiB. */
function pingPongs(p50: Record<string, [number, number]>): LatencyReport {
  return latencyReport(Object.entries(p50).flatMap(([protocol, [kib, mib]]) => [
    { protocol, messageBytes: KiB, p50Us: kib },
    { protocol, messageBytes: MiB, p50Us: mib },
  ]));
}

function throughputReport(MBps: Record<string, number>): ThroughputReport {
  const summary = Object.fromEntries(
    Object.entries(MBps).map(([name, v]) => [name, { medianMBps: v, minMBps: v, maxMBps: v, spread: 0, runs: 1, cpuSecondsPerGB: { client: 1, server: 1 }, ratioToRawTcp: null, setupBytes: null }]),
  );
  return {
    kind: 'throughput',
    date: '2026-01-01T00:00:00.000Z',
    unit: 'MB/s, MB = 10^6 bytes',
    machine,
    config: { protocols: Object.keys(MBps), direction: 'forward', parallel: 1, totalBytes: MiB, durationMs: null, chunkSize: MiB, runs: 1, warmupRuns: 1, verify: 'count', runTimeoutMs: 1, intervalMs: 1, pinning: null, transport: 'loopback', order: 'alternating' },
    runs: [],
    summary,
    ratios: {},
    targets: [],
  };
}

function overhead(messageBytes: number, perMessage: Record<string, number>): MessageOverheadReport {
  return {
    config: { protocols: Object.keys(perMessage), messageBytes, messages: 10, warmupMessages: 1, settleMs: 0, source: 'fixture' },
    results: Object.entries(perMessage).map(([protocol, bytesPerMessage]) => ({ protocol, messageBytes, messages: 10, tcpPayloadBytes: 20 * (messageBytes + bytesPerMessage), bytesPerMessage })),
  };
}

// ---------------------------------------------------------------- verdictOf

test('verdictOf: all parts → HOLDS, none → FAILS, some → PARTIAL; no parts is a mistake', () => {
  assert.equal(verdictOf([true, true]), 'HOLDS');
  assert.equal(verdictOf([false, false]), 'FAILS');
  assert.equal(verdictOf([true, false]), 'PARTIAL');
  assert.throws(() => verdictOf([]), RangeError);
});

// ---------------------------------------------------------------- P1

const sizes = { handshakePayloadBytes: 52, discoveryDatagramBytes: 50 };

test('P1: JWT and gRPC at 450+ B and ≥ 77 % larger than ASoc v1 → HOLDS, with the figures in the summary', () => {
  const r = decideP1(sizes, handshakeReport({ 'asoc-v1': 80, 'jwt-hs256': 930, 'grpc-stream': 500 }));
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /52 B \(102 B with the 50-byte discovery datagram\)/);
  assert.match(r.summary, /jwt-hs256 930 B \(91 % smaller\)/);
  assert.match(r.summary, /grpc-stream 500 B \(84 % smaller\)/);
});

test('P1: a gRPC setup under 450 B makes it PARTIAL and is named as not as claimed', () => {
  const r = decideP1(sizes, handshakeReport({ 'asoc-v1': 80, 'jwt-hs256': 930, 'grpc-stream': 294 }));
  assert.equal(r.verdict, 'PARTIAL');
  assert.match(r.summary, /not as claimed: grpc-stream 294 B \(73 % smaller\)/);
});

test('P1: the thresholds are inclusive: 450 B, and exactly 77 % smaller', () => {
  // 1 − 103.5/450 = 0.77
  assert.equal(decideP1(sizes, handshakeReport({ 'asoc-v1': 103.5, 'jwt-hs256': 450 })).verdict, 'HOLDS');
  assert.equal(decideP1(sizes, handshakeReport({ 'asoc-v1': 104, 'jwt-hs256': 450 })).verdict, 'PARTIAL');
  assert.equal(decideP1(sizes, handshakeReport({ 'asoc-v1': 40, 'jwt-hs256': 449 })).verdict, 'PARTIAL');
});

test('P1: wrong codec sizes and every comparison missed → FAILS', () => {
  const r = decideP1({ handshakePayloadBytes: 53, discoveryDatagramBytes: 50 }, handshakeReport({ 'asoc-v1': 81, 'grpc-unary': 300 }));
  assert.equal(r.verdict, 'FAILS');
});

test('P1: no asoc-v1, or nothing to compare with, is a BenchEvidenceError', () => {
  assert.throws(() => decideP1(sizes, handshakeReport({ 'jwt-hs256': 930 })), BenchEvidenceError);
  assert.throws(() => decideP1(sizes, handshakeReport({ 'asoc-v1': 80, 'raw-tcp': 0 })), BenchEvidenceError);
});

// ---------------------------------------------------------------- P5

test('P5: one way is half the round trip; ≤ 100 µs at both sizes → HOLDS; raw TCP in the summary', () => {
  const r = decideP5(pingPongs({ 'asoc-v1': [60, 200], 'raw-tcp': [40, 150] }));
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /1 KiB ASoc v1 60 µs round trip, 30 µs per chunk one way \(raw TCP 40 µs, 20 µs\)/);
  assert.match(r.summary, /1 KiB below its 1\.00 ms–5\.00 ms/);
});

test('P5: met at 1 KiB only → PARTIAL; the RFC ranges are placed, not judged', () => {
  const r = decideP5(pingPongs({ 'asoc-v1': [200, 24_000], 'raw-tcp': [100, 20_000] }));
  assert.equal(r.verdict, 'PARTIAL');
  assert.match(r.summary, /1 KiB met, 1 MiB missed/);
  assert.match(r.summary, /1 MiB within its 10\.00 ms–20\.00 ms/);
  const atLimit = decideP5(pingPongs({ 'asoc-v1': [200, 201], 'raw-tcp': [1, 1] }));
  assert.equal(atLimit.verdict, 'PARTIAL', '100 µs one way meets "~50 µs", 100.5 does not');
});

test('P5: missed at both sizes → FAILS; a missing or corrupt run is a BenchEvidenceError', () => {
  assert.equal(decideP5(pingPongs({ 'asoc-v1': [500, 6000], 'raw-tcp': [90, 5000] })).verdict, 'FAILS');
  assert.throws(() => decideP5(pingPongs({ 'asoc-v1': [60, 200] })), BenchEvidenceError);
  const corrupt = latencyReport([
    { protocol: 'asoc-v1', messageBytes: KiB, p50Us: 60, intact: false },
    { protocol: 'raw-tcp', messageBytes: KiB, p50Us: 40 },
  ]);
  assert.throws(() => decideP5(corrupt), /corrupt/);
});

// ---------------------------------------------------------------- P6

function cpuReport(asoc: Partial<RunSpec>, extra: RunSpec[] = []): LatencyReport {
  const open = { messageBytes: MiB, p50Us: 1000, mode: 'open' as const, offeredPerSecond: 446e6 / MiB, achievedPerSecond: 446e6 / MiB };
  return latencyReport(
    [
      { ...open, protocol: 'raw-tcp', clientPercent: 1, serverPercent: 1, secondsPerGB: 0.5 },
      { ...open, protocol: 'asoc-v1', ...asoc },
      ...extra,
    ],
    'cpu',
  );
}

test('P6: under 2 % on both sides at the offered rate → HOLDS; says what a core is', () => {
  const r = decideP6(cpuReport({ clientPercent: 1.9, serverPercent: 0.5 }));
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /Offered 446 MB\/s of 1 MiB messages/);
  assert.match(r.summary, /one core = one logical CPU of 2 \(Test CPU, virtual\)/);
});

test('P6: 2 % or more on either side FAILS, even when the rate was not reached', () => {
  assert.equal(decideP6(cpuReport({ clientPercent: 2, serverPercent: 0.5 })).verdict, 'FAILS');
  const r = decideP6(cpuReport({ clientPercent: 54, serverPercent: 30, saturated: true, achievedPerSecond: 175e6 / MiB }));
  assert.equal(r.verdict, 'FAILS');
  assert.match(r.summary, /delivered 175 MB\/s \(saturated\) using client 54\.0 %, server 30\.0 %/);
});

test('P6: under 2 % without reaching 95 % of the rate → PARTIAL', () => {
  assert.equal(decideP6(cpuReport({ clientPercent: 1, serverPercent: 1, achievedPerSecond: (0.94 * 446e6) / MiB })).verdict, 'PARTIAL');
  assert.equal(decideP6(cpuReport({ clientPercent: 1, serverPercent: 1, achievedPerSecond: (0.95 * 446e6) / MiB })).verdict, 'HOLDS');
  assert.equal(decideP6(cpuReport({ clientPercent: 1, serverPercent: 1, saturated: true })).verdict, 'PARTIAL');
});

// ---------------------------------------------------------------- P7

const grpcOverheads = [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 200, 'grpc-unary': 300 }), overhead(MiB, { 'asoc-v1': 55, 'grpc-stream': 150, 'grpc-unary': 400 })];

test('P7: 10× at 1 KiB against both gRPC variants, 10× throughput, ~200 B overhead → HOLDS', () => {
  const latency = pingPongs({ 'asoc-v1': [50, 1000], 'grpc-stream': [500, 9000], 'grpc-unary': [600, 9000], 'raw-tcp': [40, 900] });
  const r = decideP7(latency, throughputReport({ 'raw-tcp': 1000, 'asoc-v1': 1000, 'grpc-stream': 100 }), grpcOverheads);
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /ASoc v1 50 µs, grpc-stream 500 µs \(10\.0×\), grpc-unary 600 µs \(12\.0×\)/);
  assert.match(r.summary, /ASoc v1 1000 MB\/s vs grpc-stream 100 MB\/s \(10\.0×; raw TCP 1000 MB\/s\)/);
  assert.match(r.summary, /grpc-stream 1 KiB 200 B/);
});

test('P7: gRPC faster than claimed on the wire and in time → FAILS; some parts → PARTIAL', () => {
  const slowAsoc = pingPongs({ 'asoc-v1': [495, 6000], 'grpc-stream': [307, 15_000], 'grpc-unary': [2031, 24_000], 'raw-tcp': [91, 4900] });
  const lean = [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 15, 'grpc-unary': 43 })];
  assert.equal(decideP7(slowAsoc, throughputReport({ 'raw-tcp': 845, 'asoc-v1': 816, 'grpc-stream': 137 }), lean).verdict, 'FAILS');
  assert.equal(decideP7(slowAsoc, throughputReport({ 'raw-tcp': 845, 'asoc-v1': 1370, 'grpc-stream': 137 }), lean).verdict, 'PARTIAL');
  // An overhead of 99 B or 401 B is not "~200 B".
  const fast = pingPongs({ 'asoc-v1': [50, 1000], 'grpc-stream': [500, 9000], 'grpc-unary': [500, 9000], 'raw-tcp': [40, 900] });
  const tp = throughputReport({ 'raw-tcp': 1000, 'asoc-v1': 1000, 'grpc-stream': 100 });
  assert.equal(decideP7(fast, tp, [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 99, 'grpc-unary': 200 })]).verdict, 'PARTIAL');
  assert.equal(decideP7(fast, tp, [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 200, 'grpc-unary': 401 })]).verdict, 'PARTIAL');
});

test('P7: a throughput run without grpc-stream, or no gRPC overhead, is a BenchEvidenceError', () => {
  const latency = pingPongs({ 'asoc-v1': [50, 1000], 'grpc-stream': [500, 9000], 'grpc-unary': [500, 9000], 'raw-tcp': [40, 900] });
  assert.throws(() => decideP7(latency, throughputReport({ 'raw-tcp': 1, 'asoc-v1': 1 }), grpcOverheads), BenchEvidenceError);
  assert.throws(() => decideP7(latency, throughputReport({ 'raw-tcp': 1, 'asoc-v1': 1, 'grpc-stream': 1 }), [overhead(KiB, { 'asoc-v1': 55 })]), BenchEvidenceError);
});

// ---------------------------------------------------------------- P8

function p8Cpu(plain: number, tls: number): LatencyReport {
  return cpuReport({ secondsPerGB: plain }, [{ protocol: 'asoc-v1/tls', messageBytes: MiB, p50Us: 1, mode: 'open', secondsPerGB: tls }]);
}

test('P8: 2–4 KB handshake, 5–40 B per message, 5–10 % CPU → HOLDS; figures are TLS minus plain', () => {
  const r = decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 3080 }), [overhead(KiB, { 'asoc-v1': 55, 'asoc-v1/tls': 77 })], p8Cpu(2, 2.16));
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /adds 3,000 B to the handshake above TCP \(3,000 B with 40 B per TCP segment\)/);
  assert.match(r.summary, /22 B per 1 KiB message/);
  assert.match(r.summary, /8 % more CPU per GB \(2\.16 vs 2\.00 CPU s\/GB/);
});

test('P8: range edges are inclusive; TLS cheaper than claimed is outside the claim too', () => {
  const at = (handshake: number, perMessage: number, cpu: number) =>
    decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 80 + handshake }), [overhead(KiB, { 'asoc-v1': 55, 'asoc-v1/tls': 55 + perMessage })], p8Cpu(1, 1 + cpu)).verdict;
  assert.equal(at(2000, 5, 0.0501), 'HOLDS');
  assert.equal(at(4096, 40, 0.0999), 'HOLDS');
  assert.equal(at(1999, 40, 0.1), 'PARTIAL');
  assert.equal(at(1618, 44, 0.89), 'FAILS');
  assert.equal(at(3000, 4, 0.04), 'PARTIAL');
});

test('P8: every message size must be in range: 1 MiB messages in 16 KiB records are not "per frame"', () => {
  const r = decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 3080 }), [overhead(KiB, { 'asoc-v1': 55, 'asoc-v1/tls': 77 }), overhead(MiB, { 'asoc-v1': 55, 'asoc-v1/tls': 1529 })], p8Cpu(2, 2.15));
  assert.equal(r.verdict, 'PARTIAL');
  assert.match(r.summary, /22 B per 1 KiB message and 1,474 B per 1 MiB message/);
  assert.throws(() => decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 3080 }), [overhead(KiB, { 'asoc-v1/tls': 77 })], p8Cpu(2, 2.15)), BenchEvidenceError);
});

// ---------------------------------------------------------------- D2

function cryptoResult(name: string, implementation: CryptoResult['implementation'], opsPerSec: number, inputBytes: number): CryptoResult {
  const ns = 1e9 / opsPerSec;
  return { group: name.startsWith('ed25519') ? 'signature' : 'd2', name, implementation, inputBytes, batch: 1, samplesNs: [ns], nsPerCall: spreadOf(ns), opsPerSec, MBps: (inputBytes * opsPerSec) / 1e6, rme: 0 };
}

function cryptoReport(nodeVerifies: number, blake3MBps: number, sipRatios: Array<[number, number]>): CryptoReport {
  const blake3 = cryptoResult('blake3 1 MiB', 'noble', (blake3MBps * 1e6) / MiB, MiB);
  return {
    kind: 'crypto',
    date: '2026-01-01T00:00:00.000Z',
    machine,
    config: { groups: ['signature', 'd2'], timeMs: 1, warmupMs: 0, minSamples: 1, minSampleUs: 1 },
    notes: [],
    results: [cryptoResult('ed25519 verify', 'node', nodeVerifies, 64), cryptoResult('ed25519 verify', 'noble', 700, 64), blake3],
    comparisons: [],
    chosenDefault: null,
    d2: { siphashOverKeyedBlake3: sipRatios.map(([inputBytes, ratio]) => ({ inputBytes, ratio })), blake3MBps: [{ inputBytes: MiB, MBps: blake3.MBps }] },
  };
}

test('D2: Ed25519 through node:crypto decides; never HOLDS, since the hashes are timed in pure JS', () => {
  const good = decideD2(cryptoReport(71_000, 3000, [[8, 4], [16, 3.5], [1024, 1.8]]));
  assert.equal(good.verdict, 'PARTIAL');
  assert.match(good.summary, /Ed25519 verifies 71,000\/s through node:crypto/);
  assert.match(good.summary, /met even in JS/);
  assert.match(good.summary, /3\.5–4\.0× at 8\/16 B/, 'inputs above 64 B are not judged');
  assert.equal(decideD2(cryptoReport(35_500, 44, [[8, 4]])).verdict, 'PARTIAL', 'within a factor of 2 of ~71,000');
  const slow = decideD2(cryptoReport(10_238, 44, [[8, 3.96]]));
  assert.equal(slow.verdict, 'FAILS');
  assert.match(slow.summary, /a JS figure cannot settle a native one/);
});

test('D2: a report without the signature or d2 group is a BenchEvidenceError', () => {
  const report = cryptoReport(71_000, 3000, [[8, 4]]);
  assert.throws(() => decideD2({ ...report, d2: null }), BenchEvidenceError);
  assert.throws(() => decideD2({ ...report, results: report.results.filter((r) => r.implementation !== 'node') }), BenchEvidenceError);
  assert.throws(() => decideD2(cryptoReport(71_000, 3000, [[1024, 2]])), BenchEvidenceError);
});

// ---------------------------------------------------------------- verify's wrapper

test('decideOrPending: a failed bench leaves its claim PENDING with the error; a decision passes through', () => {
  const pending = decideOrPending('P5', () => decideP5(pingPongs({ 'asoc-v1': [60, 200] })));
  assert.equal(pending.verdict, 'PENDING');
  assert.equal(pending.id, 'P5');
  assert.match(pending.summary, /BenchEvidenceError: the latency bench has no raw-tcp ping-pong at 1024 B/);
  assert.equal(decideOrPending('P5', () => decideP5(pingPongs({ 'asoc-v1': [60, 200], 'raw-tcp': [40, 150] }))).verdict, 'HOLDS');
});

/**
 * Runs the benchmarks for `asoc-lab verify` and decides every claim of BENCH_CLAIMS from them
 * (bench-claims.ts: P1, P5–P8, D2). Timed benches run in rounds, protocols interleaved within each; each bench is
 * watched for machine noise (bench/noise.ts), which the claims check against the noise rule
 * (noise-rule.ts) with raw TCP's own per-round figure in the same bench. Quick settings fit about a minute on two cores, full
 * ones about eight; each claim's evidence records the settings, the noise report and every
 * per-round figure. A claim whose bench fails is left PENDING with the error.
 */
import { performance } from 'node:perf_hooks';
import { runCpuBench, type CpuBenchOptions } from '../../bench/cpu.ts';
import { runCryptoBench, type CryptoBenchOptions } from '../../bench/crypto.ts';
import { runHandshakeBench, type HandshakeBenchOptions } from '../../bench/handshake.ts';
import { runLatencyBench, type LatencyBenchOptions } from '../../bench/latency.ts';
import { measureMessageOverhead, type MessageOverheadOptions } from '../../bench/message-overhead.ts';
import { watchNoise } from '../../bench/noise.ts';
import { runThroughputBench, type ThroughputOptions } from '../../bench/throughput.ts';
import { BENCH_CLAIMS, type BenchClaim, type BenchRun, type BenchRuns } from './bench-claims.ts';
import type { ClaimResult } from './verdict.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

export interface BenchSettings {
  handshake: HandshakeBenchOptions;
  overhead: MessageOverheadOptions[];
  latency: LatencyBenchOptions;
  cpu: CpuBenchOptions;
  throughput: ThroughputOptions;
  crypto: CryptoBenchOptions;
}

const EXACT = {
  // Byte counts only (P1, P8): the handshake-rate phase is cut to a token, round trips are not measured.
  handshake: { protocols: ['asoc-v1', 'asoc-v1/tls', 'grpc-stream', 'grpc-unary', 'jwt-hs256', 'jwt-eddsa', 'jwt-es256'], byteSamples: 3, maxHandshakes: 5, maxSeconds: 0.2, roundTripSamples: 0 },
  overhead: [
    { protocols: ['asoc-v1', 'asoc-v1/tls', 'grpc-stream', 'grpc-unary'], messageBytes: KiB, messages: 200 },
    { protocols: ['asoc-v1', 'asoc-v1/tls', 'grpc-stream', 'grpc-unary'], messageBytes: MiB, messages: 20 },
  ],
};
const LATENCY = { protocols: ['raw-tcp', 'asoc-v1', 'grpc-stream', 'grpc-unary'], sizes: [KiB, MiB], modes: ['closed' as const] };
const THROUGHPUT = { protocols: ['asoc-v1', 'grpc-stream'], chunkSize: MiB, verify: 'count' as const };
const CPU = { protocols: ['asoc-v1', 'asoc-v1/tls'] };
const CRYPTO = { groups: ['signature' as const, 'd2' as const] };

/**
 * verify --quick: ≤ 60 s wall on the lab's 2-core VM; verify: ≤ 8 min. Rounds per timed bench are
 * what the intervals come from (≥ 5 quick, 11–15 full); unrecorded warm-up rounds first take the
 * first-use costs (JIT, in both processes) out of round 1. Quick latency rounds are so short (300
 * messages) that with one warm-up round of 3 messages asoc-v1's first recorded rounds still ran at
 * up to 2× its later p50; quick takes two warm-up rounds of 100 messages. Quick runs are short (a
 * 1 MiB gRPC unary ping-pong gets only ~10 echoes in 0.2 s), so quick intervals are wider than full ones.
 * Quick throughput runs carry 256 MiB, as full ones do: at 64 MiB ASoc v1's run lasted ~20 ms on the
 * VM, and P7's streaming ratio (ASoc v1 ÷ grpc-stream) came out between 6.4× and 11.9× from one quick
 * run to the next, each with a narrow interval.
 */
export const BENCH_SETTINGS: Record<'quick' | 'full', BenchSettings> = {
  quick: {
    ...EXACT,
    latency: { ...LATENCY, rounds: 5, warmupRounds: 2, maxMessages: 300, maxSeconds: 0.2, warmupMessages: 100 },
    cpu: { ...CPU, rounds: 5, warmupRounds: 1, seconds: 0.4 },
    throughput: { ...THROUGHPUT, runs: 5, totalBytes: 256 * MiB },
    crypto: { ...CRYPTO, timeMs: 150, warmupMs: 50 },
  },
  full: {
    ...EXACT,
    latency: { ...LATENCY, rounds: 15, warmupRounds: 1, maxMessages: 5000, maxSeconds: 1.5, warmupMessages: 10 },
    cpu: { ...CPU, rounds: 11, warmupRounds: 1, seconds: 1.5 },
    throughput: { ...THROUGHPUT, runs: 11, totalBytes: 256 * MiB },
    crypto: { ...CRYPTO, timeMs: 1000, warmupMs: 250 },
  },
};

export interface BenchClaimsOptions {
  quick: boolean;
  log?: (line: string) => void;
  /** How far the benches are (0…1) and which is running. */
  progress?: (fraction: number, label: string) => void;
  /** Instead of BENCH_SETTINGS (tests, experiments). */
  settings?: BenchSettings;
  /** The claims to decide (default BENCH_CLAIMS). */
  claims?: readonly BenchClaim[];
}

export interface BenchClaimsOutcome {
  claims: ClaimResult[];
  /** Each bench's report, noise report and noise check, for the verdict report's measurements. */
  reports: Record<string, unknown>;
  settings: BenchSettings;
  wallSeconds: number;
}

/** The claim `work` decides, or, when it throws (a bench it needs failed, or lacks a result), the claim PENDING with the error. */
export function decideOrPending(id: string, work: () => ClaimResult): ClaimResult {
  try {
    return work();
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { id, verdict: 'PENDING', summary: `Not decided: a bench it needs failed in this run (${message}).`, evidence: { error: message } };
  }
}

/** Each claim decided from the runs, or PENDING with the error of a bench it needed. */
export function decideFromRuns(runs: BenchRuns, claims: readonly BenchClaim[] = BENCH_CLAIMS): ClaimResult[] {
  return claims.map((claim) => decideOrPending(claim.id, () => claim.decide(runs)));
}

export async function decideBenchClaims(options: BenchClaimsOptions): Promise<BenchClaimsOutcome> {
  const log = options.log ?? console.log;
  const s = options.settings ?? BENCH_SETTINGS[options.quick ? 'quick' : 'full'];
  const started = performance.now();
  const steps = 6;
  let step = 0;
  /** Runs one bench watched for noise, or records its failure so the claims that need it are left PENDING. */
  async function bench<T>(name: string, run: () => Promise<T>): Promise<BenchRun<T>> {
    options.progress?.(step++ / steps, name);
    log(`  ${name} …`);
    const stop = watchNoise();
    const t0 = performance.now();
    let result: T | Error;
    try {
      result = await run();
    } catch (err) {
      log(`  ${name} failed: ${(err as Error).message}`);
      result = err instanceof Error ? err : new Error(String(err));
    }
    return { result, noise: stop(), seconds: (performance.now() - t0) / 1000 };
  }
  const handshake = await bench('handshake bytes (asoc-v1, asoc-v1/tls, gRPC, JWT)', () => runHandshakeBench(s.handshake));
  const overhead = await bench('bytes per message on TCP (1 KiB and 1 MiB echoes)', async () => {
    const reports = [];
    for (const o of s.overhead) reports.push(await measureMessageOverhead(o));
    return reports;
  });
  const latency = await bench(`ping-pong latency, ${s.latency.rounds} rounds (raw TCP, asoc-v1, gRPC; 1 KiB and 1 MiB)`, () => runLatencyBench(s.latency));
  const cpu = await bench(`CPU paced one way at 446 MB/s, ${s.cpu.rounds} rounds (raw TCP, asoc-v1, asoc-v1/tls)`, () => runCpuBench(s.cpu));
  const throughput = await bench(`throughput, ${s.throughput.runs} rounds (raw TCP, asoc-v1, grpc-stream)`, () => runThroughputBench(s.throughput));
  const crypto = await bench('crypto (Ed25519, BLAKE3, SipHash)', () => runCryptoBench(s.crypto));
  options.progress?.(1, 'deciding');
  const claims = decideFromRuns({ handshake, overhead, latency, cpu, throughput, crypto }, options.claims);
  // Crypto's every sample and each latency run's HDR histogram stay in the benches' own reports (npm run bench:*); the figures are kept.
  const cryptoResult = crypto.result instanceof Error ? crypto.result : { ...crypto.result, results: crypto.result.results.map(({ samplesNs: _samples, ...r }) => r) };
  const latencyResult = latency.result instanceof Error ? latency.result : { ...latency.result, runs: latency.result.runs.map(({ histogram: _histogram, ...r }) => r) };
  const runs = { handshake, overhead, latency: { ...latency, result: latencyResult }, cpu, throughput, crypto: { ...crypto, result: cryptoResult } };
  const reports = Object.fromEntries(
    Object.entries(runs).map(([name, r]) => [name, { seconds: r.seconds, noise: r.noise, ...(r.result instanceof Error ? { error: r.result.message } : { report: r.result }) }]),
  );
  return { claims, reports, settings: s, wallSeconds: (performance.now() - started) / 1000 };
}

/**
 * Runs the benchmarks of issue 5 with short settings for `asoc-lab verify` (about a minute in all on
 * two cores) and decides P1, P5, P6, P7, P8 and D2 from them (bench-claims.ts). Each claim's
 * evidence records the settings its benches ran with; the benches' own defaults are longer and
 * steadier (npm run bench:*). A claim whose bench fails is left PENDING with the error.
 */
import { performance } from 'node:perf_hooks';
import { runCpuBench } from '../../bench/cpu.ts';
import { runCryptoBench } from '../../bench/crypto.ts';
import { runHandshakeBench } from '../../bench/handshake.ts';
import { runLatencyBench } from '../../bench/latency.ts';
import { measureMessageOverhead } from '../../bench/message-overhead.ts';
import { runThroughputBench } from '../../bench/throughput.ts';
import { decideD2, decideP1, decideP5, decideP6, decideP7, decideP8 } from './bench-claims.ts';
import { handshakeSizes } from './codec-claims.ts';
import type { ClaimResult } from './verdict.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The short settings verify runs the benches with. */
const VERIFY_BENCH_SETTINGS = {
  handshake: { protocols: ['asoc-v1', 'asoc-v1/tls', 'grpc-stream', 'grpc-unary', 'jwt-hs256', 'jwt-eddsa', 'jwt-es256'], byteSamples: 3, maxHandshakes: 50, maxSeconds: 1 },
  latency: { protocols: ['raw-tcp', 'asoc-v1', 'grpc-stream', 'grpc-unary'], sizes: [KiB, MiB], modes: ['closed' as const], maxMessages: 2000, maxSeconds: 2, warmupMessages: 20 },
  cpu: { protocols: ['raw-tcp', 'asoc-v1', 'asoc-v1/tls'], maxSeconds: 3 },
  throughput: { protocols: ['asoc-v1', 'grpc-stream'], totalBytes: 128 * MiB, runs: 2, chunkSize: MiB, verify: 'count' as const },
  overhead: [
    { protocols: ['asoc-v1', 'asoc-v1/tls', 'grpc-stream', 'grpc-unary'], messageBytes: KiB, messages: 200 },
    { protocols: ['asoc-v1', 'asoc-v1/tls', 'grpc-stream', 'grpc-unary'], messageBytes: MiB, messages: 20 },
  ],
  crypto: { groups: ['signature' as const, 'd2' as const], timeMs: 200, warmupMs: 50 },
};

export interface BenchClaimsOutcome {
  claims: ClaimResult[];
  /** Each bench's full report, for the verdict report's measurements. */
  reports: Record<string, unknown>;
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

/** Runs one bench, or records its failure so the claims that need it are left PENDING. */
async function attempt<T>(name: string, log: (line: string) => void, run: () => Promise<T>): Promise<T | Error> {
  log(`  ${name} …`);
  try {
    return await run();
  } catch (err) {
    log(`  ${name} failed: ${(err as Error).message}`);
    return err instanceof Error ? err : new Error(String(err));
  }
}

const unwrap = <T>(value: T | Error): T => {
  if (value instanceof Error) throw value;
  return value;
};

export async function decideBenchClaims(log: (line: string) => void = console.log): Promise<BenchClaimsOutcome> {
  const started = performance.now();
  const s = VERIFY_BENCH_SETTINGS;
  const handshake = await attempt('handshake bytes (asoc-v1, asoc-v1/tls, gRPC, JWT)', log, () => runHandshakeBench(s.handshake));
  const overhead = await attempt('bytes per message on TCP (1 KiB and 1 MiB echoes)', log, async () => [await measureMessageOverhead(s.overhead[0]!), await measureMessageOverhead(s.overhead[1]!)]);
  const latency = await attempt('ping-pong latency (raw TCP, asoc-v1, gRPC; 1 KiB and 1 MiB)', log, () => runLatencyBench(s.latency));
  const cpu = await attempt('CPU at 446 MB/s (raw TCP, asoc-v1, asoc-v1/tls)', log, () => runCpuBench(s.cpu));
  const throughput = await attempt('throughput (raw TCP, asoc-v1, grpc-stream)', log, () => runThroughputBench(s.throughput));
  const crypto = await attempt('crypto (Ed25519, BLAKE3, SipHash)', log, () => runCryptoBench(s.crypto));
  const claims = [
    decideOrPending('P1', () => decideP1(handshakeSizes(), unwrap(handshake))),
    decideOrPending('P5', () => decideP5(unwrap(latency))),
    decideOrPending('P6', () => decideP6(unwrap(cpu))),
    decideOrPending('P7', () => decideP7(unwrap(latency), unwrap(throughput), unwrap(overhead))),
    decideOrPending('P8', () => decideP8(unwrap(handshake), unwrap(overhead), unwrap(cpu))),
    decideOrPending('D2', () => decideD2(unwrap(crypto))),
  ];
  // Crypto's every sample (thousands of numbers) stays in bench crypto's own report; its spread is kept.
  const cryptoFigures = crypto instanceof Error ? crypto : { ...crypto, results: crypto.results.map(({ samplesNs: _samples, ...r }) => r) };
  const reports = Object.fromEntries(Object.entries({ handshake, overhead, latency, cpu, throughput, crypto: cryptoFigures }).map(([name, r]) => [name, r instanceof Error ? { error: r.message } : r]));
  return { claims, reports, wallSeconds: (performance.now() - started) / 1000 };
}

/**
 * Crypto and codec microbenchmarks (tinybench): the operations of bench/crypto-operations.ts, each
 * with every implementation that has it. A call too short for the timer runs in a batch sized so
 * one sample lasts at least `minSampleUs`; every figure is per call.
 *
 *   asoc-lab bench crypto [--groups hashing,codec,signature,d2,per-frame] [--time-ms 1000] [--out reports]
 *
 * writes reports/bench-crypto-<ISO time>.json and prints a table.
 */
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { CRYPTO_GROUPS, D2_SIZES, cryptoOperations, d2KeyedBlake3Name, d2SipName, type CryptoGroup, type CryptoOperation } from './crypto-operations.ts';
import type { CryptoReport, CryptoResult } from './crypto-schema.ts';
import { machineInfo } from './machine.ts';
import { progressBar, showsProgress } from './progress.ts';
import { spread } from './stats.ts';

export interface CryptoBenchOptions {
  groups?: CryptoGroup[];
  /** Time budget per operation in ms (tinybench `time`). Default 1000. */
  timeMs?: number;
  /** Warm-up budget per operation in ms. Default 250. */
  warmupMs?: number;
  /** Fewest samples per operation, whatever the time budget. Default 10. */
  minSamples?: number;
  /** Shortest sample: calls are batched until one batch lasts this long. Default 1000 µs (keeps the report to about 1,000 samples per operation-second). */
  minSampleUs?: number;
}

export const CRYPTO_DEFAULTS: Required<CryptoBenchOptions> = { groups: [...CRYPTO_GROUPS], timeMs: 1000, warmupMs: 250, minSamples: 10, minSampleUs: 1000 };
const MAX_BATCH = 1 << 16;

const NOTES = [
  'node:crypto has no BLAKE3 (its hashes: crypto.getHashes()); BLAKE3 is timed with @noble/hashes only.',
  'SipHash-2-4 (the `siphash` package) and keyed BLAKE3 (@noble/hashes) are both pure JavaScript: their ratio is not D2\'s native "3–5×".',
  'per-frame: HMAC-SHA256 over header+payload; AES-256-GCM tag = header+payload as AAD, empty plaintext (integrity only); seal = payload encrypted, header as AAD. ASoc v1 adds only the header encode per frame.',
  'ed25519: the same 32-byte seed and 64-byte message on both implementations (their signatures are checked equal first).',
];

/** Doubles the batch until one batch of calls lasts at least `minUs` (or MAX_BATCH is reached). */
function batchFor(run: () => unknown, minUs: number): number {
  for (let batch = 1; ; batch *= 2) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) run();
    if ((performance.now() - start) * 1000 >= minUs || batch >= MAX_BATCH) return batch;
  }
}

function taskName(op: CryptoOperation): string {
  return `${op.name} [${op.implementation}]`;
}

export async function runCryptoBench(options: CryptoBenchOptions = {}): Promise<CryptoReport> {
  const config = { ...CRYPTO_DEFAULTS, ...options };
  const operations = cryptoOperations(config.groups);
  const bench = new Bench({ time: config.timeMs, warmupTime: config.warmupMs, iterations: config.minSamples, retainSamples: true, throws: true });
  const batches = new Map<string, number>();
  for (const op of operations) {
    const batch = batchFor(op.run, config.minSampleUs);
    batches.set(taskName(op), batch);
    bench.add(taskName(op), () => {
      for (let i = 0; i < batch; i++) op.run();
    });
  }
  const bar = showsProgress() ? progressBar() : undefined;
  let done = 0;
  bench.addEventListener('cycle', (event) => bar?.update(++done, operations.length, event.task?.name ?? ''));
  try {
    await bench.run();
  } finally {
    bar?.stop();
  }
  const results = operations.map((op) => resultOf(op, bench, batches.get(taskName(op)) ?? 1));
  return {
    kind: 'crypto',
    date: new Date().toISOString(),
    machine: machineInfo(),
    config: { groups: config.groups, timeMs: config.timeMs, warmupMs: config.warmupMs, minSamples: config.minSamples, minSampleUs: config.minSampleUs },
    notes: NOTES,
    results,
    comparisons: comparisons(results),
    chosenDefault: chosenDefault(results),
    d2: d2Summary(results),
  };
}

function resultOf(op: CryptoOperation, bench: Bench, batch: number): CryptoResult {
  const result = bench.getTask(taskName(op))?.result;
  if (result?.state !== 'completed') throw new Error(`benchmark task "${taskName(op)}" did not complete (${result?.state})`);
  // tinybench's latency samples are milliseconds per batch; the report keeps nanoseconds per call.
  const samplesNs = (result.latency.samples ?? []).map((ms) => Math.max((ms * 1e6) / batch, 0.01));
  if (samplesNs.length === 0) throw new Error(`benchmark task "${taskName(op)}" kept no samples`);
  const nsPerCall = spread(samplesNs);
  return {
    group: op.group,
    name: op.name,
    implementation: op.implementation,
    inputBytes: op.inputBytes,
    batch,
    samplesNs: samplesNs.map((ns) => Math.round(ns * 100) / 100),
    nsPerCall,
    opsPerSec: 1e9 / nsPerCall.median,
    MBps: (op.inputBytes * 1e3) / nsPerCall.median,
    rme: Number.isFinite(result.latency.rme) ? result.latency.rme : 0,
  };
}

function comparisons(results: CryptoResult[]): CryptoReport['comparisons'] {
  const names = [...new Set(results.map((r) => r.name))];
  return names.flatMap((name) => {
    const rows = results.filter((r) => r.name === name).sort((a, b) => b.opsPerSec - a.opsPerSec);
    const [first] = rows;
    const last = rows[rows.length - 1];
    if (rows.length < 2 || !first || !last) return [];
    return [
      {
        name,
        inputBytes: first.inputBytes,
        fastest: first.implementation,
        speedup: first.opsPerSec / last.opsPerSec,
        opsPerSec: Object.fromEntries(rows.map((r) => [r.implementation, r.opsPerSec])),
      },
    ];
  });
}

/** The backend with the higher geometric mean of ops/s over the hashing group: DEFAULT_BACKEND's evidence. */
function chosenDefault(results: CryptoResult[]): CryptoReport['chosenDefault'] {
  const score = (backend: 'node' | 'noble'): number => {
    const mine = results.filter((r) => r.group === 'hashing' && r.implementation === backend);
    return mine.length === 0 ? Number.NaN : mine.reduce((sum, r) => sum + Math.log(r.opsPerSec), 0) / mine.length;
  };
  const node = score('node');
  const noble = score('noble');
  if (Number.isNaN(node) || Number.isNaN(noble)) return null;
  return node >= noble ? 'node' : 'noble';
}

function d2Summary(results: CryptoResult[]): CryptoReport['d2'] {
  const find = (name: string) => results.find((r) => r.group === 'd2' && r.name === name);
  const ratios = D2_SIZES.flatMap((inputBytes) => {
    const sip = find(d2SipName(inputBytes));
    const blake = find(d2KeyedBlake3Name(inputBytes));
    return sip && blake ? [{ inputBytes, ratio: sip.opsPerSec / blake.opsPerSec }] : [];
  });
  if (ratios.length === 0) return null;
  const blake3MBps = results.filter((r) => r.group === 'd2' && r.name.startsWith('blake3 ')).map((r) => ({ inputBytes: r.inputBytes, MBps: r.MBps }));
  return { siphashOverKeyedBlake3: ratios, blake3MBps };
}

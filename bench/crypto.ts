/**
 * Microbenchmark of the hashing ASoc does, on both crypto backends (node:crypto and @noble/hashes):
 * truncated HMAC-SHA256 over the exact inputs the protocol signs (HELLO 20 B, discovery 34 B,
 * ACCEPT token 8 B) and SHA-256 of 1 KiB and 1 MiB. Small operations run in batches per sample so
 * the timer's own cost does not swamp them; ops/s are per call.
 *
 * `tsx bench/crypto.ts` writes reports/bench-crypto-<timestamp>.json and prints a table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { BACKENDS, type BackendName, type CryptoBackend } from '../src/crypto/backend.ts';
import { truncatedHmac } from '../src/crypto/mac.ts';
import { ACCEPT_SIG_SIZE, TOKEN_SIZE } from '../src/wire/accept.ts';
import { COMMUNITY_HASH_SIZE, DISCOVERY_SIG_SIZE, encodeDiscoverySigned } from '../src/wire/discovery.ts';
import { HELLO_SIG_SIZE, NODE_ID_SIZE, helloSignedBytes } from '../src/wire/hello.ts';

export interface CryptoBenchOptions {
  /** Time budget per task in ms (tinybench `time`). Default 1000. */
  timeMs?: number;
  /** Warm-up budget per task in ms (tinybench `warmupTime`). Default 250. */
  warmupMs?: number;
  /** Backends to time. Default: all. */
  backends?: BackendName[];
}

export interface CryptoBenchEntry {
  name: string;
  backend: BackendName;
  inputBytes: number;
  /** Calls per tinybench sample. */
  batch: number;
  opsPerSec: { median: number; mean: number };
  samples: number;
  /** Relative margin of error of the throughput, in percent. */
  rme: number;
}

export interface CryptoBenchResult {
  date: string;
  machine: { cpuModel: string; cpuCount: number; nodeVersion: string; platform: string; arch: string };
  settings: { timeMs: number; warmupMs: number };
  results: CryptoBenchEntry[];
  /** Per operation, the backend with the higher median ops/s and by what factor. */
  fastestBackend: Record<string, { backend: BackendName; speedup: number }>;
  /** The backend with the highest geometric mean of median ops/s over all operations. */
  chosenDefault: BackendName;
}

interface Operation {
  name: string;
  input: Uint8Array;
  batch: number;
  run(backend: CryptoBackend, input: Uint8Array): Uint8Array;
}

const KEY = new TextEncoder().encode('benchmark-key');
const NODE_ID = Uint8Array.from({ length: NODE_ID_SIZE }, (_, i) => 0xa0 + i);
const hmacTruncatedTo =
  (length: number) =>
  (backend: CryptoBackend, input: Uint8Array): Uint8Array =>
    truncatedHmac(backend, KEY, input, length);
const sha256 = (backend: CryptoBackend, input: Uint8Array): Uint8Array => backend.sha256(input);

const OPERATIONS: Operation[] = [
  { name: 'hmac-sha256/16 HELLO', input: helloSignedBytes(NODE_ID, 0x12345678), batch: 64, run: hmacTruncatedTo(HELLO_SIG_SIZE) },
  {
    name: 'hmac-sha256/16 discovery',
    input: encodeDiscoverySigned({
      communityHash: new Uint8Array(COMMUNITY_HASH_SIZE).fill(0xc0),
      nodeId: NODE_ID,
      tcpPort: 9000,
      timestamp: 1_700_000_000,
      challenge: 0x12345678,
    }),
    batch: 64,
    run: hmacTruncatedTo(DISCOVERY_SIG_SIZE),
  },
  { name: 'hmac-sha256/8 ACCEPT', input: new Uint8Array(TOKEN_SIZE).fill(0x5a), batch: 64, run: hmacTruncatedTo(ACCEPT_SIG_SIZE) },
  { name: 'sha256 1 KiB', input: new Uint8Array(1024).fill(0x61), batch: 16, run: sha256 },
  { name: 'sha256 1 MiB', input: new Uint8Array(1024 * 1024).fill(0x61), batch: 1, run: sha256 },
];

export async function runCryptoBench(opts: CryptoBenchOptions = {}): Promise<CryptoBenchResult> {
  const settings = { timeMs: opts.timeMs ?? 1000, warmupMs: opts.warmupMs ?? 250 };
  const backends = (opts.backends ?? (Object.keys(BACKENDS) as BackendName[])).map((name) => BACKENDS[name]);
  const bench = new Bench({ time: settings.timeMs, warmupTime: settings.warmupMs, throws: true });
  const planned: Array<{ task: string; op: Operation; backend: CryptoBackend }> = [];
  for (const op of OPERATIONS) {
    for (const backend of backends) {
      const task = `${op.name} [${backend.name}]`;
      bench.add(task, () => {
        let out: Uint8Array | undefined;
        for (let i = 0; i < op.batch; i++) out = op.run(backend, op.input);
        return out;
      });
      planned.push({ task, op, backend });
    }
  }
  await bench.run();

  const results = planned.map(({ task, op, backend }): CryptoBenchEntry => {
    const result = bench.getTask(task)?.result;
    if (result?.state !== 'completed') throw new Error(`benchmark task "${task}" did not complete (${result?.state})`);
    return {
      name: op.name,
      backend: backend.name,
      inputBytes: op.input.length,
      batch: op.batch,
      opsPerSec: { median: result.throughput.p50 * op.batch, mean: result.throughput.mean * op.batch },
      samples: result.throughput.samplesCount,
      rme: result.throughput.rme,
    };
  });
  return {
    date: new Date().toISOString(),
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cpuCount: cpus().length,
      nodeVersion: process.version,
      platform: process.platform,
      arch: process.arch,
    },
    settings,
    results,
    fastestBackend: fastestPerOperation(results),
    chosenDefault: bestOverall(results, backends),
  };
}

function fastestPerOperation(results: CryptoBenchEntry[]): CryptoBenchResult['fastestBackend'] {
  const fastest: CryptoBenchResult['fastestBackend'] = {};
  for (const op of OPERATIONS) {
    const [first, second] = results.filter((r) => r.name === op.name).sort((a, b) => b.opsPerSec.median - a.opsPerSec.median);
    if (first) fastest[op.name] = { backend: first.backend, speedup: second ? first.opsPerSec.median / second.opsPerSec.median : 1 };
  }
  return fastest;
}

function bestOverall(results: CryptoBenchEntry[], backends: CryptoBackend[]): BackendName {
  const score = (backend: BackendName): number => {
    const mine = results.filter((r) => r.backend === backend);
    return mine.reduce((sum, r) => sum + Math.log(r.opsPerSec.median), 0) / mine.length;
  };
  return backends.map((b) => b.name).reduce((best, name) => (score(name) > score(best) ? name : best));
}

/** Prints one row per operation, one column per backend (median ops/s ± rme), and the faster one. */
export function printCryptoSummary(result: CryptoBenchResult): void {
  const backends = [...new Set(result.results.map((r) => r.backend))];
  const ops = [...new Set(result.results.map((r) => r.name))];
  const cell = (r: CryptoBenchEntry | undefined): string =>
    r ? `${Math.round(r.opsPerSec.median).toLocaleString('en-US')} ±${r.rme.toFixed(1)}%` : '-';
  const rows = [
    ['operation', 'input', ...backends.map((b) => `${b} ops/s`), 'faster'],
    ...ops.map((name) => {
      const entries = result.results.filter((r) => r.name === name);
      const fastest = result.fastestBackend[name];
      return [
        name,
        `${entries[0]?.inputBytes ?? 0} B`,
        ...backends.map((b) => cell(entries.find((r) => r.backend === b))),
        fastest ? `${fastest.backend} ×${fastest.speedup.toFixed(2)}` : '-',
      ];
    }),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const m = result.machine;
  console.log(`${m.cpuModel} ×${m.cpuCount}, node ${m.nodeVersion} ${m.platform}/${m.arch}`);
  for (const row of rows) console.log(row.map((text, col) => (col === 0 ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join('  '));
  console.log(`chosen default: ${result.chosenDefault}`);
}

/** Writes the result to reports/bench-crypto-<ISO timestamp, ':' as '-'>.json; returns the path. */
export async function writeCryptoReport(result: CryptoBenchResult): Promise<string> {
  const dir = fileURLToPath(new URL('../reports/', import.meta.url));
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-crypto-${result.date.replace(/:/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runCryptoBench();
  printCryptoSummary(result);
  console.log(`report: ${await writeCryptoReport(result)}`);
}

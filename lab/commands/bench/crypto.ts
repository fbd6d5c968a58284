/** `asoc-lab bench crypto`: its flags and its summary table (the measuring is bench/crypto.ts). */
import { CRYPTO_DEFAULTS, runCryptoBench, type CryptoBenchOptions } from '../../../bench/crypto.ts';
import { CRYPTO_GROUPS, type CryptoGroup } from '../../../bench/crypto-operations.ts';
import type { CryptoReport } from '../../../bench/crypto-schema.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

const formatOps = (ops: number): string => Math.round(ops).toLocaleString('en-US');
const formatTime = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

/** One row per result (grouped), then the comparisons and D2's figures. */
export function printCryptoSummary(report: CryptoReport): void {
  const m = report.machine;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion} ${m.platform}/${m.arch}`);
  const rows = [
    ['group', 'operation', 'impl', 'input', 'median/call', 'ops/s', 'MB/s', 'p10–p90'],
    ...report.results.map((r) => [
      r.group,
      r.name,
      r.implementation,
      `${r.inputBytes} B`,
      formatTime(r.nsPerCall.median),
      formatOps(r.opsPerSec),
      r.MBps.toFixed(1),
      `${formatTime(r.nsPerCall.p10)}–${formatTime(r.nsPerCall.p90)}`,
    ]),
  ];
  printTable(rows, 3);
  console.log('');
  for (const c of report.comparisons) console.log(`${c.name}: ${c.fastest} ×${c.speedup.toFixed(2)} faster`);
  if (report.chosenDefault) console.log(`chosen default backend (hashing group): ${report.chosenDefault}`);
  if (report.d2) {
    const ratios = report.d2.siphashOverKeyedBlake3.map((r) => `${r.inputBytes} B ×${r.ratio.toFixed(2)}`).join(', ');
    console.log(`D2: SipHash-2-4 ÷ keyed BLAKE3 (pure JS, not native): ${ratios}`);
    console.log(`D2: BLAKE3 (noble): ${report.d2.blake3MBps.map((b) => `${b.inputBytes} B at ${b.MBps.toFixed(0)} MB/s`).join(', ')}`);
  }
}

export const cryptoHelp = `Usage: asoc-lab bench crypto [options]

Times hashing, codecs, signatures, D2's hashes and per-frame MAC/AEAD costs (tinybench) and writes
reports/bench-crypto-<time>.json.
  --groups LIST    comma-separated, from: ${CRYPTO_GROUPS.join(', ')} (default: all)
  --time-ms N      time budget per operation in ms (default ${CRYPTO_DEFAULTS.timeMs})
  --warmup-ms N    warm-up budget per operation in ms (default ${CRYPTO_DEFAULTS.warmupMs})
  --out DIR        report directory (default reports)`;

export interface CryptoCliOptions extends CryptoBenchOptions {
  out?: string;
}

/** The flags of `asoc-lab bench crypto`; undefined when --help was printed. */
export function parseCryptoArgs(argv: string[]): CryptoCliOptions | undefined {
  const { values } = parseFlags(
    argv,
    { groups: { type: 'string' }, 'time-ms': { type: 'string' }, 'warmup-ms': { type: 'string' }, out: { type: 'string' } },
  );
  if (values.help) {
    console.log(cryptoHelp);
    return undefined;
  }
  const groups = values.groups?.split(',').map((g) => g.trim());
  const unknown = groups?.filter((g) => !(CRYPTO_GROUPS as readonly string[]).includes(g)) ?? [];
  if (unknown.length > 0 || groups?.length === 0) throw new UsageError(`--groups: unknown group "${unknown.join(', ')}" (expected: ${CRYPTO_GROUPS.join(', ')})`);
  return {
    ...(groups ? { groups: groups as CryptoGroup[] } : {}),
    timeMs: integerFlag('time-ms', values['time-ms'], CRYPTO_DEFAULTS.timeMs, 1),
    warmupMs: integerFlag('warmup-ms', values['warmup-ms'], CRYPTO_DEFAULTS.warmupMs, 0),
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runCryptoCli = benchCli({ name: 'crypto', parse: parseCryptoArgs, run: runCryptoBench, print: printCryptoSummary });

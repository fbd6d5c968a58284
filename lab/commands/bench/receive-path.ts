/** `asoc-lab bench receive-path`: its flags and its table (the measuring is bench/receive-path.ts). */
import { RECEIVE_PATH_DEFAULTS, runReceivePathBench, type ReadVariant, type ReceivePathOptions, type ReceivePathReport } from '../../../bench/receive-path.ts';
import { formatBytes } from '../../../bench/units.ts';
import { integerFlag, parseFlags } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

const help = `Usage: asoc-lab bench receive-path [options]

What the receiver's read path does to a pinned loopback transfer, with no protocol on top: a
sending child on one CPU writes the same bytes to this process on the other, which reads them by
node:net's 'data' events (a new 64 KiB buffer per read) or into one reused buffer of each given
size (the socket's onread option). Variants alternate run by run; each run's mode (which CPU was
the busier: docs/benchmarking.md) is printed with its MB/s. Writes reports/bench-receive-path-<time>.json.
  --bytes SIZE     bytes per run (default ${formatBytes(RECEIVE_PATH_DEFAULTS.totalBytes)})
  --runs N         runs per variant, 1…1000 (default ${RECEIVE_PATH_DEFAULTS.runs})
  --reads LIST     variants: data-events and/or buffer sizes, e.g. data-events,64KiB,1MiB
                   (default data-events,64KiB,256KiB,1MiB)
  --timeout S      a run taking longer fails the bench (default ${RECEIVE_PATH_DEFAULTS.runTimeoutMs / 1000})
  --out DIR        report directory (default reports)`;

export function parseReceivePathArgs(argv: string[]): (ReceivePathOptions & { out?: string }) | undefined {
  const { values } = parseFlags(argv, { bytes: { type: 'string' }, runs: { type: 'string' }, reads: { type: 'string' }, timeout: { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return {
    totalBytes: integerFlag('bytes', values.bytes, RECEIVE_PATH_DEFAULTS.totalBytes, 1),
    runs: integerFlag('runs', values.runs, RECEIVE_PATH_DEFAULTS.runs, 1, 1000),
    variants: values.reads === undefined ? RECEIVE_PATH_DEFAULTS.variants : values.reads.split(',').map(readVariant),
    runTimeoutMs: integerFlag('timeout', values.timeout, RECEIVE_PATH_DEFAULTS.runTimeoutMs / 1000, 1, 3600) * 1000,
    ...(values.out ? { out: values.out } : {}),
  };
}

function readVariant(text: string): ReadVariant {
  if (text.trim() === 'data-events') return 'data-events';
  return integerFlag('reads', text, 0, 1024, 64 * 1024 * 1024);
}

export function printReceivePathSummary(report: ReceivePathReport): void {
  const m = report.machine;
  const pinning = report.config.pinning;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion}; ${formatBytes(report.config.totalBytes)} per run, ${pinning ? `sender on CPU ${pinning.sender}, receiver on CPU ${pinning.receiver}` : 'not pinned'} (MB = 10^6 bytes)`);
  printTable([
    ['read path', 'runs', 'median MB/s', 'min', 'max', 'spread', 'bytes/read', 'modes'],
    ...Object.entries(report.summary).map(([variant, s]) => {
      const mine = report.runs.filter((r) => r.variant === variant);
      const perRead = mine.reduce((sum, r) => sum + r.bytesPerRead, 0) / mine.length;
      const modes = Object.entries(s.modes).map(([mode, n]) => `${mode} ${n}`).join(', ');
      return [variant, String(mine.length), s.MBps.median.toFixed(0), s.MBps.min.toFixed(0), s.MBps.max.toFixed(0), `${(s.relativeSpread * 100).toFixed(0)}%`, formatBytes(Math.round(perRead)), modes];
    }),
  ]);
}

export const runReceivePathCli = benchCli({ name: 'receive-path', parse: parseReceivePathArgs, run: runReceivePathBench, print: printReceivePathSummary });

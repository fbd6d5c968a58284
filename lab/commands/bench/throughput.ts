/** `asoc-lab bench throughput`: its flags, progress lines and summary (the measuring is bench/throughput.ts). */
import { runThroughputBench, THROUGHPUT_DEFAULTS, type ThroughputOptions, type ThroughputProgress } from '../../../bench/throughput.ts';
import { directionSchema, verifyModeSchema, type Interval, type ThroughputReport } from '../../../bench/throughput-schema.ts';
import { progressBar, showsProgress } from '../../../bench/progress.ts';
import { formatBytes } from '../../../bench/units.ts';
import { BASELINE_NAMES } from '../../../src/baselines/index.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

const HELP = `Usage: asoc-lab bench throughput [options]

Delivered throughput of every baseline against raw TCP over loopback (127.0.0.1), in the same run,
like iperf3. Servers run in a child process, clients in this one; each run connects fresh sessions
before the clock starts and is timed until the last transfer is delivered: the receiver has every
byte and, with --verify sha256, their SHA-256 matches what was sent. Runs alternate between
protocols; three warm-up rounds come first and are discarded. MB/s uses MB = 10^6 bytes.
Targets (medians of per-round ratios): asoc-v1 >= 90% of raw-tcp; asoc-v1 >= 3x grpc-stream;
asoc-hardened >= 75% of asoc-v1.

  --protocols LIST     comma-separated baselines (raw-tcp is always added):
                       ${BASELINE_NAMES.join(', ')}
                       (default asoc-v1)
  --bytes SIZE         bytes per way per run, split across the sessions (default 1GiB;
                       KiB/MiB/GiB are powers of 1024, kB/MB/GB powers of 1000)
  --duration SECONDS   instead of --bytes: every session sends for this long
  --chunk SIZE         bytes per write/message/frame/request, 1KiB…4MiB (default 1MiB)
  --parallel N         sessions (TCP connections) per run, all sending at once (default 1)
  --reverse            the server sends, the client receives (iperf3 -R)
  --bidir              both send at once; MB/s counts both ways
  --runs N             measured runs per protocol, after the warm-up (default 5)
  --verify MODE        sha256: receivers hash every byte and compare (default); count: they only
                       count them (SHA-256 may cap every protocol at the hash's speed)
  --interval SECONDS   delivered-bytes sample interval (default 1)
  --intervals          print every interval as it ends (iperf3 style; hides the progress bar)
  --timeout SECONDS    per-run limit; past it the server process is killed and the bench fails (default 120)
  --no-pin             let the scheduler place the two processes; by default (Linux with taskset,
                       2+ CPUs) each gets its own CPU, because unpinned, loopback throughput flips
                       between two modes ~2.5x apart
  --out DIR            where the JSON report goes (default reports)
  -h, --help           this text

Writes DIR/bench-throughput-<ISO time>.json (config, machine, every run with its intervals,
medians, spread, ratios to raw TCP, targets) and prints a summary. A progress bar is shown on a
terminal (stderr), never when stderr is not a TTY or CI is set.`;

export interface ThroughputCliOptions extends ThroughputOptions {
  out: string;
}

/** The bench's flags; undefined when --help was asked for (and printed). Throws UsageError. */
export function parseThroughputArgs(argv: string[]): ThroughputCliOptions | undefined {
  const { values } = parseFlags(
    argv,
    {
      protocols: { type: 'string' },
      bytes: { type: 'string' },
      duration: { type: 'string' },
      chunk: { type: 'string' },
      parallel: { type: 'string' },
      reverse: { type: 'boolean' },
      bidir: { type: 'boolean' },
      runs: { type: 'string' },
      verify: { type: 'string' },
      interval: { type: 'string' },
      intervals: { type: 'boolean' },
      timeout: { type: 'string' },
      'no-pin': { type: 'boolean' },
      out: { type: 'string' },
    },
  );
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  if (values.reverse && values.bidir) throw new UsageError('--reverse and --bidir exclude each other');
  if (values.bytes !== undefined && values.duration !== undefined) throw new UsageError('--bytes and --duration exclude each other');
  const protocols = values.protocols?.split(',').map((p) => p.trim()) ?? THROUGHPUT_DEFAULTS.protocols;
  for (const p of protocols) if (!BASELINE_NAMES.includes(p)) throw new UsageError(`--protocols: "${p}" is not one of ${BASELINE_NAMES.join(', ')}`);
  const options: ThroughputCliOptions = {
    protocols,
    direction: directionSchema.parse(values.reverse ? 'reverse' : values.bidir ? 'bidir' : 'forward'),
    parallel: integerFlag('parallel', values.parallel, THROUGHPUT_DEFAULTS.parallel, 1),
    chunkSize: integerFlag('chunk', values.chunk, THROUGHPUT_DEFAULTS.chunkSize, 1),
    runs: integerFlag('runs', values.runs, THROUGHPUT_DEFAULTS.runs, 1),
    verify: enumFlag('verify', values.verify ?? THROUGHPUT_DEFAULTS.verify, verifyModeSchema.options),
    intervalMs: Math.round(1000 * secondsFlag('interval', values.interval, THROUGHPUT_DEFAULTS.intervalMs / 1000)),
    runTimeoutMs: 1000 * integerFlag('timeout', values.timeout, THROUGHPUT_DEFAULTS.runTimeoutMs / 1000, 1),
    pin: !values['no-pin'],
    out: values.out ?? 'reports',
    onProgress: values.intervals ? printIntervals : showsProgress() ? throughputProgressBar() : undefined,
  };
  if (values.duration !== undefined) options.durationMs = Math.round(1000 * secondsFlag('duration', values.duration, 0));
  else options.totalBytes = integerFlag('bytes', values.bytes, THROUGHPUT_DEFAULTS.totalBytes, 1);
  if (options.chunkSize! < 1024 || options.chunkSize! > 4 * 1024 * 1024) throw new UsageError(`--chunk must be 1KiB…4MiB, got ${values.chunk}`);
  return options;
}

function secondsFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.001) throw new UsageError(`--${name} must be a number of seconds ≥ 0.001, got "${value}"`);
  return seconds;
}

function enumFlag<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name}: "${value}" is not one of ${allowed.join(', ')}`);
}

function printIntervals(p: ThroughputProgress): void {
  if (p.phase === 'interval') console.log(formatInterval(`${p.protocol} ${p.warmup ? 'warm-up' : `run ${p.run}`}`, p.interval));
}

function throughputProgressBar(): (progress: ThroughputProgress) => void {
  const bar = progressBar();
  const STEPS = 1000;
  return (p) => {
    if (p.phase === 'finished') return bar.stop();
    if (p.phase !== 'run') return;
    const label = `${p.protocol} ${p.warmup ? 'warm-up' : `run ${p.run}`} (${p.index + 1}/${p.count})`;
    bar.update(Math.round((p.index + p.fraction) * STEPS), p.count * STEPS, label);
  };
}

/** `asoc-lab bench throughput`: summary on stdout, the report written; 1 when a transfer was not intact. */
export const runThroughputCli = benchCli({
  name: 'throughput',
  parse: parseThroughputArgs,
  // A combination the baselines cannot run (reverse on HTTP/1.1, a chunk over gRPC's limit) is the caller's to fix.
  run: (options) => runThroughputBench(options).catch((err: unknown) => Promise.reject(err instanceof RangeError ? new UsageError(err.message) : err)),
  print: printThroughputSummary,
  failed: (report) => report.runs.some((r) => !r.verified),
});

/** One iperf3-style interval line: `[label]  0.00-1.00 s  1.05 GB  1050.3 MB/s`. */
export function formatInterval(label: string, i: Interval): string {
  const bytes = i.forwardBytes + i.reverseBytes;
  return `[${label}]  ${i.from.toFixed(2)}-${i.to.toFixed(2)} s  ${(bytes / 1e9).toFixed(3)} GB  ${i.MBps.toFixed(1)} MB/s`;
}

export function printThroughputSummary(report: ThroughputReport): void {
  const { machine: m, config: c } = report;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion} ${m.platform}/${m.arch}, kernel ${m.kernel}`);
  const placement = c.pinning ? `client on CPU ${c.pinning.client}, server on CPU ${c.pinning.server}` : 'not pinned';
  const amount = c.totalBytes !== null ? `${formatBytes(c.totalBytes)} per way per run` : `${c.durationMs! / 1000} s per run`;
  console.log(
    `loopback, ${c.direction}, ${c.parallel} session(s), ${amount} in ${formatBytes(c.chunkSize)} chunks, verify ${c.verify}, ${placement}, ` +
      `${c.runs} run(s) per protocol after ${c.warmupRuns} warm-up, alternating (MB = 10^6 bytes)`,
  );
  const rows = [
    ['protocol', 'runs', 'median MB/s', 'min', 'max', 'spread', '÷ raw-tcp', 'CPU s/GB client', 'CPU s/GB server', 'setup B c→s/s→c'],
    ...c.protocols.map((p) => {
      const s = report.summary[p]!;
      const setup = s.setupBytes ? `${s.setupBytes.clientToServer}/${s.setupBytes.serverToClient}` : '-';
      return [p, `${s.runs}${s.disturbedRuns > 0 ? ` (+${s.disturbedRuns} disturbed)` : ''}`, s.medianMBps.toFixed(1), s.minMBps.toFixed(1), s.maxMBps.toFixed(1), `${(100 * s.spread).toFixed(0)}%`, s.ratioToRawTcp?.toFixed(3) ?? '-', s.cpuSecondsPerGB.client.toFixed(3), s.cpuSecondsPerGB.server.toFixed(3), setup];
    }),
  ];
  printTable(rows);
  printModes(report);
  for (const r of report.runs.filter((run) => !run.verified)) {
    const bad = r.transfers.filter((t) => !t.verified).map((t) => `${t.way} ${t.bytes} B`);
    console.log(`NOT VERIFIED: ${r.protocol} ${r.warmup ? 'warm-up' : `run ${r.run}`}: ${bad.join(', ')} (length or SHA-256 differs from what was sent)`);
  }
  for (const t of report.targets.filter((target) => target.ratio !== null)) {
    console.log(`target ${t.name}: ratio ${t.ratio!.toFixed(3)} (median of per-round ratios): ${t.met ? 'met' : 'NOT met'}`);
  }
}

/** Each protocol's runs by mode (bench/throughput-modes.ts), when the runs were not all of one. */
function printModes(report: ThroughputReport): void {
  const protocols = report.config.protocols.filter((p) => Object.keys(report.summary[p]!.modes).length > 1);
  if (protocols.length === 0) return;
  console.log('runs by mode (which CPU was the busier; docs/benchmarking.md):');
  printTable([
    ['protocol', 'mode', 'runs', 'median MB/s', 'spread'],
    ...protocols.flatMap((p) => Object.entries(report.summary[p]!.modes).map(([mode, m]) => [p, mode, String(m.runs), m.medianMBps.toFixed(1), `${(100 * m.spread).toFixed(0)}%`])),
  ]);
}

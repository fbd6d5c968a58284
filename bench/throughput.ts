/**
 * Loopback throughput: ASoc v1 against raw node:net in the same run, between two processes.
 *
 * The receiver is a child process (bench/throughput-receiver.ts) listening on 127.0.0.1; this
 * process sends. A run is timed from the sender's first byte until the receiver's IPC message that
 * it has every byte and (verify = sha256) that their SHA-256 matches the one announced before the
 * clock started: delivery, not submission. Both protocols do the same receiving work, so their
 * ratio is fair. Runs alternate between protocols (A B A B …) so machine drift hits both; one
 * warm-up run per protocol comes first and is discarded. Where it can (Linux, taskset, 2+ CPUs),
 * the sender and the receiver are pinned to two different CPUs. MB/s uses MB = 10^6 bytes.
 *
 *   npx tsx bench/throughput.ts [--bytes 1GiB] [--chunk 1MiB] [--runs 5] [--verify sha256|count] [--out reports]
 *
 * writes reports/bench-throughput-<ISO time>.json and prints a summary table.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { integerFlag, parseFlags, UsageError } from '../src/commands/common.ts';
import { choosePinning, pinSelf } from './cpu-pinning.ts';
import { DeadlineError, withDeadline } from './deadline.ts';
import { progressBar, showsProgress } from './progress.ts';
import { ReceiverProcess } from './receiver-process.ts';
import { ChunkPattern } from './throughput-data.ts';
import { buildReport, printThroughputSummary, writeThroughputReport } from './throughput-report.ts';
import { PROTOCOLS, protocolSchema, verifyModeSchema, type Protocol, type ThroughputReport, type ThroughputRun, type VerifyMode } from './throughput-schema.ts';
import { connectSender, type Secrets } from './throughput-senders.ts';

export { printThroughputSummary, writeThroughputReport };

export interface ThroughputOptions {
  /** Bytes per run. Default 1 GiB. */
  totalBytes?: number;
  /** Bytes per sender write / `send` chunk. Default 1 MiB (ASoc DATA frames carry at most 1 MiB). */
  chunkSize?: number;
  /** Measured runs per protocol, after one discarded warm-up run each. Default 5. */
  runs?: number;
  /** Default both, in this order: ['raw-tcp', 'asoc-v1']. */
  protocols?: Protocol[];
  /** What the receiver checks: SHA-256 of the stream (default) or only its length. */
  verify?: VerifyMode;
  /** A run not delivered within this fails the bench and kills the receiver. Default 120 s. */
  runTimeoutMs?: number;
  /** Sender and receiver on two different CPUs, where possible (Linux with taskset). Default true. */
  pin?: boolean;
  onProgress?: (progress: ThroughputProgress) => void;
}

export type ThroughputProgress =
  | {
      phase: 'run';
      protocol: Protocol;
      /** 0 = warm-up. */
      run: number;
      warmup: boolean;
      /** Position of this run among all `count` runs, warm-ups included (0-based). */
      index: number;
      count: number;
      /** Bytes the sender has handed over so far in this run (not delivered: progress only). */
      bytesSent: number;
      totalBytes: number;
    }
  | { phase: 'finished' };

export const THROUGHPUT_DEFAULTS: Readonly<Required<Omit<ThroughputOptions, 'onProgress'>>> = {
  totalBytes: 1024 ** 3,
  chunkSize: 1024 ** 2,
  runs: 5,
  protocols: [...PROTOCOLS],
  verify: 'sha256',
  runTimeoutMs: 120_000,
  pin: true,
};

type Config = ThroughputReport['config'];

const WARMUP_RUNS = 1;
const RECEIVER_START_TIMEOUT_MS = 30_000;
const PROGRESS_INTERVAL_MS = 200;

export async function runThroughputBench(options: ThroughputOptions = {}): Promise<ThroughputReport> {
  const config = resolveConfig(options);
  const pattern = new ChunkPattern(config.totalBytes, config.chunkSize);
  const expectedSha256 = config.verify === 'sha256' ? pattern.sha256() : null;
  const secrets: Secrets = { community: 'asoc-lab-bench', apiKey: randomBytes(32).toString('hex') };
  const { pinning } = config;
  const unpin = pinning ? pinSelf(pinning.sender) : () => {};
  const receiverConfig = { type: 'configure', protocols: config.protocols, totalBytes: config.totalBytes, verify: config.verify, expectedSha256, ...secrets } as const;
  const receiver = new ReceiverProcess(receiverConfig, pinning?.receiver ?? null);
  const sent = { bytes: 0 };
  let current: Extract<ThroughputProgress, { phase: 'run' }> | null = null;
  const ticker = options.onProgress && setInterval(() => current && options.onProgress!({ ...current, bytesSent: sent.bytes }), PROGRESS_INTERVAL_MS);
  try {
    const startMessage = `the receiver did not start listening within ${RECEIVER_START_TIMEOUT_MS / 1000} s`;
    const ports = await withDeadline(receiver.listening(), RECEIVER_START_TIMEOUT_MS, startMessage, () => receiver.kill());
    const plan = schedule(config);
    const runs: ThroughputRun[] = [];
    for (const [index, { protocol, run }] of plan.entries()) {
      const warmup = run === 0;
      sent.bytes = 0;
      current = { phase: 'run', protocol, run, warmup, index, count: plan.length, bytesSent: 0, totalBytes: config.totalBytes };
      const transfer = await withDeadline(
        timedTransfer(protocol, ports[protocol]!, receiver, pattern.chunks(), secrets, sent),
        config.runTimeoutMs,
        `${protocol} ${warmup ? 'warm-up run' : `run ${run}`}: not delivered within ${config.runTimeoutMs / 1000} s; receiver killed`,
        () => receiver.kill(),
      );
      runs.push({ protocol, run, warmup, ...transfer, MBps: transfer.bytes / transfer.seconds / 1e6 });
    }
    return buildReport(config, runs);
  } finally {
    clearInterval(ticker);
    receiver.close();
    unpin();
    options.onProgress?.({ phase: 'finished' });
  }
}

function resolveConfig(options: ThroughputOptions): Config {
  const { onProgress: _, ...given } = options;
  const config = { ...THROUGHPUT_DEFAULTS, ...given };
  for (const key of ['totalBytes', 'chunkSize', 'runs', 'runTimeoutMs'] as const) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.protocols.length === 0) throw new RangeError('protocols must name at least one protocol');
  return {
    totalBytes: config.totalBytes,
    chunkSize: config.chunkSize,
    runs: config.runs,
    warmupRuns: WARMUP_RUNS,
    protocols: [...new Set(config.protocols)],
    verify: config.verify,
    runTimeoutMs: config.runTimeoutMs,
    pinning: config.pin ? choosePinning() : null,
    transport: 'TCP over 127.0.0.1; receiver in a child process, sender in this one',
    order: 'one warm-up run per protocol (discarded), then protocols alternate run by run',
  };
}

/** Warm-ups first (run 0), then round r runs every protocol once (run r): A B A B … */
function schedule(config: Config): Array<{ protocol: Protocol; run: number }> {
  const rounds = Array.from({ length: WARMUP_RUNS + config.runs }, (_, round) => round);
  return rounds.flatMap((run) => config.protocols.map((protocol) => ({ protocol, run })));
}

/** One transfer on a fresh connection (connected before the clock starts), timed to the receiver's verdict. */
async function timedTransfer(
  protocol: Protocol,
  port: number,
  receiver: ReceiverProcess,
  chunks: Iterable<Uint8Array>,
  secrets: Secrets,
  sent: { bytes: number },
): Promise<Omit<ThroughputRun, 'protocol' | 'run' | 'warmup' | 'MBps'>> {
  const sender = await connectSender(protocol, port, secrets);
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const delivered = receiver.delivery().then((d) => ({ ...d, at: performance.now(), cpu: process.cpuUsage(cpu) }));
    const [, delivery] = await Promise.all([sender.send(counted(chunks, sent)), delivered]);
    if (delivery.protocol !== protocol) throw new Error(`the receiver reported a ${delivery.protocol} transfer during a ${protocol} run`);
    return {
      bytes: delivery.bytes,
      seconds: (delivery.at - started) / 1000,
      verified: delivery.verified,
      cpuSeconds: { sender: (delivery.cpu.user + delivery.cpu.system) / 1e6, receiver: delivery.cpuSeconds },
    };
  } finally {
    await sender.close();
  }
}

function* counted(chunks: Iterable<Uint8Array>, sent: { bytes: number }): Generator<Uint8Array> {
  for (const chunk of chunks) {
    sent.bytes += chunk.length;
    yield chunk;
  }
}

// ---- command line ----------------------------------------------------------------------------

const HELP = `Usage: npx tsx bench/throughput.ts [options]    (or: asoc-lab bench throughput [options])

Delivered throughput of ASoc v1 against raw node:net over loopback (127.0.0.1), in the same run.
The receiver is a child process; each run is timed from the sender's first byte until the receiver
reports over IPC that it has every byte (and, with --verify sha256, that their SHA-256 matches).
Each run uses a fresh connection, made before the clock starts. Runs alternate between protocols;
one warm-up run per protocol comes first and is discarded. MB/s uses MB = 10^6 bytes.
Target: asoc-v1 >= 90% of raw-tcp (median of per-run ratios).

  --bytes SIZE         bytes per run (default 1GiB; k/M/G units are binary: 64MiB, 1G)
  --chunk SIZE         bytes per sender write (default 1MiB; ASoc frames carry at most 1 MiB)
  --runs N             measured runs per protocol, after the warm-up (default 5)
  --verify MODE        sha256: the receiver hashes every byte and compares (default);
                       count: it only counts them. Where SHA-256 is slower than the loopback it
                       bounds both protocols alike; count then shows what the protocol itself costs
  --protocols LIST     comma-separated, from raw-tcp,asoc-v1 (default both)
  --timeout SECONDS    per-run limit; past it the receiver is killed and the bench fails (default 120)
  --no-pin             let the scheduler place sender and receiver; by default (Linux with taskset,
                       2+ CPUs) the sender is pinned to one CPU and the receiver to another, because
                       unpinned, loopback throughput flips between two modes ~2.5x apart
  --out DIR            where the JSON report goes (default reports)
  -h, --help           this text

Writes DIR/bench-throughput-<ISO time>.json and prints a summary. A progress bar is shown on a
terminal (stderr), never when stderr is not a TTY or CI is set.`;

export interface ThroughputCliOptions extends ThroughputOptions {
  out: string;
}

/** The bench's flags; undefined when --help was asked for (and printed). Throws UsageError. */
export function parseThroughputArgs(argv: string[]): ThroughputCliOptions | undefined {
  const { values } = parseFlags(
    argv,
    {
      bytes: { type: 'string' },
      chunk: { type: 'string' },
      runs: { type: 'string' },
      verify: { type: 'string' },
      protocols: { type: 'string' },
      timeout: { type: 'string' },
      'no-pin': { type: 'boolean' },
      out: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  return {
    totalBytes: integerFlag('bytes', values.bytes, THROUGHPUT_DEFAULTS.totalBytes, 1),
    chunkSize: integerFlag('chunk', values.chunk, THROUGHPUT_DEFAULTS.chunkSize, 1),
    runs: integerFlag('runs', values.runs, THROUGHPUT_DEFAULTS.runs, 1),
    verify: enumFlag('verify', values.verify ?? THROUGHPUT_DEFAULTS.verify, verifyModeSchema.options),
    protocols: (values.protocols?.split(',') ?? THROUGHPUT_DEFAULTS.protocols).map((p) => enumFlag('protocols', p.trim(), protocolSchema.options)),
    runTimeoutMs: 1000 * integerFlag('timeout', values.timeout, THROUGHPUT_DEFAULTS.runTimeoutMs / 1000, 1),
    pin: !values['no-pin'],
    out: values.out ?? 'reports',
    onProgress: showsProgress() ? throughputProgressBar() : undefined,
  };
}

function enumFlag<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name}: "${value}" is not one of ${allowed.join(', ')}`);
}

function throughputProgressBar(): (progress: ThroughputProgress) => void {
  const bar = progressBar();
  return (p) => {
    if (p.phase === 'finished') return bar.stop();
    const label = `${p.protocol} ${p.warmup ? 'warm-up' : `run ${p.run}`} (${p.index + 1}/${p.count})`;
    bar.update(p.index * p.totalBytes + p.bytesSent, p.count * p.totalBytes, label);
  };
}

async function main(argv: string[]): Promise<number> {
  try {
    const options = parseThroughputArgs(argv);
    if (!options) return 0;
    const report = await runThroughputBench(options);
    printThroughputSummary(report);
    console.log(`report: ${await writeThroughputReport(report, options.out)}`);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof DeadlineError)) throw err;
    console.error(`bench/throughput.ts: ${err.message}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) process.exitCode = await main(process.argv.slice(2));

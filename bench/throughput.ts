/**
 * Loopback throughput of every baseline (src/baselines) against raw TCP in the same run, between
 * two processes, like iperf3: this process is the client side, a child (bench/throughput-server.ts)
 * runs a sink server per protocol. Per run, `parallel` fresh sessions are connected before the clock
 * starts; then the client sends (forward), the server sends (reverse) or both (bidir), a byte count
 * split across the sessions or for a duration each. A run is timed until its last transfer is
 * delivered: the receiving sink has every byte and (verify = sha256) its SHA-256, which is then
 * checked against the sender's pattern. Interval samples of the delivered bytes are taken during
 * the run. Runs alternate between protocols (A B C A B C …) so machine drift hits all; three
 * warm-up rounds come first and are discarded (a protocol's JIT and heap settle over several).
 * Where it can (Linux, taskset, 2+ CPUs), the two processes are pinned to two different CPUs. The
 * server child runs as a measuring node (bench/measuring-node.ts), and so does this process when
 * the `asoc-lab` command started it. MB/s uses MB = 10^6 bytes.
 *
 *   asoc-lab bench throughput [--protocols asoc-v1,grpc-stream] [--bytes 1GiB | --duration 10] [--chunk 1MiB]
 *                             [--parallel N] [--reverse | --bidir] [--runs 5] [--verify sha256|count] [--out reports]
 *
 * writes reports/bench-throughput-<ISO time>.json and prints a summary table.
 */
import { baselineByName, runSecrets } from '../src/baselines/index.ts';
import type { BaselineSecrets, ClientSession } from '../src/baselines/types.ts';
import { cpuShares, foreignCpus, snapshotCpus } from './cpu-accounting.ts';
import { choosePinning, pinSelf } from './cpu-pinning.ts';
import { withDeadline } from './deadline.ts';
import { processCostSince } from './process-meter.ts';
import { ServerProcess } from './server-process.ts';
import { ChunkPattern } from './throughput-data.ts';
import { checkDeliveries, DeliveryMeter, type Delivery } from './throughput-delivery.ts';
import type { SendPlan } from './throughput-ipc.ts';
import { buildReport } from './throughput-report.ts';
import { classifyRun, isDisturbed } from './throughput-modes.ts';
import { REFERENCE_PROTOCOL, type Direction, type Interval, type ThroughputReport, type ThroughputRun, type VerifyMode, type Way } from './throughput-schema.ts';
import { sendTransfers } from './throughput-send.ts';
import { formatBytes } from './units.ts';

export interface ThroughputOptions {
  /** Baselines to measure; raw-tcp is always added (first). Default: raw-tcp, asoc-v1. */
  protocols?: string[];
  direction?: Direction;
  /** Sessions (TCP connections) per run. Default 1. */
  parallel?: number;
  /** Bytes per way per run, split across the sessions. Default 1 GiB (unless durationMs is given). */
  totalBytes?: number;
  /** Instead of totalBytes: each session sends for this long. */
  durationMs?: number;
  /** Bytes per chunk (one write, message, frame or request). Default 1 MiB. */
  chunkSize?: number;
  /** Measured runs per protocol, after the discarded warm-up rounds. Default 5. */
  runs?: number;
  /** What receivers check: SHA-256 of every transfer (default) or only its length. */
  verify?: VerifyMode;
  /** A run not delivered within this fails the bench and kills the server process. Default 120 s. */
  runTimeoutMs?: number;
  /** Interval between delivered-bytes samples. Default 1 s. */
  intervalMs?: number;
  /** The two processes on two different CPUs, where possible (Linux with taskset). Default true. */
  pin?: boolean;
  onProgress?: (progress: ThroughputProgress) => void;
}

export type ThroughputProgress =
  | {
      phase: 'run';
      protocol: string;
      /** 0 = warm-up. */
      run: number;
      warmup: boolean;
      /** Position of this run among all `count` runs, warm-ups included (0-based). */
      index: number;
      count: number;
      /** How far this run is, 0…1 (bytes handed over by this process, or time, whichever is further). */
      fraction: number;
    }
  | { phase: 'interval'; protocol: string; run: number; warmup: boolean; interval: Interval }
  | { phase: 'finished' };

export const THROUGHPUT_DEFAULTS = {
  protocols: [REFERENCE_PROTOCOL, 'asoc-v1'],
  direction: 'forward' as Direction,
  parallel: 1,
  totalBytes: 1024 ** 3,
  chunkSize: 1024 ** 2,
  runs: 5,
  verify: 'sha256' as VerifyMode,
  runTimeoutMs: 120_000,
  intervalMs: 1_000,
  pin: true,
};

type Config = ThroughputReport['config'];

const WARMUP_RUNS = 3;
const SERVER_START_TIMEOUT_MS = 30_000;

export async function runThroughputBench(options: ThroughputOptions = {}): Promise<ThroughputReport> {
  const config = resolveConfig(options);
  const pattern = new ChunkPattern(config.chunkSize);
  const secrets = runSecrets();
  const { pinning } = config;
  const unpin = pinning ? pinSelf(pinning.client) : () => {};
  const server = new ServerProcess(pinning?.server ?? null);
  try {
    server.send({ type: 'configure', protocols: config.protocols, secrets, verify: config.verify, chunkSize: config.chunkSize, pattern: Buffer.from(pattern.pattern).toString('base64') });
    const message = `the server process did not start listening within ${SERVER_START_TIMEOUT_MS / 1000} s`;
    const { ports } = await withDeadline(server.next('listening'), SERVER_START_TIMEOUT_MS, message, () => server.kill());
    const plan = schedule(config);
    const runs: ThroughputRun[] = [];
    for (const [index, { protocol, run }] of plan.entries()) {
      const warmup = run === 0;
      const progress = (fraction: number) => options.onProgress?.({ phase: 'run', protocol, run, warmup, index, count: plan.length, fraction });
      const onInterval = (interval: Interval) => options.onProgress?.({ phase: 'interval', protocol, run, warmup, interval });
      const name = `${protocol} ${warmup ? 'warm-up run' : `run ${run}`}`;
      const result = await withDeadline(
        timedRun({ config, protocol, port: ports[protocol]!, server, pattern, secrets, progress, onInterval }),
        config.runTimeoutMs,
        `${name}: not delivered within ${config.runTimeoutMs / 1000} s; server process killed`,
        () => server.kill(),
      );
      runs.push({ protocol, run, warmup, ...result });
    }
    return buildReport(config, runs);
  } finally {
    server.close();
    unpin();
    options.onProgress?.({ phase: 'finished' });
  }
}

function resolveConfig(options: ThroughputOptions): Config {
  const { onProgress: _, ...given } = options;
  const byDuration = given.durationMs !== undefined;
  const config = { ...THROUGHPUT_DEFAULTS, ...given };
  for (const key of ['chunkSize', 'runs', 'runTimeoutMs', 'parallel', 'intervalMs'] as const) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (byDuration && given.totalBytes !== undefined) throw new RangeError('give totalBytes or durationMs, not both');
  const limit = byDuration ? config.durationMs! : config.totalBytes;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`${byDuration ? 'durationMs' : 'totalBytes'} must be a positive integer, got ${limit}`);
  if (!byDuration && config.totalBytes < config.parallel) throw new RangeError(`totalBytes (${config.totalBytes}) must give each of the ${config.parallel} sessions at least one byte`);
  const protocols = [...new Set([REFERENCE_PROTOCOL, ...config.protocols])];
  for (const protocol of protocols) {
    const baseline = baselineByName(protocol);
    if (config.direction !== 'forward' && !baseline.serverSends) throw new RangeError(`${protocol}: its server cannot send on its own, so no ${config.direction} runs (${baseline.limitations.join('; ')})`);
    if (baseline.maxChunkBytes !== null && config.chunkSize > baseline.maxChunkBytes) throw new RangeError(`${protocol}: chunks of at most ${formatBytes(baseline.maxChunkBytes)}, asked for ${formatBytes(config.chunkSize)}`);
  }
  return {
    protocols,
    direction: config.direction,
    parallel: config.parallel,
    totalBytes: byDuration ? null : config.totalBytes,
    durationMs: byDuration ? config.durationMs! : null,
    chunkSize: config.chunkSize,
    runs: config.runs,
    warmupRuns: WARMUP_RUNS,
    verify: config.verify,
    runTimeoutMs: config.runTimeoutMs,
    intervalMs: config.intervalMs,
    pinning: config.pin ? renamePinning(choosePinning()) : null,
    transport: 'TCP over 127.0.0.1; servers in a child process, clients in this one',
    order: `${WARMUP_RUNS} warm-up rounds (discarded), then protocols alternate run by run`,
  };
}

function renamePinning(pinning: { sender: number; receiver: number } | null): Config['pinning'] {
  return pinning && { client: pinning.sender, server: pinning.receiver };
}

/** Warm-up rounds first (each run 0), then round r runs every protocol once (run r): A B C A B C … */
function schedule(config: Config): Array<{ protocol: string; run: number }> {
  const rounds = [...Array<number>(WARMUP_RUNS).fill(0), ...Array.from({ length: config.runs }, (_, i) => i + 1)];
  return rounds.flatMap((run) => config.protocols.map((protocol) => ({ protocol, run })));
}

interface RunContext {
  config: Config;
  protocol: string;
  port: number;
  server: ServerProcess;
  pattern: ChunkPattern;
  secrets: BaselineSecrets;
  progress(fraction: number): void;
  onInterval(interval: Interval): void;
}

type RunResult = Omit<ThroughputRun, 'protocol' | 'run' | 'warmup'>;

/** One run on fresh sessions (connected before the clock starts), timed to the last delivery. */
async function timedRun(ctx: RunContext): Promise<RunResult> {
  const { config, server } = ctx;
  const ways: Way[] = config.direction === 'bidir' ? ['forward', 'reverse'] : [config.direction];
  const sendPlan: SendPlan = { totalBytes: config.totalBytes, durationMs: config.durationMs };
  const baseline = baselineByName(ctx.protocol);
  let failure: Error | null = null;
  const local = new DeliveryMeter(config.verify);
  const sessions: ClientSession[] = [];
  try {
    for (let i = 0; i < config.parallel; i++) {
      sessions.push(await baseline.connect(ctx.port, { role: 'sink', secrets: ctx.secrets, sink: local.sink, onError: (err) => (failure ??= err) }));
    }
    await server.ask({ type: 'begin', protocol: ctx.protocol, parallel: config.parallel, send: ways.includes('reverse') ? sendPlan : null }, 'ready');

    const cpusAtStart = snapshotCpus();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const clientMemory = processCostSince();
    const sent = { bytes: 0 };
    server.send({ type: 'go' });
    const forwardSent = ways.includes('forward') ? sendTransfers(sessions, ctx.pattern, sendPlan, sent) : Promise.resolve([]);
    const reverseSent = ways.includes('reverse') ? server.next('sent').then((m) => m.bytes) : Promise.resolve([]);
    const forwardDelivered = ways.includes('forward') ? remoteDeliveries(server, config.parallel) : Promise.resolve([]);
    const reverseDelivered = ways.includes('reverse') ? local.whenDelivered(config.parallel) : Promise.resolve([]);
    const delivered = Promise.all([forwardDelivered, reverseDelivered]).then((d) => ({ deliveries: d, at: performance.now() }));

    const sampler = sampleIntervals(ctx, started, local, delivered, (fraction) => ctx.progress(fraction), () => sent.bytes);
    sampler.catch(() => {}); // if the transfer fails first, its error is the one reported
    const [{ deliveries, at }, forwardBytes, reverseBytes] = await Promise.all([delivered, forwardSent, reverseSent]);
    const intervals = await sampler;
    const clientCpu = process.cpuUsage(cpu);
    const clientMemoryCost = await clientMemory();
    const cpusAtEnd = snapshotCpus();
    const cpus = cpusAtStart && cpusAtEnd ? cpuShares(cpusAtStart, cpusAtEnd) : null;
    const finished = await server.ask({ type: 'finish' }, 'finished');
    if (failure) throw failure;

    const seconds = (at - started) / 1000;
    const [forward, reverse] = deliveries;
    const transfers = [
      ...checkDeliveries(forward, forwardBytes, ctx.pattern).map((verified, i) => ({ way: 'forward' as const, bytes: forward[i]!.bytes, verified })),
      ...checkDeliveries(reverse, reverseBytes, ctx.pattern).map((verified, i) => ({ way: 'reverse' as const, bytes: reverse[i]!.bytes, verified })),
    ];
    const total = (list: Delivery[]) => list.reduce((sum, d) => sum + d.bytes, 0);
    const bytes = total(forward) + total(reverse);
    const cpuSeconds = { client: (clientCpu.user + clientCpu.system) / 1e6, server: finished.cpuSeconds };
    const foreign = cpus && foreignCpus(cpus, seconds, cpuSeconds.client + cpuSeconds.server);
    ctx.progress(1);
    return {
      bytes,
      seconds,
      MBps: bytes / seconds / 1e6,
      wayMBps: Object.fromEntries(ways.map((way) => [way, total(way === 'forward' ? forward : reverse) / seconds / 1e6])),
      verified: transfers.every((t) => t.verified),
      transfers,
      cpuSeconds,
      memory: { client: clientMemoryCost, server: finished.memory },
      setupBytes: finished.setupBytes,
      intervals: finishIntervals(intervals, seconds, total(forward), total(reverse)),
      cpus,
      mode: classifyRun(cpus, senderPlacement(config)),
      foreignCpus: foreign,
      disturbed: isDisturbed(foreign),
    };
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  }
}

/** The sender's and receiver's CPUs of a one-way run on pinned processes; null otherwise. */
function senderPlacement({ pinning, direction }: Config): { senderCpu: number; receiverCpu: number } | null {
  if (!pinning || direction === 'bidir') return null;
  return direction === 'forward' ? { senderCpu: pinning.client, receiverCpu: pinning.server } : { senderCpu: pinning.server, receiverCpu: pinning.client };
}

async function remoteDeliveries(server: ServerProcess, count: number): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  while (deliveries.length < count) deliveries.push((await server.next('delivered')).delivery);
  return deliveries;
}

interface Sample {
  at: number;
  forwardBytes: number;
  reverseBytes: number;
}

/** Samples delivered bytes every intervalMs (forward ones at the server, reverse ones here) until `done` settles. */
async function sampleIntervals(ctx: RunContext, started: number, local: DeliveryMeter, done: Promise<unknown>, progress: (fraction: number) => void, sentBytes: () => number): Promise<Sample[]> {
  const { config } = ctx;
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => {});
  const samples: Sample[] = [];
  const wayBytes = (config.totalBytes ?? 0) * (config.direction === 'bidir' ? 2 : 1);
  while (!finished) {
    // From the last sample, not a fixed grid: a late reply (a busy server) must not be followed by a burst of tiny intervals.
    const next = started + (samples.at(-1)?.at ?? 0) + config.intervalMs;
    await Promise.race([done.catch(() => {}), new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())))]);
    if (finished) break;
    const forwardBytes = config.direction === 'reverse' ? 0 : (await ctx.server.ask({ type: 'sample' }, 'sample')).bytes;
    const sample = { at: performance.now() - started, forwardBytes, reverseBytes: local.bytes };
    samples.push(sample);
    const previous = samples[samples.length - 2] ?? { at: 0, forwardBytes: 0, reverseBytes: 0 };
    ctx.onInterval(interval(previous, sample));
    const byTime = config.durationMs === null ? 0 : sample.at / config.durationMs;
    const byBytes = wayBytes === 0 ? 0 : (sample.forwardBytes + sample.reverseBytes + sentBytes()) / (2 * wayBytes);
    progress(Math.min(1, Math.max(byTime, byBytes)));
  }
  return samples;
}

function interval(from: Sample, to: Sample): Interval {
  const forwardBytes = to.forwardBytes - from.forwardBytes;
  const reverseBytes = to.reverseBytes - from.reverseBytes;
  const seconds = (to.at - from.at) / 1000;
  return { from: from.at / 1000, to: to.at / 1000, forwardBytes, reverseBytes, MBps: seconds > 0 ? (forwardBytes + reverseBytes) / seconds / 1e6 : 0 };
}

/** The samples as intervals, the last one running to the final delivery with the final totals. */
function finishIntervals(samples: Sample[], seconds: number, forwardBytes: number, reverseBytes: number): Interval[] {
  const points = [{ at: 0, forwardBytes: 0, reverseBytes: 0 }, ...samples.filter((s) => s.at < seconds * 1000), { at: seconds * 1000, forwardBytes, reverseBytes }];
  return points.slice(1).map((to, i) => interval(points[i]!, to));
}

/**
 * CPU cost per protocol while streaming one way at a fixed rate (claim P6: "under 2 % CPU while
 * streaming", at the 446 MB/s per peer P3 gives). Open loop: this process sends one transfer whose
 * chunks leave on a schedule at the offered rate (bench/paced-send.ts); a child process (its own
 * CPU where it can be pinned) receives it into a sink that counts every byte. Each process's CPU
 * time (process.cpuUsage, user + system) is taken over the paced interval: from the first
 * scheduled send until the child has the transfer's end. CPU % = CPU seconds ÷ wall seconds
 * (100 % = one logical CPU, described in the report's `cores`). raw TCP is paced the same way in
 * every round, for comparison and as the machine's own reference.
 *
 * Rounds: one discarded warm-up round, then `rounds` rounds of every protocol on fresh sessions,
 * interleaved in an order rotated round by round (bench/rounds.ts).
 *
 *   asoc-lab bench cpu [--protocols asoc-v1,asoc-v1/tls] [--rate-mbps 446] [--chunk 1MiB] [--duration 2] [--rounds 5]
 *
 * writes reports/bench-cpu-<ISO time>.json (bench/cpu-schema.ts).
 */
import { performance } from 'node:perf_hooks';
import { baselineByName, runSecrets, type BaselineSecrets } from '../src/baselines/index.ts';
import { cpuReportSchema, type CpuReport, type PacedRun } from './cpu-schema.ts';
import { choosePinning, pinSelf } from './cpu-pinning.ts';
import { EchoServerProcess } from './echo-server.ts';
import { coreDescription, machineInfo } from './machine.ts';
import { pacedChunks, type PaceProgress } from './paced-send.ts';
import { progressBar, showsProgress } from './progress.ts';
import { rotated } from './rounds.ts';
import { formatBytes } from './units.ts';

export const P3_RATE_MBPS = 446;
const REFERENCE = 'raw-tcp';
const MiB = 1024 * 1024;
export const CPU_DEFAULTS = { protocols: ['asoc-v1', 'asoc-v1/tls'], rateMBps: P3_RATE_MBPS, chunkBytes: MiB, seconds: 2, rounds: 5, warmupRounds: 1, pin: true };
/** The sender gives up at this many times the paced interval (a protocol far below the rate). */
const DEADLINE_FACTOR = 3;
/** After the sender's deadline, the receiver has this long to report the end before the bench fails. */
const DELIVERY_GRACE_MS = 30_000;

export interface CpuBenchOptions {
  /** Protocols besides raw-tcp, which always runs (first). Default asoc-v1, asoc-v1/tls. */
  protocols?: string[];
  /** Offered rate one way, MB/s (10^6 B). Default 446. */
  rateMBps?: number;
  /** Bytes per chunk handed to the protocol. Default 1 MiB. */
  chunkBytes?: number;
  /** The paced interval of each run, s. Default 2. */
  seconds?: number;
  /** Measured rounds. Default 5. */
  rounds?: number;
  /** Discarded rounds first (JIT, connection caches). Default 1. */
  warmupRounds?: number;
  pin?: boolean;
}

type Config = CpuReport['config'];

function resolveConfig(options: CpuBenchOptions): Config {
  const c = { ...CPU_DEFAULTS, ...options };
  const protocols = [...new Set([REFERENCE, ...c.protocols])];
  for (const name of protocols) baselineByName(name);
  for (const [key, value] of Object.entries({ rateMBps: c.rateMBps, seconds: c.seconds })) if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${key} must be a positive number, got ${value}`);
  for (const [key, value] of Object.entries({ chunkBytes: c.chunkBytes, rounds: c.rounds })) if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer, got ${value}`);
  if (!Number.isSafeInteger(c.warmupRounds) || c.warmupRounds < 0) throw new RangeError(`warmupRounds must be a whole number, got ${c.warmupRounds}`);
  const pinning = c.pin ? choosePinning() : null;
  return {
    protocols,
    rateMBps: c.rateMBps,
    chunkBytes: c.chunkBytes,
    seconds: c.seconds,
    rounds: c.rounds,
    warmupRounds: c.warmupRounds,
    deadlineFactor: DEADLINE_FACTOR,
    pinning: pinning && { client: pinning.sender, server: pinning.receiver },
  };
}

/** One paced transfer on a fresh session, CPU of both processes over it. */
async function pacedRun(protocol: string, round: number, warmup: boolean, config: Config, target: { server: EchoServerProcess; port: number }, secrets: BaselineSecrets, chunk: Uint8Array): Promise<PacedRun> {
  let failure: Error | null = null;
  const session = await baselineByName(protocol).connect(target.port, { role: 'sink', secrets, onError: (err) => (failure ??= err) });
  try {
    const plan = { bytes: Math.round(config.rateMBps * 1e6 * config.seconds), bytesPerSecond: config.rateMBps * 1e6, deadlineMs: config.seconds * 1000 * config.deadlineFactor };
    const progress: PaceProgress = { sentBytes: 0, maxLagMs: 0 };
    const before = await target.server.cpu();
    const clientBefore = process.cpuUsage();
    const start = performance.now();
    const sent = session.send(pacedChunks(chunk, plan, progress));
    const reading = target.server.cpuAfterTransfers(before.received.transfers + 1, plan.deadlineMs + DELIVERY_GRACE_MS);
    reading.catch(() => {}); // a send that fails first is the error reported
    const after = await Promise.race([reading, sent.then(() => reading)]);
    const seconds = (performance.now() - start) / 1000;
    const client = process.cpuUsage(clientBefore);
    await sent;
    if (failure) throw failure;
    if (after.errors.length > 0) throw new Error(`${protocol}: the receiver reported: ${after.errors[0]}`);
    const deliveredBytes = after.received.bytes - before.received.bytes;
    if (deliveredBytes !== progress.sentBytes) throw new Error(`${protocol} round ${round}: sent ${progress.sentBytes} B, the receiver counted ${deliveredBytes} B`);
    const clientSeconds = (client.user + client.system) / 1e6;
    const serverSeconds = (after.cpuUs - before.cpuUs) / 1e6;
    return {
      protocol,
      round,
      warmup,
      plannedBytes: plan.bytes,
      sentBytes: progress.sentBytes,
      deliveredBytes,
      seconds,
      deliveredMBps: deliveredBytes / seconds / 1e6,
      maxLagMs: progress.maxLagMs,
      cpu: {
        clientSeconds,
        serverSeconds,
        clientPercent: (100 * clientSeconds) / seconds,
        serverPercent: (100 * serverSeconds) / seconds,
        secondsPerGB: deliveredBytes > 0 ? (clientSeconds + serverSeconds) / (deliveredBytes / 1e9) : 0,
      },
    };
  } finally {
    await session.close();
  }
}

export async function runCpuBench(options: CpuBenchOptions = {}): Promise<CpuReport> {
  const config = resolveConfig(options);
  const secrets = runSecrets();
  const chunk = new Uint8Array(config.chunkBytes).map((_, i) => (i * 31 + 7) & 0xff);
  const unpin = config.pinning ? pinSelf(config.pinning.client) : () => {};
  const started = await Promise.allSettled(config.protocols.map((p) => EchoServerProcess.start(p, secrets, config.pinning?.server ?? null, 'sink')));
  const total = (config.warmupRounds + config.rounds) * config.protocols.length;
  const bar = showsProgress() ? progressBar() : undefined;
  const runs: PacedRun[] = [];
  try {
    const servers = started.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    for (let r = 0; r < config.warmupRounds + config.rounds; r++) {
      const warmup = r < config.warmupRounds;
      const round = warmup ? 0 : r - config.warmupRounds + 1;
      for (const index of rotated(config.protocols.length, r)) {
        const protocol = config.protocols[index]!;
        bar?.update(runs.length, total, `${warmup ? 'warm-up' : `round ${round}/${config.rounds}`}: ${protocol}`);
        runs.push(await pacedRun(protocol, round, warmup, config, servers[index]!, secrets, chunk));
      }
    }
  } finally {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.server.stop() : undefined)));
    unpin();
    bar?.stop();
  }
  return cpuReportSchema.parse({
    kind: 'cpu',
    date: new Date().toISOString(),
    machine: machineInfo(),
    cores: coreDescription(),
    config,
    notes: [
      `One-way stream, open loop: chunks of ${formatBytes(config.chunkBytes)} leave on a schedule at ${config.rateMBps} MB/s (MB = 10^6 B) for ${config.seconds} s; a protocol that falls behind sends as fast as it can until ${config.deadlineFactor}× that, and deliveredMBps shows the rate it reached.`,
      'CPU: process.cpuUsage() (user + system) of the sender (this process) and of the receiving child over the paced interval, from the first scheduled send until the child counted the transfer’s end; 100 % = one logical CPU (see cores).',
      'Every byte sent is counted at the receiver; a run whose counts differ fails the bench.',
      `Rounds: ${config.warmupRounds} warm-up round(s) discarded (round 0), then every protocol once per round on a fresh session, in an order rotated round by round.`,
    ],
    runs,
  });
}

/** The measured runs of a protocol, in round order. */
export function measuredRuns(report: CpuReport, protocol: string): PacedRun[] {
  return report.runs.filter((r) => r.protocol === protocol && !r.warmup).sort((a, b) => a.round - b.round);
}

/**
 * Echo latency over every baseline (src/baselines/index.ts), raw TCP in the same run, ratios to it.
 * Each protocol's echo server runs in a child process (bench/echo-server.ts), on another CPU than
 * this client where it can be pinned. The run is `rounds` rounds; in each, every size and every
 * protocol once, the protocols interleaved (their order rotated round by round), so drift on the
 * machine lands on all of them and a per-round ratio compares runs seconds apart. Each run: a fresh
 * session, a warm-up, then a closed loop (ping-pong) and/or an open loop at a fixed offered rate
 * (bench/latency-loops.ts), each bounded by a message count and a time. Percentiles come from an
 * HDR histogram; the CPU time of both processes over each run is recorded too.
 *
 *   asoc-lab bench latency [--protocols raw-tcp,asoc-v1,…] [--sizes 1KiB,64KiB,1MiB] [--mode closed,open]
 *                          [--rate 200] [--messages 20000] [--duration 5] [--rounds 1]
 *
 * writes reports/bench-latency-<ISO time>.json and prints a table.
 */
import { performance } from 'node:perf_hooks';
import { BASELINE_NAMES, baselineByName, runSecrets, type BaselineSecrets } from '../src/baselines/index.ts';
import { choosePinning, pinSelf } from './cpu-pinning.ts';
import { withDeadline } from './deadline.ts';
import { EchoServerProcess } from './echo-server.ts';
import { closedLoop, openLoop, type LoopResult, type OpenLoopResult } from './latency-loops.ts';
import { LATENCY_MODES, type LatencyReport, type LatencyRun } from './latency-schema.ts';
import { coreDescription, machineInfo } from './machine.ts';
import { progressBar, showsProgress } from './progress.ts';
import { rotated } from './rounds.ts';
import { median } from './stats.ts';
import type { Histogram } from 'hdr-histogram-js';
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { formatBytes } from './units.ts';

export type LatencyMode = (typeof LATENCY_MODES)[number];

export interface LatencyBenchOptions {
  /** Default: every baseline, raw-tcp first. */
  protocols?: string[];
  /** Message sizes in bytes. Default 1 KiB, 64 KiB, 1 MiB. */
  sizes?: number[];
  /** Default both. */
  modes?: LatencyMode[];
  /** Open loop: messages/s for a given size (default DEFAULT_OPEN_RATE for every size). */
  openRate?: (messageBytes: number) => number;
  /** Per run: at most this many messages… Default 20,000. */
  maxMessages?: number;
  /** …and at most this long, s. Default 5. */
  maxSeconds?: number;
  /** Echoes before each protocol's runs at a size, not measured. Default 50. */
  warmupMessages?: number;
  /** Open loop: more unanswered messages than this stops the run as saturated. Default 1000. */
  maxInFlight?: number;
  /** …or than this many unanswered bytes (so large messages cannot pile up without bound). Default 64 MiB. */
  maxInFlightBytes?: number;
  /** Client and server on two different CPUs where possible. Default true. */
  pin?: boolean;
  /** Rounds of every size and protocol (interleaved). Default 1. */
  rounds?: number;
  /** Rounds run first and not recorded (JIT, first-use costs in both processes). Default 0. */
  warmupRounds?: number;
}

const KiB = 1024;
export const DEFAULT_SIZES = [KiB, 64 * KiB, KiB * KiB];
export const DEFAULT_OPEN_RATE = 200;
export const LATENCY_DEFAULTS = { maxMessages: 20_000, maxSeconds: 5, warmupMessages: 50, maxInFlight: 1000, maxInFlightBytes: 64 * KiB * KiB, pin: true, rounds: 1, warmupRounds: 0 };
/** A run's loop may take its time budget plus this before it counts as hung. */
const RUN_GRACE_MS = 30_000;
const TARGET = { protocol: 'asoc-v1', messageBytes: KiB, mode: 'closed' as const, limit: 1.3 };

const percentilesUs = (h: Histogram) => ({
  min: h.minNonZeroValue / 1e3,
  p50: h.getValueAtPercentile(50) / 1e3,
  p90: h.getValueAtPercentile(90) / 1e3,
  p99: h.getValueAtPercentile(99) / 1e3,
  p999: h.getValueAtPercentile(99.9) / 1e3,
  max: h.maxValue / 1e3,
  mean: h.mean / 1e3,
});

interface RunPlan {
  protocol: string;
  round: number;
  messageBytes: number;
  mode: LatencyMode;
  rate: number | null;
}

type RunLimits = Required<Pick<LatencyBenchOptions, 'maxMessages' | 'maxSeconds' | 'maxInFlight' | 'maxInFlightBytes' | 'warmupMessages'>>;

/** Messages an open loop may leave unanswered at this size: the count cap, or fewer when the bytes cap comes first. */
const inFlightCap = (limits: RunLimits, messageBytes: number): number => Math.max(1, Math.min(limits.maxInFlight, Math.floor(limits.maxInFlightBytes / messageBytes)));

async function measure(plan: RunPlan, port: number, server: EchoServerProcess, secrets: BaselineSecrets, message: Uint8Array, limits: RunLimits): Promise<LatencyRun> {
  const session = await baselineByName(plan.protocol).connect(port, { role: 'echo', secrets });
  try {
    for (let i = 0; i < limits.warmupMessages; i++) await session.echo(message);
    const serverBefore = await server.cpu();
    const clientBefore = process.cpuUsage();
    const wallStart = performance.now();
    const loop: Promise<LoopResult | OpenLoopResult> =
      plan.rate === null ? closedLoop(session, message, limits) : openLoop(session, message, { ...limits, maxInFlight: inFlightCap(limits, message.length), rate: plan.rate });
    const result = await withDeadline(loop, limits.maxSeconds * 1000 + RUN_GRACE_MS, `${plan.protocol} ${plan.mode} loop at ${plan.messageBytes} B hung`, () => {});
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const client = process.cpuUsage(clientBefore);
    const serverAfter = await server.cpu();
    if (serverAfter.errors.length > 0) throw new Error(`${plan.protocol}: the echo server reported: ${serverAfter.errors[0]}`);
    const clientSeconds = (client.user + client.system) / 1e6;
    const serverSeconds = (serverAfter.cpuUs - serverBefore.cpuUs) / 1e6;
    const gbMoved = (2 * result.messages * plan.messageBytes) / 1e9;
    const open = 'sendLag' in result ? result : null;
    return {
      protocol: plan.protocol,
      round: plan.round,
      messageBytes: plan.messageBytes,
      mode: plan.mode,
      messages: result.messages,
      seconds: result.seconds,
      intact: result.intact,
      latencyUs: percentilesUs(result.histogram),
      histogram: encodeIntoCompressedBase64(result.histogram),
      offeredPerSecond: plan.rate,
      sendLagUs: open ? percentilesUs(open.sendLag) : null,
      fromSendUs: open ? percentilesUs(open.fromSend) : null,
      saturated: open?.saturated ?? false,
      achievedPerSecond: result.messages / result.seconds,
      cpu: {
        clientSeconds,
        serverSeconds,
        clientPercent: (100 * clientSeconds) / wallSeconds,
        serverPercent: (100 * serverSeconds) / wallSeconds,
        secondsPerGB: gbMoved > 0 ? (clientSeconds + serverSeconds) / gbMoved : 0,
      },
    };
  } finally {
    await session.close();
  }
}

export async function runLatencyBench(options: LatencyBenchOptions = {}): Promise<LatencyReport> {
  const protocols = options.protocols ?? [...BASELINE_NAMES];
  for (const name of protocols) baselineByName(name);
  const sizes = options.sizes ?? DEFAULT_SIZES;
  const modes = options.modes ?? [...LATENCY_MODES];
  const openRate = options.openRate ?? (() => DEFAULT_OPEN_RATE);
  const limits = {
    maxMessages: options.maxMessages ?? LATENCY_DEFAULTS.maxMessages,
    maxSeconds: options.maxSeconds ?? LATENCY_DEFAULTS.maxSeconds,
    maxInFlight: options.maxInFlight ?? LATENCY_DEFAULTS.maxInFlight,
    maxInFlightBytes: options.maxInFlightBytes ?? LATENCY_DEFAULTS.maxInFlightBytes,
    warmupMessages: options.warmupMessages ?? LATENCY_DEFAULTS.warmupMessages,
  };
  const rounds = options.rounds ?? LATENCY_DEFAULTS.rounds;
  const warmupRounds = options.warmupRounds ?? LATENCY_DEFAULTS.warmupRounds;
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  if (!Number.isSafeInteger(warmupRounds) || warmupRounds < 0) throw new RangeError(`warmupRounds must be a whole number, got ${warmupRounds}`);
  const pinning = (options.pin ?? LATENCY_DEFAULTS.pin) ? choosePinning() : null;
  const secrets = runSecrets();
  const total = (warmupRounds + rounds) * protocols.length * sizes.length * modes.length;
  let done = 0;
  const bar = showsProgress() ? progressBar() : undefined;
  const unpin = pinning ? pinSelf(pinning.sender) : () => {};
  const runs: LatencyRun[] = [];
  // One server per protocol for the whole bench (they idle while another protocol runs).
  const started = await Promise.allSettled(protocols.map((protocol) => EchoServerProcess.start(protocol, secrets, pinning?.receiver ?? null)));
  try {
    const servers = started.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    const messages = new Map(sizes.map((n) => [n, new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff)]));
    // Round 0, −1, … are warm-ups: run like the others, not recorded.
    for (let round = 1 - warmupRounds; round <= rounds; round++) {
      for (const messageBytes of sizes) {
        for (const index of rotated(protocols.length, round + warmupRounds - 1)) {
          const protocol = protocols[index]!;
          const { server, port } = servers[index]!;
          for (const mode of modes) {
            bar?.update(done++, total, `${round < 1 ? 'warm-up' : `round ${round}/${rounds}`}: ${protocol} ${formatBytes(messageBytes)} ${mode}`);
            const run = await measure({ protocol, round, messageBytes, mode, rate: mode === 'open' ? openRate(messageBytes) : null }, port, server, secrets, messages.get(messageBytes)!, limits);
            if (round >= 1) runs.push(run);
          }
        }
      }
    }
  } finally {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.server.stop() : undefined)));
    unpin();
    bar?.stop();
  }
  const ratios = ratiosToRawTcp(runs);
  const targetRatios = ratios.filter((r) => r.protocol === TARGET.protocol && r.messageBytes === TARGET.messageBytes && r.mode === TARGET.mode).map((r) => r.p50);
  const targetRatio = targetRatios.length > 0 ? median(targetRatios) : null;
  return {
    kind: 'latency',
    date: new Date().toISOString(),
    machine: machineInfo(),
    cores: coreDescription(),
    config: {
      protocols,
      sizes,
      modes,
      rounds,
      warmupRounds,
      ...limits,
      openRates: modes.includes('open') ? sizes.map((messageBytes) => ({ messageBytes, perSecond: openRate(messageBytes) })) : [],
      pinning: pinning ? { client: pinning.sender, server: pinning.receiver } : null,
    },
    notes: [
      'Latency is one echo round trip (client → server → client) of one message; percentiles in µs from an HDR histogram (3 significant digits).',
      'Open loop: sends scheduled at fixed intervals, latency measured from the scheduled time (no coordinated omission); sendLagUs is how late this client itself sent (node timers fire at 1 ms granularity, so up to ~1 ms at low rates), which every open-loop latency includes; fromSendUs is latency from the actual send, for comparison.',
      'CPU: process.cpuUsage() of the client and of the echo server child over the measured part of each run; 100 % = one logical CPU (see cores).',
      `Rounds: every size and protocol once per round on a fresh session, protocols in an order rotated round by round, after ${warmupRounds} unrecorded warm-up round(s); ratios to raw TCP pair runs of the same round.`,
    ],
    runs,
    ratios,
    target: targetRatio === null ? null : { name: `${TARGET.protocol} ${TARGET.messageBytes} B ping-pong p50 ≤ ${TARGET.limit}× raw TCP`, limit: TARGET.limit, measured: targetRatio, met: targetRatio <= TARGET.limit },
  };
}

function ratiosToRawTcp(runs: LatencyRun[]): LatencyReport['ratios'] {
  return runs.flatMap((run) => {
    const raw = runs.find((r) => r.protocol === 'raw-tcp' && r.messageBytes === run.messageBytes && r.mode === run.mode && r.round === run.round);
    if (!raw || run.protocol === 'raw-tcp') return [];
    return [{ protocol: run.protocol, messageBytes: run.messageBytes, mode: run.mode, round: run.round, p50: run.latencyUs.p50 / raw.latencyUs.p50, p99: run.latencyUs.p99 / raw.latencyUs.p99 }];
  });
}

/**
 * The shape of a throughput report (reports/bench-throughput-*.json), as a zod schema: the bench
 * validates what it writes, the smoke test validates what the bench returns, and readers of old
 * reports can check them. Throughput is in MB/s with MB = 10^6 bytes (not MiB).
 *
 * Every protocol is a baseline of src/baselines; raw TCP is always in the run, and every other
 * protocol's figure also appears as its ratio to raw TCP in the same rounds.
 */
import { z } from 'zod';
import { BASELINE_NAMES } from '../src/baselines/index.ts';
import { processReadingSchema } from './process-meter.ts';
import { machineSchema } from './machine.ts';
import { RUN_MODES } from './throughput-modes.ts';

export const protocolSchema = z.string().refine((name) => BASELINE_NAMES.includes(name), { message: `not a baseline (${BASELINE_NAMES.join(', ')})` });
export type Protocol = string;

/** Every figure is relative to this one, measured in the same run. */
export const REFERENCE_PROTOCOL = 'raw-tcp';

export const verifyModeSchema = z.enum(['count', 'sha256']);
export type VerifyMode = z.infer<typeof verifyModeSchema>;

/** forward: client → server; reverse: server → client (iperf3 -R); bidir: both at once. */
export const directionSchema = z.enum(['forward', 'reverse', 'bidir']);
export type Direction = z.infer<typeof directionSchema>;
export type Way = 'forward' | 'reverse';

/** The bench's targets (what ASoc's design promises on loopback), each a median of per-round ratios of two protocols' MB/s. */
export const TARGETS = [
  { name: 'asoc-v1 >= 90% of raw-tcp', numerator: 'asoc-v1', denominator: 'raw-tcp', threshold: 0.9 },
  { name: 'asoc-v1 >= 3x grpc-stream', numerator: 'asoc-v1', denominator: 'grpc-stream', threshold: 3 },
  { name: 'asoc-hardened >= 75% of asoc-v1', numerator: 'asoc-hardened', denominator: 'asoc-v1', threshold: 0.75 },
] as const;

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();
const rate = z.number().nonnegative();
const byteCounts = z.object({ clientToServer: count, serverToClient: count });

export const transferSchema = z.object({
  way: z.enum(['forward', 'reverse']),
  /** Bytes the receiving sink had when the sender's end-of-transfer arrived. */
  bytes: count,
  /** Bytes match what its sender sent and (verify = sha256) the SHA-256 matches the pattern's. */
  verified: z.boolean(),
});

export const intervalSchema = z.object({
  /** Seconds since the run's start. */
  from: z.number().nonnegative(),
  to: z.number().nonnegative(),
  /** Bytes delivered (at the receiving sinks) within the interval, per way. */
  forwardBytes: count,
  reverseBytes: count,
  MBps: rate,
});
export type Interval = z.infer<typeof intervalSchema>;

export const runModeSchema = z.enum(RUN_MODES);

/** One CPU over a run (bench/cpu-accounting.ts): busy and softirq shares of its time, NET_RX softirqs. */
export const cpuShareSchema = z.object({ cpu: count, busy: z.number().nonnegative(), softirq: z.number().nonnegative(), netRx: count });

export const throughputRunSchema = z.object({
  protocol: protocolSchema,
  /** 1-based among measured runs (= the round); 0 for the discarded warm-up runs. */
  run: count,
  warmup: z.boolean(),
  /** Bytes delivered in all transfers of the run. */
  bytes: count,
  /** From the run's start to the last transfer's delivery. */
  seconds: z.number().positive(),
  /** bytes / seconds / 10^6: both ways together in a bidirectional run. */
  MBps: rate,
  /** Per way, bytes / seconds / 10^6 (a way not in the run is absent). */
  wayMBps: z.object({ forward: rate.optional(), reverse: rate.optional() }),
  /** Every transfer was delivered intact. */
  verified: z.boolean(),
  transfers: z.array(transferSchema).min(1),
  /** CPU time (user + system) of the client process (this one) and the server process during the run. */
  cpuSeconds: z.object({ client: z.number().nonnegative(), server: z.number().nonnegative() }),
  /** GC and page faults of each process during the run (bench/process-meter.ts; absent in reports made before they were recorded). */
  memory: z.object({ client: processReadingSchema, server: processReadingSchema }).optional(),
  /** Setup bytes of each session, counted by the server (src/baselines: ServerSession.setup). */
  setupBytes: z.array(byteCounts),
  intervals: z.array(intervalSchema),
  /** Every CPU's shares over the run; null where /proc cannot tell (not Linux). */
  cpus: z.array(cpuShareSchema).nullable(),
  /** Which side's CPU was the bottleneck (bench/throughput-modes.ts); unknown when not pinned or both ways. */
  mode: runModeSchema,
  /** CPUs' worth of other work on the machine during the run (bench/cpu-accounting.ts); null where /proc cannot tell. */
  foreignCpus: z.number().nonnegative().nullable(),
  /** foreignCpus past bench/throughput-modes.ts's bound: left out of the summary and ratios. */
  disturbed: z.boolean(),
});
export type ThroughputRun = z.infer<typeof throughputRunSchema>;

export const protocolSummarySchema = z.object({
  medianMBps: rate,
  minMBps: rate,
  maxMBps: rate,
  /** (max − min) / median over the measured runs. */
  spread: z.number().nonnegative(),
  /** Measured runs the figures come from (warm-up and disturbed runs excluded, unless every run was disturbed). */
  runs: positiveInt,
  /** Measured runs left out because other work on the machine took CPU time during them. */
  disturbedRuns: count,
  /** Median over runs of CPU seconds per GB (10^9 bytes) delivered, per process. */
  cpuSecondsPerGB: z.object({ client: z.number().nonnegative(), server: z.number().nonnegative() }),
  /** Median over rounds of MB/s ÷ raw TCP's MB/s in the same round (disturbed runs left out); 1 for raw TCP itself. */
  ratioToRawTcp: z.number().nonnegative().nullable(),
  /** The runs of each mode apart: how many, their median and spread ((max − min) / median). */
  modes: z.partialRecord(runModeSchema, z.object({ runs: positiveInt, medianMBps: rate, spread: z.number().nonnegative() })),
  /** One session's setup bytes (they do not vary run to run). */
  setupBytes: byteCounts.nullable(),
});
export type ProtocolSummary = z.infer<typeof protocolSummarySchema>;

export const targetResultSchema = z.object({
  name: z.string(),
  numerator: z.string(),
  denominator: z.string(),
  threshold: z.number().positive(),
  /** null when the run did not measure both protocols. */
  ratio: z.number().nonnegative().nullable(),
  met: z.boolean().nullable(),
});

export const throughputReportSchema = z.object({
  kind: z.literal('throughput'),
  date: z.iso.datetime(),
  unit: z.literal('MB/s, MB = 10^6 bytes'),
  machine: machineSchema,
  config: z.object({
    /** raw-tcp first, then the others in the order given. */
    protocols: z.array(protocolSchema).min(1),
    direction: directionSchema,
    /** Connections (sessions) per run, each carrying its share of the bytes, all at once. */
    parallel: positiveInt,
    /** Bytes per run over all sessions and ways… */
    totalBytes: positiveInt.nullable(),
    /** …or, instead, how long each sender sends. */
    durationMs: positiveInt.nullable(),
    chunkSize: positiveInt,
    runs: positiveInt,
    warmupRuns: count,
    verify: verifyModeSchema,
    runTimeoutMs: positiveInt,
    intervalMs: positiveInt,
    /** The CPUs this (client) process and the server child were pinned to; null: not pinned. */
    pinning: z.object({ client: count, server: count }).nullable(),
    transport: z.string(),
    order: z.string(),
  }),
  runs: z.array(throughputRunSchema),
  summary: z.record(z.string(), protocolSummarySchema),
  /** `<protocol>/raw-tcp`: the median over rounds of the protocol's MB/s ÷ raw TCP's in that round. */
  ratios: z.record(z.string(), z.number().nonnegative()),
  targets: z.array(targetResultSchema),
});
export type ThroughputReport = z.infer<typeof throughputReportSchema>;

/** The shape of a latency report (reports/bench-latency-*.json), checked by the tests. */
import { z } from 'zod';
import { machineSchema } from './machine.ts';

const count = z.number().int().nonnegative();
export const LATENCY_MODES = ['closed', 'open'] as const;

/** Microseconds. */
export const percentilesSchema = z.object({ min: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number(), max: z.number(), mean: z.number() });

export const latencyRunSchema = z.object({
  protocol: z.string(),
  /** 1-based: every protocol and size runs once per round, protocols interleaved within it. */
  round: z.number().int().positive(),
  messageBytes: z.number().int().positive(),
  mode: z.enum(LATENCY_MODES),
  messages: count,
  seconds: z.number().positive(),
  /** Every echo equal to its message. */
  intact: z.boolean(),
  latencyUs: percentilesSchema,
  /** The whole HDR histogram (ns), hdr-histogram-js encodeIntoCompressedBase64: every sample, compactly. */
  histogram: z.string(),
  /** Open loop: messages/s offered; sends left this late after their schedule (µs); stopped on too many in flight. */
  offeredPerSecond: z.number().positive().nullable(),
  sendLagUs: percentilesSchema.nullable(),
  /** Open loop: latency from the actual send instead of the schedule (hides queueing: for comparison only). */
  fromSendUs: percentilesSchema.nullable(),
  saturated: z.boolean(),
  /** Messages/s answered. */
  achievedPerSecond: z.number().nonnegative(),
  cpu: z.object({
    /** Seconds of CPU (user + system) over the run: the client (this process) and the echo server (child). */
    clientSeconds: z.number().nonnegative(),
    serverSeconds: z.number().nonnegative(),
    /** CPU seconds ÷ wall seconds × 100: 100 % is one core busy. */
    clientPercent: z.number().nonnegative(),
    serverPercent: z.number().nonnegative(),
    /** Both processes' CPU seconds per GB (10^9 B) moved, both directions counted. */
    secondsPerGB: z.number().nonnegative(),
  }),
});
export type LatencyRun = z.infer<typeof latencyRunSchema>;

export const latencyReportSchema = z.object({
  kind: z.literal('latency'),
  date: z.iso.datetime(),
  machine: machineSchema,
  /** What a "core" is here (from /proc/cpuinfo where there is one). */
  cores: z.object({ model: z.string(), logical: z.number().int().positive(), hypervisor: z.boolean().nullable() }),
  config: z.object({
    protocols: z.array(z.string()).min(1),
    sizes: z.array(z.number().int().positive()).min(1),
    modes: z.array(z.enum(LATENCY_MODES)).min(1),
    /** Rounds; within each, every size and protocol once, the protocols' order rotated round by round. */
    rounds: z.number().int().positive(),
    /** Rounds run first and not recorded. */
    warmupRounds: count,
    warmupMessages: count,
    maxMessages: z.number().int().positive(),
    maxSeconds: z.number().positive(),
    /** Open loop: messages/s per size (null: closed only). */
    openRates: z.array(z.object({ messageBytes: z.number().int().positive(), perSecond: z.number().positive() })),
    maxInFlight: z.number().int().positive(),
    maxInFlightBytes: z.number().int().positive(),
    pinning: z.object({ client: count, server: count }).nullable(),
  }),
  notes: z.array(z.string()),
  runs: z.array(latencyRunSchema).min(1),
  /** protocol ÷ raw-tcp of p50 and p99, same size, mode and round; empty when raw-tcp was not run. */
  ratios: z.array(z.object({ protocol: z.string(), messageBytes: z.number().int().positive(), mode: z.enum(LATENCY_MODES), round: z.number().int().positive(), p50: z.number(), p99: z.number() })),
  /** `measured`: the median over rounds of the p50 ratio. */
  target: z
    .object({ name: z.string(), limit: z.number(), measured: z.number(), met: z.boolean() })
    .nullable(),
});
export type LatencyReport = z.infer<typeof latencyReportSchema>;

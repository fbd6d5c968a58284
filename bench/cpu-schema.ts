/** The shape of a paced CPU report (reports/bench-cpu-*.json), checked by the bench and the tests. */
import { z } from 'zod';
import { machineSchema } from './machine.ts';

const count = z.number().int().nonnegative();
const nonnegative = z.number().nonnegative();

export const pacedRunSchema = z.object({
  protocol: z.string(),
  /** 1-based among measured rounds; 0 for a discarded warm-up round. */
  round: count,
  warmup: z.boolean(),
  /** rate × seconds: what the schedule asked to send. */
  plannedBytes: count,
  /** What the sender handed over (less than planned when the schedule's deadline cut it short). */
  sentBytes: count,
  /** What the receiving process counted; a run is only kept when it equals sentBytes. */
  deliveredBytes: count,
  /** From the first scheduled send until the receiver had the transfer's end. */
  seconds: z.number().positive(),
  /** deliveredBytes ÷ seconds, MB = 10^6 B. */
  deliveredMBps: nonnegative,
  /** The largest delay of a chunk after its scheduled time, ms (it grows when the protocol cannot keep up). */
  maxLagMs: nonnegative,
  cpu: z.object({
    /** user + system CPU seconds over the run: this (sending) process and the receiving child. */
    clientSeconds: nonnegative,
    serverSeconds: nonnegative,
    /** CPU seconds ÷ wall seconds × 100: 100 % is one logical CPU busy. */
    clientPercent: nonnegative,
    serverPercent: nonnegative,
    /** Both processes' CPU seconds per GB (10^9 B) delivered. */
    secondsPerGB: nonnegative,
  }),
});
export type PacedRun = z.infer<typeof pacedRunSchema>;

export const cpuReportSchema = z.object({
  kind: z.literal('cpu'),
  date: z.iso.datetime(),
  machine: machineSchema,
  /** What a "core" (100 %) is here. */
  cores: z.object({ model: z.string(), logical: z.number().int().positive(), hypervisor: z.boolean().nullable() }),
  config: z.object({
    /** raw-tcp first. */
    protocols: z.array(z.string()).min(1),
    /** Offered rate, one way, MB/s (10^6 B). */
    rateMBps: z.number().positive(),
    chunkBytes: z.number().int().positive(),
    /** The paced interval of one run, s. */
    seconds: z.number().positive(),
    rounds: z.number().int().positive(),
    warmupRounds: count,
    /** The sender stops at this many times `seconds` after the start, whatever it has sent. */
    deadlineFactor: z.number().min(1),
    pinning: z.object({ client: count, server: count }).nullable(),
  }),
  notes: z.array(z.string()),
  runs: z.array(pacedRunSchema).min(1),
});
export type CpuReport = z.infer<typeof cpuReportSchema>;

/**
 * The shape of a throughput report (reports/bench-throughput-*.json), as a zod schema: the bench
 * validates what it writes, the smoke test validates what the bench returns, and readers of old
 * reports can check them. Throughput is in MB/s with MB = 10^6 bytes (not MiB).
 */
import { z } from 'zod';

export const PROTOCOLS = ['raw-tcp', 'asoc-v1'] as const;
export const protocolSchema = z.enum(PROTOCOLS);
export type Protocol = z.infer<typeof protocolSchema>;

export const verifyModeSchema = z.enum(['count', 'sha256']);
export type VerifyMode = z.infer<typeof verifyModeSchema>;

export const RATIO_NAME = 'asoc-v1/raw-tcp';
export const TARGET_RATIO = 0.9;
export const TARGET_NAME = 'asoc-v1 >= 90% of raw-tcp';

const positiveInt = z.number().int().positive();

export const throughputRunSchema = z.object({
  protocol: protocolSchema,
  /** 1-based among measured runs; 0 for the discarded warm-up run. */
  run: z.number().int().nonnegative(),
  warmup: z.boolean(),
  /** Bytes the receiver had when it reported done. */
  bytes: z.number().int().nonnegative(),
  /** From the sender's first byte to the receiver's "done" message. */
  seconds: z.number().positive(),
  /** bytes / seconds / 10^6. */
  MBps: z.number().nonnegative(),
  /** The receiver had exactly totalBytes and (verify = sha256) their SHA-256 matched the sender's. */
  verified: z.boolean(),
  /** CPU time (user + system) of the whole sending and receiving process during the transfer. */
  cpuSeconds: z.object({ sender: z.number().nonnegative(), receiver: z.number().nonnegative() }),
});
export type ThroughputRun = z.infer<typeof throughputRunSchema>;

export const protocolSummarySchema = z.object({
  medianMBps: z.number().nonnegative(),
  minMBps: z.number().nonnegative(),
  maxMBps: z.number().nonnegative(),
  /** Measured runs (warm-up excluded). */
  runs: positiveInt,
  /** Median over runs of CPU seconds per GB (10^9 bytes) delivered, per side. */
  cpuSecondsPerGB: z.object({ sender: z.number().nonnegative(), receiver: z.number().nonnegative() }),
});
export type ProtocolSummary = z.infer<typeof protocolSummarySchema>;

export const throughputReportSchema = z.object({
  kind: z.literal('throughput'),
  date: z.iso.datetime(),
  unit: z.literal('MB/s, MB = 10^6 bytes'),
  machine: z.object({
    cpuModel: z.string(),
    cores: positiveInt,
    nodeVersion: z.string(),
    platform: z.string(),
    arch: z.string(),
    kernel: z.string(),
  }),
  config: z.object({
    totalBytes: positiveInt,
    chunkSize: positiveInt,
    runs: positiveInt,
    warmupRuns: z.number().int().nonnegative(),
    protocols: z.array(protocolSchema).min(1),
    verify: verifyModeSchema,
    runTimeoutMs: positiveInt,
    /** The CPUs the sender (this process's main thread) and the receiver child were pinned to; null: not pinned. */
    pinning: z.object({ sender: z.number().int().nonnegative(), receiver: z.number().int().nonnegative() }).nullable(),
    transport: z.string(),
    order: z.string(),
  }),
  runs: z.array(throughputRunSchema),
  summary: z.partialRecord(protocolSchema, protocolSummarySchema),
  /** Median over run pairs (asoc-v1 run i, raw-tcp run i) of asoc MB/s ÷ raw MB/s. */
  ratios: z.partialRecord(z.literal(RATIO_NAME), z.number().nonnegative()),
  target: z.object({
    name: z.literal(TARGET_NAME),
    threshold: z.literal(TARGET_RATIO),
    /** null when the run did not measure both protocols. */
    met: z.boolean().nullable(),
  }),
});
export type ThroughputReport = z.infer<typeof throughputReportSchema>;

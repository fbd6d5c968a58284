/** The shape of a crypto bench report (reports/bench-crypto-*.json), checked by the tests. */
import { z } from 'zod';
import { machineSchema } from './machine.ts';
import { CRYPTO_GROUPS, IMPLEMENTATIONS } from './crypto-operations.ts';

const positive = z.number().positive();
const group = z.enum(CRYPTO_GROUPS);
const implementation = z.enum(IMPLEMENTATIONS);
const backend = z.enum(['node', 'noble']);

export const spreadSchema = z.object({ median: positive, min: positive, p10: positive, p90: positive, max: positive });

export const cryptoResultSchema = z.object({
  group,
  name: z.string(),
  implementation,
  inputBytes: z.number().int().positive(),
  /** Calls per tinybench sample, chosen so a sample lasts at least config.minSampleUs. */
  batch: z.number().int().positive(),
  /** Every sample: nanoseconds per call (the batch's time ÷ batch). */
  samplesNs: z.array(positive).min(1),
  nsPerCall: spreadSchema,
  /** 10^9 ÷ median ns per call. */
  opsPerSec: positive,
  /** inputBytes ÷ median time, MB = 10^6 bytes. */
  MBps: positive,
  /** tinybench's relative margin of error of the mean, percent. */
  rme: z.number().nonnegative(),
});
export type CryptoResult = z.infer<typeof cryptoResultSchema>;

export const comparisonSchema = z.object({
  name: z.string(),
  inputBytes: z.number().int().positive(),
  fastest: implementation,
  /** Median ops/s of the fastest ÷ the slowest. */
  speedup: z.number().min(1),
  opsPerSec: z.partialRecord(implementation, positive),
});

export const cryptoReportSchema = z.object({
  kind: z.literal('crypto'),
  date: z.iso.datetime(),
  machine: machineSchema,
  config: z.object({
    groups: z.array(group).min(1),
    timeMs: positive,
    warmupMs: z.number().nonnegative(),
    minSamples: z.number().int().positive(),
    minSampleUs: positive,
  }),
  notes: z.array(z.string()),
  results: z.array(cryptoResultSchema).min(1),
  /** Per operation timed by more than one implementation. */
  comparisons: z.array(comparisonSchema),
  /** The backend with the higher geometric mean of ops/s over the hashing group (null: group not run). */
  chosenDefault: backend.nullable(),
  /** Claim D2 as measured here (null: d2 group not run). */
  d2: z
    .object({
      /** SipHash-2-4 ops/s ÷ keyed BLAKE3 ops/s, per input size; both pure JS. */
      siphashOverKeyedBlake3: z.array(z.object({ inputBytes: z.number().int().positive(), ratio: positive })),
      blake3MBps: z.array(z.object({ inputBytes: z.number().int().positive(), MBps: positive })),
    })
    .nullable(),
});
export type CryptoReport = z.infer<typeof cryptoReportSchema>;

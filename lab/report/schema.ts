/**
 * The shape of a verdict report (reports/<run>/report.json), as a zod schema: the writer validates
 * what it writes and every reader (rendering, compare, the README table) what it reads, so a report
 * is either whole or refused with the path of every bad field. A report carries the claims' text,
 * source and quoted figure as they were when it ran, so an old report renders without today's
 * catalogue. Evidence and measurement data are free-form (each instrument's own shape).
 */
import { z } from 'zod';

export const REPORT_KIND = 'asoc-lab-report';
export const REPORT_VERSION = 1;

const finite = z.number();
const verdictSchema = z.enum(['HOLDS', 'FAILS', 'PARTIAL', 'UNDECIDED', 'PENDING']);
const partVerdictSchema = z.enum(['HOLDS', 'FAILS', 'UNDECIDED']);

export const intervalSchema = z.object({
  low: finite,
  high: finite,
  /** Below 0.95 only for an interval of one or two samples (their range), which decides nothing. */
  confidence: z.number().min(0).lt(1),
  method: z.string().min(1),
});

const thresholdSchema = z.union([
  z.strictObject({ atLeast: finite }),
  z.strictObject({ atMost: finite }),
  z.strictObject({ within: z.tuple([finite, finite]) }),
]);

// Claims, figures and measurements keep fields this schema does not name (z.looseObject): an
// instrument may add one before the report learns to show it, and it must not vanish from the JSON.
export const figureSchema = z.looseObject({
  name: z.string().min(1),
  unit: z.string(),
  estimate: finite,
  interval: intervalSchema.nullable(),
  samples: z.array(finite),
  statistic: z.string().optional(),
  threshold: thresholdSchema.optional(),
  verdict: partVerdictSchema.optional(),
  tolerance: z.number().gt(0).lt(1).optional(),
});

export const claimEntrySchema = z.looseObject({
  id: z.string().min(1),
  /** The claim in the lab's words, from the catalogue when the report was written. */
  text: z.string(),
  /** Where the claim is made, and the source's own figure (when the catalogue has them). */
  source: z.string().optional(),
  quoted: z.string().optional(),
  verdict: verdictSchema,
  summary: z.string(),
  measured: z.string().optional(),
  figures: z.array(figureSchema).optional(),
  toDecide: z.string().optional(),
  evidence: z.record(z.string(), z.unknown()),
});

export const measurementSchema = z.looseObject({
  name: z.string().min(1),
  summary: z.string(),
  figures: z.array(figureSchema).optional(),
  seeds: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  data: z.unknown(),
});

export const noiseSchema = z.object({
  stealFraction: z.number().nullable(),
  busyFraction: z.number().nullable(),
  loadAverage: z.object({ start: z.number(), end: z.number() }),
  cpus: z.number().int().positive(),
  seconds: z.number().nonnegative(),
});

export const reportSchema = z.strictObject({
  kind: z.literal(REPORT_KIND),
  version: z.literal(REPORT_VERSION),
  generatedAt: z.iso.datetime(),
  /** verify --quick (the short settings CI runs) or the full ones. */
  mode: z.enum(['quick', 'full']),
  machine: z.object({
    cpu: z.string(),
    cores: z.number().int().positive(),
    memoryGiB: z.number().nonnegative(),
    platform: z.string(),
    kernel: z.string(),
    /** The CPU flags say "hypervisor" (a virtual machine); null: unknown. */
    virtual: z.boolean().nullable(),
  }),
  versions: z.object({
    node: z.string(),
    /** asoc-lab's package.json version. */
    package: z.string(),
    /** The checkout's commit, and whether it had uncommitted changes; null outside a git checkout. */
    gitCommit: z.string().nullable(),
    gitDirty: z.boolean().nullable(),
  }),
  /** The seeds of every seeded draw in the run, by what they seeded. */
  seeds: z.record(z.string(), z.union([z.number(), z.string()])),
  /** How quiet the machine was: over the whole run, and per step. */
  noise: z.object({
    run: noiseSchema,
    steps: z.array(z.object({ name: z.string(), title: z.string(), seconds: z.number().nonnegative(), noise: noiseSchema })),
  }),
  /** The steps verify left out (--only, --no-…), so a reader knows why a claim or plot is missing. */
  skippedSteps: z.array(z.string()),
  claims: z.array(claimEntrySchema),
  measurements: z.array(measurementSchema),
});

export type VerdictReport = z.infer<typeof reportSchema>;
export type ClaimEntry = z.infer<typeof claimEntrySchema>;
export type ReportFigure = z.infer<typeof figureSchema>;
export type ReportMeasurement = z.infer<typeof measurementSchema>;
export type NoiseFigures = z.infer<typeof noiseSchema>;

/** A report that does not match the schema: every problem as "path: message". */
export class ReportFormatError extends Error {
  override readonly name = 'ReportFormatError';

  constructor(
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`${origin} is not a valid asoc-lab report:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** `data` as a VerdictReport, or a ReportFormatError naming every bad field. */
export function validateReport(data: unknown, origin: string): VerdictReport {
  const result = reportSchema.safeParse(data);
  if (result.success) return result.data;
  const found = (data as { kind?: unknown } | null)?.kind;
  if (found !== REPORT_KIND) throw new ReportFormatError(origin, [`kind: expected "${REPORT_KIND}", got ${JSON.stringify(found)} (reports from before the report directories have no report.json; rerun asoc-lab verify)`]);
  throw new ReportFormatError(
    origin,
    result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top)'}: ${issue.message}`),
  );
}

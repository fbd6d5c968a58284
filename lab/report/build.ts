/**
 * Builds a verdict report from what verify's steps returned: every claim of the catalogue with its
 * verdict, figures and evidence (PENDING, with what would decide it, when no step did), every
 * measurement, and how the run was made (machine, versions, mode, seeds, noise). The result is
 * validated against the report schema before anyone writes it.
 */
import { CLAIMS, type Claim } from '../claims/catalogue.ts';
import type { Measurement } from '../claims/instrument.ts';
import type { ClaimResult } from '../claims/verdict.ts';
import { describeMachine, describeVersions } from './provenance.ts';
import { validateReport, REPORT_KIND, REPORT_VERSION, type VerdictReport } from './schema.ts';

export interface ReportInput {
  decided: readonly ClaimResult[];
  measurements: readonly Measurement[];
  generatedAt: Date;
  quick: boolean;
  noise: VerdictReport['noise'];
  skippedSteps: readonly string[];
}

/** The catalogue's source and quoted figure, for catalogues that carry them. */
function sourceOf(claim: Claim): { source?: string; quoted?: string } {
  const { source, quoted } = claim as Claim & { source?: unknown; quoted?: unknown };
  return { ...(typeof source === 'string' ? { source } : {}), ...(typeof quoted === 'string' ? { quoted } : {}) };
}

/** Every measurement's seeds, named "<measurement>: <what it seeded>". */
function seedsOf(measurements: readonly Measurement[]): VerdictReport['seeds'] {
  return Object.fromEntries(measurements.flatMap((m) => Object.entries(m.seeds ?? {}).map(([what, seed]) => [`${m.name}: ${what}`, seed])));
}

export function buildReport(input: ReportInput): VerdictReport {
  const byId = new Map(input.decided.map((r) => [r.id, r]));
  const claims = CLAIMS.map((c) => {
    const result: ClaimResult = byId.get(c.id) ?? { id: c.id, verdict: 'PENDING', summary: `Not decided in this run: needs ${c.decidedBy}.`, evidence: {} };
    return { ...result, text: c.text, ...sourceOf(c) };
  });
  const draft = {
    kind: REPORT_KIND,
    version: REPORT_VERSION,
    generatedAt: input.generatedAt.toISOString(),
    mode: input.quick ? 'quick' : 'full',
    machine: describeMachine(),
    versions: describeVersions(),
    seeds: seedsOf(input.measurements),
    noise: input.noise,
    skippedSteps: [...input.skippedSteps],
    claims,
    measurements: input.measurements,
  };
  return validateReport(draft, 'the report being written');
}

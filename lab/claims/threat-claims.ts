/**
 * S1–S12 from the threat scenarios (scenarios/threats/*.yaml): each scenario runs against every
 * profile it has expectations for, and a claim's verdict is that of ASoc as RFC-0002's text
 * specifies it (profile `asoc-v1`): the weakest observed over the scenarios that decide it. The
 * summary also gives the reference implementation's and asoc-hardened's verdicts, and the evidence
 * keeps every profile's aggregate, the deciding scenario's own evidence, and any row whose observed
 * verdict differs from the scenario's expectation (a behaviour change worth a look).
 */
import { PROFILES, type ProfileName } from '../../src/core/profile.ts';
import { aggregateByClaim, loadThreat, runThreat, threatFiles, type ClaimAggregate, type ThreatResult, type ThreatRow } from '../../scenarios/threat-runner.ts';
import type { ClaimResult } from './verdict.ts';

export const THREAT_SCENARIO_DIR = 'scenarios/threats';
/** The profile whose verdict is the claim's: the RFC as written. */
const SUBJECT: ProfileName = 'asoc-v1';
const OTHERS = (Object.keys(PROFILES) as ProfileName[]).filter((name) => name !== SUBJECT);

export interface ThreatClaimsOptions {
  dir?: string;
  /** Claims decided elsewhere: their rows still run, but no ClaimResult is made for them. */
  exclude?: ReadonlySet<string>;
  onScenario?: (name: string, index: number, total: number) => void;
}

export async function decideThreatClaims(options: ThreatClaimsOptions = {}): Promise<{ claims: ClaimResult[]; results: ThreatResult[] }> {
  const files = threatFiles(options.dir ?? THREAT_SCENARIO_DIR);
  const results: ThreatResult[] = [];
  for (const [index, file] of files.entries()) {
    const prepared = loadThreat(file);
    options.onScenario?.(prepared.scenario.name, index, files.length);
    results.push(runThreat(prepared));
  }
  return { claims: claimsFrom(results, options.exclude ?? new Set()), results };
}

/** One ClaimResult per claim the scenarios decide for the subject profile (pure: exported for tests). */
export function claimsFrom(results: readonly ThreatResult[], exclude: ReadonlySet<string>): ClaimResult[] {
  const rows = results.flatMap((r) => r.rows);
  const aggregates = aggregateByClaim(rows);
  const subjectAggregates = aggregates.filter((a) => a.profile === SUBJECT && !exclude.has(a.claim));
  return subjectAggregates.map((subject) => claimResult(subject, aggregates, rows));
}

function claimResult(subject: ClaimAggregate, aggregates: readonly ClaimAggregate[], rows: readonly ThreatRow[]): ClaimResult {
  const claimRows = rows.filter((r) => r.claim === subject.claim);
  const deciding = claimRows.find((r) => r.profile === SUBJECT && r.scenario === subject.decidedBy && r.observed === subject.observed)!;
  const others = OTHERS.flatMap((profile) => {
    const aggregate = aggregates.find((a) => a.claim === subject.claim && a.profile === profile);
    return aggregate ? [`${profile} ${aggregate.observed}`] : [];
  });
  const mismatches = claimRows.filter((r) => !r.match);
  const warning = mismatches.length > 0 ? ` ${mismatches.length} observation(s) differ from their scenario's expectation (see evidence).` : '';
  return {
    id: subject.claim,
    verdict: subject.observed,
    summary: `${deciding.evidence} [scenario ${subject.decidedBy}; ${others.join(', ')}]${warning}`,
    evidence: {
      subjectProfile: SUBJECT,
      scenarios: subject.scenarios,
      decidedBy: subject.decidedBy,
      byProfile: Object.fromEntries(aggregates.filter((a) => a.claim === subject.claim).map((a) => [a.profile, { observed: a.observed, expected: a.expected, decidedBy: a.decidedBy }])),
      rows: claimRows,
      mismatches,
      rerun: `asoc-lab scenario run ${THREAT_SCENARIO_DIR}`,
    },
  };
}

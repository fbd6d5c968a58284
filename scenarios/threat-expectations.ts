/**
 * The expected verdicts of the threat scenarios in scenarios/threats/, kept in one file
 * (scenarios/threat-expectations.yaml), profile by profile: a profile states its verdicts per
 * scenario and claim, or inherits another profile's and states only where it differs. A scenario
 * file of that directory names no verdicts itself; a scenario file of a user's own (not named in
 * the table) may still carry `expect:`.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DECIDED_VERDICTS, type DecidedVerdict } from '../bench/verdict.ts';
import { PROFILES, type ProfileName } from '../src/core/profile.ts';
import { ScenarioError, parseYamlWith, readScenarioText } from './load.ts';
import { claimId, identifier } from './schema.ts';

export const EXPECTATIONS_FILE = fileURLToPath(new URL('threat-expectations.yaml', import.meta.url));

/** Scenario name → profile → claim → verdict. */
export type ExpectationTable = ReadonlyMap<string, Partial<Record<ProfileName, Record<string, DecidedVerdict>>>>;

const claimVerdicts = z.record(claimId, z.enum(DECIDED_VERDICTS));
const profileSection = z.strictObject({
  /** Another profile whose expectations this one starts from. */
  inherits: z.string().optional(),
  scenarios: z.record(identifier, claimVerdicts),
});
const tableSchema = z.record(z.string(), profileSection);
type Sections = z.output<typeof tableSchema>;

/** Parses the table's text; unknown profiles, unknown or circular parents are ScenarioErrors naming the section. */
export function parseExpectations(text: string, origin: string): ExpectationTable {
  const sections = parseYamlWith(tableSchema, text, origin);
  const problems = Object.entries(sections).flatMap(([profile, section]) => [
    ...(profile in PROFILES ? [] : [`${profile}: unknown profile (known: ${Object.keys(PROFILES).join(', ')})`]),
    ...(section.inherits === undefined || section.inherits in sections ? [] : [`${profile}.inherits: no section for profile "${section.inherits}"`]),
  ]);
  if (problems.length > 0) throw new ScenarioError(origin, problems);
  const table = new Map<string, Partial<Record<ProfileName, Record<string, DecidedVerdict>>>>();
  for (const profile of Object.keys(sections) as ProfileName[]) {
    for (const [scenario, verdicts] of Object.entries(resolve(sections, profile, origin, []))) {
      table.set(scenario, { ...table.get(scenario), [profile]: verdicts });
    }
  }
  return table;
}

/** A profile's scenarios with its parents' verdicts merged in, claim by claim (its own win). */
function resolve(sections: Sections, profile: string, origin: string, chain: string[]): Record<string, Record<string, DecidedVerdict>> {
  if (chain.includes(profile)) throw new ScenarioError(origin, [`${profile}.inherits: circular (${[...chain, profile].join(' → ')})`]);
  const section = sections[profile]!;
  const inherited = section.inherits === undefined ? {} : resolve(sections, section.inherits, origin, [...chain, profile]);
  const merged: Record<string, Record<string, DecidedVerdict>> = { ...inherited };
  for (const [scenario, verdicts] of Object.entries(section.scenarios)) merged[scenario] = { ...inherited[scenario], ...verdicts };
  return merged;
}

let loaded: ExpectationTable | undefined;

/** The project's table, read once. */
export function catalogueExpectations(): ExpectationTable {
  loaded ??= parseExpectations(readScenarioText(EXPECTATIONS_FILE), EXPECTATIONS_FILE);
  return loaded;
}

/**
 * Parsed scenario data with its expectations from `table` when the table names the scenario; a
 * scenario named there that also carries `expect:` is an error, so the verdicts stay in one place.
 */
export function withExpectations(raw: unknown, origin: string, table: ExpectationTable): unknown {
  if (typeof raw !== 'object' || raw === null || !('name' in raw) || typeof raw.name !== 'string') return raw;
  const expect = table.get(raw.name);
  if (expect === undefined) return raw;
  if ('expect' in raw) throw new ScenarioError(origin, [`expect: ${raw.name}'s expected verdicts are in ${EXPECTATIONS_FILE}; remove them here`]);
  return { ...raw, expect };
}

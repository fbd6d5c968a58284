/**
 * Runs threat scenarios (scenarios/threats/*.yaml, format in threat-schema.ts; their expected verdicts
 * in scenarios/threat-expectations.yaml, read by threat-expectations.ts): takes the attack the
 * scenario names from the registry (attacks/simulated/index.ts; contract in attacks/simulated/types.ts),
 * checks its params, runs it once per profile the scenario has expectations for, and compares each observed
 * verdict with the expected one. Verdicts come from the attack's run, never from the file.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PROFILES, type ProfileName } from '../src/core/profile.ts';
import { SIMULATED_ATTACKS } from '../attacks/simulated/index.ts';
import type { AttackModule, SimulatedAttackOutcome } from '../attacks/simulated/types.ts';
import { allOf, type DecidedVerdict } from '../bench/verdict.ts';
import { ScenarioError, parseYaml, readScenarioText, validateWith } from './load.ts';
import { catalogueExpectations, withExpectations, type ExpectationTable } from './threat-expectations.ts';
import { threatScenarioSchema, type ThreatScenario } from './threat-schema.ts';

/** The attack kinds there are, sorted. */
export function knownAttackKinds(): string[] {
  return Object.keys(SIMULATED_ATTACKS).sort();
}

/** The attack module of `kind`; an unknown kind is a ScenarioError at `attack.kind` listing the known ones. */
export function loadAttack(kind: string, origin = 'scenario'): AttackModule {
  const attack = SIMULATED_ATTACKS[kind];
  if (attack === undefined) throw new ScenarioError(origin, [`attack.kind: unknown attack "${kind}" (known: ${knownAttackKinds().join(', ') || 'none'})`]);
  return attack;
}

/** A scenario whose attack module is loaded and whose params passed the module's schema. */
export interface PreparedThreat {
  file: string;
  scenario: ThreatScenario;
  attack: AttackModule;
  params: unknown;
}

/** `expectations`: where scenarios that carry no `expect:` find theirs (default: the project's table). */
export function prepareThreat(text: string, origin: string, expectations: ExpectationTable = catalogueExpectations()): PreparedThreat {
  const scenario = validateWith(threatScenarioSchema, withExpectations(parseYaml(text, origin), origin, expectations), origin);
  const { kind, ...rest } = scenario.attack;
  const attack = loadAttack(kind, origin);
  const params = validateWith(attack.params, rest, origin, ['attack']);
  return { file: origin, scenario, attack, params };
}

export function loadThreat(path: string): PreparedThreat {
  return prepareThreat(readScenarioText(path), path);
}

/** A YAML file, or every .yaml/.yml file directly in a directory (sorted). */
export function threatFiles(target: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(target).isDirectory();
  } catch (err) {
    throw new ScenarioError(target, [(err as Error).message]);
  }
  if (!isDirectory) return [target];
  const files = readdirSync(target)
    .filter((file) => ['.yaml', '.yml'].includes(extname(file)))
    .sort()
    .map((file) => join(target, file));
  if (files.length === 0) throw new ScenarioError(target, ['no .yaml scenario files in this directory']);
  return files;
}

// ---- running -----------------------------------------------------------------------------------

export interface ThreatRow {
  scenario: string;
  claim: string;
  profile: ProfileName;
  expected: DecidedVerdict;
  observed: DecidedVerdict;
  evidence: string;
  match: boolean;
}

/** One run of the attack against one profile, with what it counted and saw. */
export interface ThreatProfileRun extends Omit<SimulatedAttackOutcome, 'observations'> {
  profile: ProfileName;
}

export interface ThreatResult {
  scenario: string;
  file: string;
  description: string;
  attack: { kind: string; description: string; params: unknown };
  seed: number;
  claims: string[];
  rows: ThreatRow[];
  runs: ThreatProfileRun[];
}

export interface ThreatRunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Only these profiles (of those the scenario expects); default all of them. */
  profiles?: readonly ProfileName[];
  /** Called before each profile's run. */
  onRun?: (profile: ProfileName) => void;
}

/** The profiles a scenario has expectations for, in PROFILES order, narrowed to `only` when given. */
export function profilesOf(scenario: ThreatScenario, only?: readonly ProfileName[]): ProfileName[] {
  return (Object.keys(PROFILES) as ProfileName[]).filter((name) => scenario.expect[name] !== undefined && (only === undefined || only.includes(name)));
}

export function runThreat(prepared: PreparedThreat, options: ThreatRunOptions = {}): ThreatResult {
  const { scenario, attack, params } = prepared;
  const seed = options.seed ?? scenario.seed;
  const rows: ThreatRow[] = [];
  const runs: ThreatProfileRun[] = [];
  for (const profile of profilesOf(scenario, options.profiles)) {
    options.onRun?.(profile);
    const { observations, ...outcome } = attack.run({ profile: PROFILES[profile], seed, params });
    runs.push({ profile, ...outcome });
    const expected = scenario.expect[profile]!;
    for (const claim of scenario.claims) {
      const observation = observations.find((o) => o.claim === claim);
      if (observation === undefined) throw new Error(`attack ${scenario.attack.kind} reported nothing about ${claim} for ${profile} (scenario ${scenario.name})`);
      const wanted = expected[claim]!;
      rows.push({ scenario: scenario.name, claim, profile, expected: wanted, observed: observation.verdict, evidence: observation.evidence, match: wanted === observation.verdict });
    }
  }
  return {
    scenario: scenario.name,
    file: prepared.file,
    description: scenario.description,
    attack: { kind: scenario.attack.kind, description: attack.description, params },
    seed,
    claims: scenario.claims,
    rows,
    runs,
  };
}

// ---- aggregate ---------------------------------------------------------------------------------

/**
 * A claim's verdict for one profile over every scenario that decides it. Each scenario is a whole
 * attack on the claim, and a claim stands only if it stands against every attack: allOf the
 * observations (bench/verdict.ts), i.e. the weakest one observed.
 */
export interface ClaimAggregate {
  claim: string;
  profile: ProfileName;
  observed: DecidedVerdict;
  expected: DecidedVerdict;
  /** The scenario whose observation is the weakest (the first of them). */
  decidedBy: string;
  scenarios: string[];
}

export function aggregateByClaim(rows: readonly ThreatRow[]): ClaimAggregate[] {
  const byKey = new Map<string, ClaimAggregate>();
  for (const row of rows) {
    const key = `${row.claim}\u0000${row.profile}`;
    const current = byKey.get(key);
    if (current === undefined) {
      byKey.set(key, { claim: row.claim, profile: row.profile, observed: row.observed, expected: row.expected, decidedBy: row.scenario, scenarios: [row.scenario] });
      continue;
    }
    if (!current.scenarios.includes(row.scenario)) current.scenarios.push(row.scenario);
    const observed = allOf([current.observed, row.observed]);
    if (observed !== current.observed) {
      current.observed = observed;
      current.decidedBy = row.scenario;
    }
    current.expected = allOf([current.expected, row.expected]);
  }
  const profileOrder = Object.keys(PROFILES);
  const claimNumber = (claim: string) => [claim[0]!, Number(claim.slice(1))] as const;
  return [...byKey.values()].sort((a, b) => {
    const [ka, na] = claimNumber(a.claim);
    const [kb, nb] = claimNumber(b.claim);
    return ka.localeCompare(kb) || na - nb || profileOrder.indexOf(a.profile) - profileOrder.indexOf(b.profile);
  });
}

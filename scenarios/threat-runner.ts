/**
 * Runs threat scenarios (scenarios/threats/*.yaml, format in threat-schema.ts): loads the attack
 * module the scenario names (attacks/simulated/<kind>.ts, contract in attacks/types.ts), checks its
 * params, runs it once per profile the scenario has expectations for, and compares each observed
 * verdict with the expected one. Verdicts come from the attack's run, never from the file.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { PROFILES, type ProfileName } from '../src/core/profile.ts';
import type { AttackModule, AttackOutcome, ObservedVerdict } from '../attacks/simulated/types.ts';
import { ScenarioError, parseYamlWith, readScenarioText, validateWith } from './load.ts';
import { threatScenarioSchema, type ThreatScenario } from './threat-schema.ts';

const ATTACKS_DIR = new URL('../attacks/simulated/', import.meta.url);
/** Top-level files of attacks/ that are not attacks. */
const NOT_KINDS = new Set(['types']);

/** The attack kinds there are: the top-level .ts files of attacks/simulated/, sorted. */
export function knownAttackKinds(): string[] {
  return readdirSync(ATTACKS_DIR)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -3))
    .filter((kind) => !NOT_KINDS.has(kind))
    .sort();
}

function isAttackModule(value: unknown): value is AttackModule {
  const m = value as Partial<AttackModule> | null;
  return typeof m === 'object' && m !== null && typeof m.description === 'string' && typeof m.run === 'function' && typeof m.params?.safeParse === 'function';
}

/** Imports attacks/simulated/<kind>.ts; an unknown kind is a ScenarioError at `attack.kind` listing the known ones. */
export async function loadAttack(kind: string, origin = 'scenario'): Promise<AttackModule> {
  const kinds = knownAttackKinds();
  if (!kinds.includes(kind)) throw new ScenarioError(origin, [`attack.kind: unknown attack "${kind}" (known: ${kinds.join(', ') || 'none'})`]);
  const module = (await import(new URL(`${kind}.ts`, ATTACKS_DIR).href)) as { default?: unknown };
  if (!isAttackModule(module.default)) throw new Error(`attacks/simulated/${kind}.ts does not export an AttackModule as default (see attacks/simulated/types.ts)`);
  return module.default;
}

/** A scenario whose attack module is loaded and whose params passed the module's schema. */
export interface PreparedThreat {
  file: string;
  scenario: ThreatScenario;
  attack: AttackModule;
  params: unknown;
}

export async function prepareThreat(text: string, origin: string): Promise<PreparedThreat> {
  const scenario = parseYamlWith(threatScenarioSchema, text, origin);
  const { kind, ...rest } = scenario.attack;
  const attack = await loadAttack(kind, origin);
  const params = validateWith(attack.params, rest, origin, ['attack']);
  return { file: origin, scenario, attack, params };
}

export async function loadThreat(path: string): Promise<PreparedThreat> {
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
  expected: ObservedVerdict;
  observed: ObservedVerdict;
  evidence: string;
  match: boolean;
}

/** One run of the attack against one profile, with what it counted and saw. */
export interface ThreatProfileRun extends Omit<AttackOutcome, 'observations'> {
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

const STRENGTH: Record<ObservedVerdict, number> = { FAILS: 0, PARTIAL: 1, HOLDS: 2 };

/** A claim's verdict for one profile over every scenario that decides it: the weakest one observed. */
export interface ClaimAggregate {
  claim: string;
  profile: ProfileName;
  observed: ObservedVerdict;
  expected: ObservedVerdict;
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
    if (STRENGTH[row.observed] < STRENGTH[current.observed]) {
      current.observed = row.observed;
      current.decidedBy = row.scenario;
    }
    if (STRENGTH[row.expected] < STRENGTH[current.expected]) current.expected = row.expected;
  }
  const profileOrder = Object.keys(PROFILES);
  const claimNumber = (claim: string) => [claim[0]!, Number(claim.slice(1))] as const;
  return [...byKey.values()].sort((a, b) => {
    const [ka, na] = claimNumber(a.claim);
    const [kb, nb] = claimNumber(b.claim);
    return ka.localeCompare(kb) || na - nb || profileOrder.indexOf(a.profile) - profileOrder.indexOf(b.profile);
  });
}

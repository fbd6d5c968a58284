import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { progressBar, showsProgress } from '../../bench/progress.ts';
import { ScenarioError } from '../../scenarios/load.ts';
import { aggregateByClaim, loadThreat, profilesOf, runThreat, threatFiles, type PreparedThreat, type ThreatResult } from '../../scenarios/threat-runner.ts';
import { formatAggregate, formatThreatResult } from '../../scenarios/threat-text.ts';
import type { ProfileName } from '../../src/core/profile.ts';
import { parseFlags, UsageError, profileFlag, type Command } from './common.ts';

const DEFAULT_DIR = 'scenarios/threats';
const DEFAULT_OUT = 'reports/threats';

const help = `Usage: asoc-lab scenario run <file.yaml|dir> [--seed N] [--out DIR] [--profile NAME]
       asoc-lab scenario list [dir]

Threat scenarios (${DEFAULT_DIR}/*.yaml; format in scenarios/README.md) play an attack against the
real ASoc core on simulated hosts, once per profile the scenario has expectations for, and decide
the security claims they name from what the run observed.

run   prints, per scenario, a verdict table (claim, profile, expected, observed, evidence), then the
      weakest verdict per claim and profile over all scenarios run, and writes the JSON evidence
      (rows, counts, figures, trace excerpts, trace hashes, seed) to DIR/<name>-seed-<seed>.json,
      plus DIR/summary.json (every row and the per-claim aggregate).
        --seed N          seed for every scenario (default: each scenario's own); the same seed gives
                          the same trace hashes
        --out DIR         where the JSON goes (default ${DEFAULT_OUT})
        --profile NAME    only this profile's runs (scenarios without expectations for it are skipped)
list  lists the scenarios of a directory (default ${DEFAULT_DIR}) with their claims, profiles and attack.
  -h, --help            this text

Exit status: 0 when every observed verdict is the expected one, 1 when one differs, 2 for usage
errors (including a scenario file that does not validate).`;

const FLAGS = {
  seed: { type: 'string' },
  out: { type: 'string' },
  profile: { type: 'string' },
} as const;

function seedFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a non-negative integer, got "${value}"`);
  return seed;
}

/** A scenario file that does not validate is the caller's to fix: a usage error (exit 2). */
async function loadAll(target: string): Promise<PreparedThreat[]> {
  try {
    const prepared: PreparedThreat[] = [];
    for (const file of threatFiles(target)) prepared.push(loadThreat(file));
    return prepared;
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
}

function terminalWidth(): number {
  return process.stdout.columns ?? 120;
}

async function writeResult(result: ThreatResult, dir: string): Promise<string> {
  const path = join(dir, `${result.scenario}-seed-${result.seed}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

async function run(target: string, values: { seed?: string; out?: string; profile?: string }): Promise<number> {
  const seed = seedFlag(values.seed);
  const only: ProfileName[] | undefined = values.profile === undefined ? undefined : [profileFlag(values.profile).name];
  const prepared = (await loadAll(target)).filter((p) => profilesOf(p.scenario, only).length > 0);
  if (prepared.length === 0) throw new UsageError(`no scenario in ${target} has expectations for profile ${values.profile}`);
  const total = prepared.reduce((sum, p) => sum + profilesOf(p.scenario, only).length, 0);
  const bar = showsProgress() ? progressBar() : null;
  const results: ThreatResult[] = [];
  let done = 0;
  try {
    for (const threat of prepared) {
      results.push(
        runThreat(threat, {
          seed,
          profiles: only,
          onRun: (profile) => bar?.update(done++, total, `${threat.scenario.name} · ${profile}`),
        }),
      );
    }
  } finally {
    bar?.stop();
  }
  const width = terminalWidth();
  for (const result of results) {
    for (const line of formatThreatResult(result, width)) console.log(line);
    console.log('');
  }
  const rows = results.flatMap((r) => r.rows);
  const aggregate = aggregateByClaim(rows);
  for (const line of formatAggregate(aggregate, width)) console.log(line);
  const dir = values.out ?? DEFAULT_OUT;
  await mkdir(dir, { recursive: true });
  console.log('');
  for (const result of results) console.log(`wrote ${await writeResult(result, dir)}`);
  const summaryPath = join(dir, 'summary.json');
  const mismatches = rows.filter((r) => !r.match);
  await writeFile(summaryPath, `${JSON.stringify({ target, seed: seed ?? null, scenarios: results.map((r) => ({ scenario: r.scenario, file: r.file, seed: r.seed })), rows, aggregate, mismatches: mismatches.length }, null, 2)}\n`);
  console.log(`wrote ${summaryPath}`);
  if (mismatches.length === 0) return 0;
  console.error(`asoc-lab scenario: ${mismatches.length} observed verdict(s) differ from the expected ones:`);
  for (const m of mismatches) console.error(`  ${m.scenario} ${m.claim} ${m.profile}: expected ${m.expected}, observed ${m.observed}`);
  return 1;
}

async function list(dir: string): Promise<number> {
  for (const { file, scenario, attack } of await loadAll(dir)) {
    console.log(`${scenario.name}  [${scenario.claims.join(', ')}]  ${file}`);
    console.log(`  ${scenario.description}`);
    console.log(`  attack ${scenario.attack.kind}: ${attack.description}`);
    console.log(`  profiles: ${profilesOf(scenario).join(', ')}`);
  }
  return 0;
}

export const scenarioCommand: Command = {
  name: 'scenario',
  summary: 'run threat scenarios (attacks in the simulator) and give the security claims their verdicts',
  help,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, FLAGS, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    const [action, ...targets] = positionals;
    if (action === 'list') {
      if (targets.length > 1) throw new UsageError(`list takes at most one directory, got ${targets.length}\n\n${help}`);
      return list(targets[0] ?? DEFAULT_DIR);
    }
    if (action === 'run') {
      if (targets.length !== 1) throw new UsageError(`run takes exactly one scenario file or directory, got ${targets.length}\n\n${help}`);
      return run(targets[0]!, values);
    }
    throw new UsageError(`expected "run" or "list", got ${action === undefined ? 'nothing' : `"${action}"`}\n\n${help}`);
  },
};

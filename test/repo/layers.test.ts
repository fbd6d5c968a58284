/**
 * The layers point one way (src ← sim ← bench ← attacks ← scenarios ← topo ← lab) and no files import
 * each other in a loop: dependency-cruiser checks every import, type-only ones included, against
 * the rules in .dependency-cruiser.cjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAYERS = ['src', 'sim', 'bench', 'attacks', 'scenarios', 'topo', 'lab', 'bin', 'test'];

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

interface CruiseResult {
  summary: { violations: Violation[]; totalCruised: number; error: number };
}

function cruise(): CruiseResult {
  const run = spawnSync(process.execPath, ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...LAYERS], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.error) throw run.error;
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as CruiseResult;
}

const describe = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.cycle ? v.cycle.map((step) => step.name).join(' → ') : v.to}`;

test('no import runs from a lower layer to a higher one, and no files import each other in a loop', () => {
  const { summary } = cruise();
  assert.ok(summary.totalCruised > 300, `cruised ${summary.totalCruised} modules: the paths in the test or the config are wrong`);
  const errors = summary.violations.filter((v) => v.rule.severity === 'error');
  assert.deepEqual(errors.map(describe), []);
});

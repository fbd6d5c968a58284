import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { resolveAttackTarget, TargetNotAllowedError } from '../../attacks/live/target.ts';
import { preflight, TopoEnvironmentError } from '../../topo/engine.ts';
import { REPO_ROOT } from '../../topo/run.ts';

const TOPOLOGY = 'scenarios/topologies/three-nodes-attacker.yaml';

function topo(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'topo', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
}

test('without root, topo says it needs root', async () => {
  await assert.rejects(preflight({ shaping: true, uid: 1000 }), (err: unknown) => err instanceof TopoEnvironmentError && /needs root/.test(err.message));
});

test('without an engine, topo run names what is missing and exits 1, before building anything', () => {
  const run = topo(['run', TOPOLOGY], { ...process.env, DOCKER_HOST: 'unix:///nonexistent/asoc-lab-test.sock' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /asoc-lab topo: TopoEnvironmentError: (no Docker engine answers|the docker command is not installed|asoc-lab topo needs root)/);
  assert.doesNotMatch(run.stdout, /building/);
});

test('without the docker command, topo run says so and exits 1', () => {
  const run = topo(['run', TOPOLOGY], { ...process.env, PATH: '/nonexistent' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /TopoEnvironmentError: (the docker command is not installed|asoc-lab topo needs root)/);
});

test('topo compose prints the compose file; a topology outside 198.18.0.0/15 is refused with its field', () => {
  const ok = topo(['compose', TOPOLOGY], process.env);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^# three-nodes-attacker: /);
  const bad = topo(['compose', 'test/topo/fixtures/outside-bench-net.yaml'], process.env);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /topology\.hosts\[0\]\.address: a is at 10\.9\.0\.2, outside 198\.18\.0\.0\/15/);
});

test('attacks refuse an address in 198.18.0.0/15 unless asked to allow it', async () => {
  await assert.rejects(resolveAttackTarget('198.18.0.2:9000'), TargetNotAllowedError);
  await assert.rejects(resolveAttackTarget('10.0.0.2:9000', { allowBenchNet: true }), TargetNotAllowedError);
});

/**
 * Which compose runs the containers: docker-compose (1.29) or the docker CLI's `compose` plugin
 * (v2), picked by --compose, else $ASOC_COMPOSE, else whichever is installed. The commands here
 * are stand-ins on PATH that answer `version --short` as each compose would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { COMPOSE_ENV, findCompose, TopoEnvironmentError } from '../../topo/engine.ts';
import { REPO_ROOT } from '../../topo/run.ts';

/** A folder with docker-compose answering 1.29.2 and docker whose `compose version` answers `v2` (or fails, as without the plugin). */
function standIns(v2: string | null): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'asoc-compose-'));
  const script = (name: string, body: string) => {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  };
  script('docker-compose', 'echo 1.29.2');
  script('docker', v2 === null ? 'echo "docker: unknown command: docker $1" >&2; exit 1' : `[ "$1" = compose ] && echo ${v2}`);
  return dir;
}

/** Runs `body` with PATH holding only the stand-ins and $ASOC_COMPOSE set as given. */
async function withStandIns<T>(v2: string | null, chosen: string | undefined, body: () => Promise<T>): Promise<T> {
  const dir = standIns(v2);
  const saved = { path: process.env.PATH, chosen: process.env[COMPOSE_ENV] };
  process.env.PATH = dir;
  if (chosen === undefined) delete process.env[COMPOSE_ENV];
  else process.env[COMPOSE_ENV] = chosen;
  try {
    return await body();
  } finally {
    process.env.PATH = saved.path;
    if (saved.chosen === undefined) delete process.env[COMPOSE_ENV];
    else process.env[COMPOSE_ENV] = saved.chosen;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('without a choice, docker-compose where installed; --compose v2 (or ASOC_COMPOSE=v2) picks `docker compose`', async () => {
  await withStandIns('2.26.1-4', undefined, async () => {
    assert.deepEqual(await findCompose(), ['docker-compose']);
    assert.deepEqual(await findCompose('v2'), ['docker', 'compose']);
    assert.deepEqual(await findCompose('v1'), ['docker-compose']);
  });
  await withStandIns('2.26.1-4', 'v2', async () => assert.deepEqual(await findCompose(), ['docker', 'compose']));
  // The option wins over the environment.
  await withStandIns('2.26.1-4', 'v2', async () => assert.deepEqual(await findCompose('v1'), ['docker-compose']));
});

test('v2 asked for where the plugin is missing, or answers another major version: the error says so and how to get it', async () => {
  await withStandIns(null, undefined, async () => {
    await assert.rejects(findCompose('v2'), (err: unknown) => err instanceof TopoEnvironmentError && /compose v2 was asked for, but `docker compose version` does not answer .*topo\/compose-v2\.sh/.test(err.message));
  });
  await withStandIns('1.29.2', undefined, async () => {
    await assert.rejects(findCompose('v2'), (err: unknown) => err instanceof TopoEnvironmentError && /answers 1\.29\.2/.test(err.message));
  });
});

test('ASOC_COMPOSE other than v1 or v2 is refused naming the variable; so is --compose', async () => {
  await withStandIns('2.26.1-4', 'v3', async () => {
    await assert.rejects(findCompose(), (err: unknown) => err instanceof TopoEnvironmentError && /ASOC_COMPOSE must be one of v1, v2, got "v3"/.test(err.message));
  });
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'topo', 'run', 'scenarios/topologies/three-nodes-attacker.yaml', '--compose', 'v3'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /--compose must be one of v1, v2, got "v3"/);
});

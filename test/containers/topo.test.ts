/**
 * The container back-end on a real Docker engine. These tests start containers, so they run only
 * when ASOC_CONTAINER_TESTS=1 (CI's container step sets it, after topo/setup-docker.sh) and an
 * engine answers; otherwise each skips and says why.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findCompose, type ComposeChoice } from '../../topo/engine.ts';
import { REPO_ROOT, topoRun, type TopoRunResult } from '../../topo/run.ts';
import { interruptWhen } from '../support/interrupted-run.ts';

const TOPOLOGY = path.join(REPO_ROOT, 'scenarios/topologies/three-nodes-attacker.yaml');
const STREAM_BYTES = 256 * 1024 * 1024;
/** Three nodes, no attacker, 32 MiB: the comparison profiles, kept small (CI's container part has a budget). */
const SMALL_TOPOLOGY = path.join(REPO_ROOT, 'test/topo/fixtures/three-nodes-small.yaml');

function skipReason(): string | false {
  if (process.env.ASOC_CONTAINER_TESTS !== '1') return 'container tests run with ASOC_CONTAINER_TESTS=1 (CI sets it once topo/setup-docker.sh has an engine answering)';
  const info = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  if (info.status !== 0) return `no Docker engine answers: ${(info.stderr || String(info.error)).trim().split('\n').at(-1)}`;
  return false;
}
const skip = skipReason();

function docker(args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', timeout: 120_000 });
}

function run(profile?: 'asoc-hardened', compose?: ComposeChoice): Promise<TopoRunResult> {
  return topoRun({ file: TOPOLOGY, repoRoot: REPO_ROOT, outDir: mkdtempSync(path.join(tmpdir(), 'asoc-topo-')), profile, compose, log: () => {} });
}

function assertNothingLeft(result: TopoRunResult): void {
  assert.deepEqual(result.leftovers, { containers: [], networks: [], danglingImages: [], errors: [] });
  assert.equal(docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=asoc-lab-three-nodes-attacker']).trim(), '');
  assert.equal(docker(['network', 'ls', '-q', '--filter', 'label=com.docker.compose.project=asoc-lab-three-nodes-attacker']).trim(), '');
}

/** Why a compose cannot be tested here, or false when it answers (CI provides v2 with topo/compose-v2.sh; GitHub's runners have no 1.29). */
function composeSkipReason(choice: ComposeChoice): string | false {
  const [command, ...prefix] = choice === 'v1' ? ['docker-compose'] : ['docker', 'compose'];
  const answer = spawnSync(command!, [...prefix, 'version', '--short'], { encoding: 'utf8', timeout: 15_000 });
  if (answer.status === 0 && new RegExp(`^v?${choice === 'v1' ? 1 : 2}\\.`).test(answer.stdout.trim())) return false;
  const hint = choice === 'v1' ? 'Debian\'s docker-compose package' : 'as root, topo/compose-v2.sh provides it';
  return `compose ${choice} is not installed (${hint}): ${`${answer.stdout ?? ''}${answer.stderr ?? ''}`.trim().split('\n').at(-1) || answer.error}`;
}

for (const choice of ['v1', 'v2'] as const) {
  test(`compose ${choice} (${choice === 'v1' ? 'docker-compose 1.29' : '`docker compose`'}) config accepts the repository's docker-compose.yml`, { skip }, async (t) => {
    const reason = composeSkipReason(choice);
    if (reason) return t.skip(reason);
    const [command, ...prefix] = await findCompose(choice);
    const resolved = execFileSync(command!, [...prefix, '-f', path.join(REPO_ROOT, 'docker-compose.yml'), 'config'], { encoding: 'utf8', cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(resolved, /ipv4_address: 198\.18\.0\.2/);
    assert.match(resolved, /image: asoc-lab:local/);
  });
}

test('asoc-v1 on three containers: 256 MiB sender → receiver hash-checked and shaped, discovery finds all three, the attacker\'s replay succeeds, nothing left', { skip }, async () => {
  const result = await run();
  assert.deepEqual(result.problems, []);
  const [stream] = result.streams;
  assert.equal(stream?.bytes, STREAM_BYTES);
  assert.equal(stream?.hashChecked, true);
  // The ports are shaped to 2 Gbit/s: 250 MB/s on the wire, less after TCP/IP headers.
  assert.ok(stream!.mbps > 0 && stream!.mbps <= 250, `${stream!.mbps} MB/s through a 2 Gbit/s port`);
  assert.deepEqual(result.discovery.map((d) => [d.name, d.found, d.expected]), [['receiver', 2, 2], ['sender', 2, 2], ['observer', 2, 2]]);
  assert.deepEqual(result.attacks.map((a) => [a.name, a.profile, a.outcome]), [['hello-replay', 'asoc-v1', 'SUCCEEDED']]);
  assertNothingLeft(result);
});

test('asoc-hardened on the same containers: the stream still arrives whole, the attacker\'s replay is refused, nothing left', { skip }, async () => {
  const result = await run('asoc-hardened');
  assert.deepEqual(result.problems, []);
  assert.equal(result.streams[0]?.hashChecked, true);
  assert.deepEqual(result.attacks.map((a) => [a.name, a.profile, a.outcome]), [['hello-replay', 'asoc-hardened', 'REFUSED']]);
  assertNothingLeft(result);
});

test('with `docker compose` v2 as the compose tool: the three containers stream, discover and replay as with 1.29, nothing left', { skip }, async (t) => {
  const reason = composeSkipReason('v2');
  if (reason) return t.skip(reason);
  const result = await run(undefined, 'v2');
  assert.equal(result.compose, 'docker compose');
  assert.deepEqual(result.problems, []);
  assert.equal(result.streams[0]?.hashChecked, true);
  assert.deepEqual(result.discovery.map((d) => d.found), [2, 2, 2]);
  assert.deepEqual(result.attacks.map((a) => a.outcome), ['SUCCEEDED']);
  assertNothingLeft(result);
});

for (const [profile, transport] of [['stt', 'udp'], ['subduction', 'tcp']] as const) {
  test(`${profile} over ${transport} on three containers: 32 MiB hash-checked, discovery finds all three, every node reports ${profile} over ${transport}, nothing left`, { skip }, async () => {
    const result = await topoRun({ file: SMALL_TOPOLOGY, repoRoot: REPO_ROOT, outDir: mkdtempSync(path.join(tmpdir(), 'asoc-topo-')), profile, transport, log: () => {} });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.streams.map((s) => [s.bytes, s.hashChecked]), [[32 * 1024 * 1024, true]]);
    assert.deepEqual(result.discovery.map((d) => [d.name, d.found, d.expected]), [['receiver', 2, 2], ['sender', 2, 2], ['observer', 2, 2]]);
    assert.deepEqual(result.nodes.map((n) => [n.name, n.profile, n.transport]).sort(), [['observer', profile, transport], ['receiver', profile, transport], ['sender', profile, transport]]);
    assert.equal(result.transport, transport);
    assert.deepEqual(result.leftovers, { containers: [], networks: [], danglingImages: [], errors: [] });
  });
}

test('Ctrl-C during a run: it stops, takes the containers and the network down, and exits 1', { skip }, async () => {
  const { code, out } = await interruptWhen(['topo', 'run', TOPOLOGY, '--out', mkdtempSync(path.join(tmpdir(), 'asoc-topo-'))], 'running the workloads', REPO_ROOT);
  assert.equal(code, 1, out);
  assert.match(out, /SIGINT: stopping, taking the containers down/);
  assert.match(out, /teardown: no container, network or unnamed image left/);
  assert.equal(docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=asoc-lab-three-nodes-attacker']).trim(), '');
});

test('docker stack deploy runs docker-compose.yml on a one-machine swarm', { skip }, async (t) => {
  const state = docker(['info', '--format', '{{.Swarm.LocalNodeState}}']).trim();
  if (state !== 'inactive') return t.skip(`this engine is already in a swarm (${state}): not touching it`);
  const dir = mkdtempSync(path.join(tmpdir(), 'asoc-stack-'));
  copyFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
  writeFileSync(path.join(dir, '.asoc-api-key'), 'stack-test-key\n');
  const stack = 'asoclabtest';
  const hadGatewayBridge = docker(['network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$']).trim() !== '';
  docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  try {
    execFileSync('docker', ['stack', 'deploy', '-c', 'docker-compose.yml', stack], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    let replicas = '';
    for (let i = 0; i < 120 && !/^(\S+ 1\/1\n){4}$/.test(replicas); i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      replicas = docker(['stack', 'services', stack, '--format', '{{.Name}} {{.Replicas}}']).split('\n').filter(Boolean).sort().join('\n') + '\n';
    }
    assert.match(replicas, /^(\S+ 1\/1\n){4}$/, `services not all running:\n${replicas}`);
    // Running is not yet listening: the node starts a few seconds after its container.
    let logs = '';
    for (let i = 0; i < 60 && !logs.includes('"event":"listening","name":"receiver"'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      logs = execFileSync('docker', ['service', 'logs', '--raw', `${stack}_receiver`], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    assert.match(logs, /ASOC-TOPO \{"event":"listening","name":"receiver"/);
  } finally {
    spawnSync('docker', ['stack', 'rm', stack], { timeout: 120_000 });
    for (let i = 0; i < 60 && docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`]).trim() !== ''; i++) await new Promise((resolve) => setTimeout(resolve, 1000));
    spawnSync('docker', ['swarm', 'leave', '--force'], { timeout: 120_000 });
    // The swarm made this bridge for its containers; leave the engine as the test found it.
    if (!hadGatewayBridge) spawnSync('docker', ['network', 'rm', 'docker_gwbridge'], { timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`]).trim(), '');
});

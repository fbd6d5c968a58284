/**
 * The network-namespace back-end for real: namespaces, veths, a bridge and tc, nodes started with
 * `ip netns exec`. These need root and working `ip netns`; without them each test skips and says why.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ProfileName } from '../../src/core/profile.ts';
import { hostNamespace, topologyPrefix } from '../../topo/netns.ts';
import { NamespaceRunError } from '../../topo/netns-deployment.ts';
import { netnsDown, netnsRun, netnsUp, type NetnsRunResult } from '../../topo/netns-run.ts';
import { REPO_ROOT } from '../../topo/run.ts';
import { interruptWhen } from '../support/interrupted-run.ts';

const TOPOLOGY = path.join(REPO_ROOT, 'scenarios/topologies/three-nodes-attacker.yaml');
const NAME = 'three-nodes-attacker';
const STREAM_BYTES = 256 * 1024 * 1024;
/** Three nodes, no attacker, 32 MiB: the comparison profiles, kept small. */
const SMALL_TOPOLOGY = path.join(REPO_ROOT, 'test/topo/fixtures/three-nodes-small.yaml');

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'the namespace back-end needs root (ip netns, tc)';
  const probe = `asoclab-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8', timeout: 15_000 });
  if (added.status !== 0) return `ip netns does not work here: ${(added.stderr || String(added.error)).trim().split('\n').at(-1)}`;
  spawnSync('ip', ['netns', 'delete', probe], { timeout: 15_000 });
  return false;
}
const skip = skipReason();
if (skip) console.log(`# skipping the namespace back-end's runs: ${skip}`);

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 15_000 });
}

/** The root namespace's interfaces (names) and routes, to check a run leaves them as they were. */
function rootNetwork(): string {
  const links = ip(['-o', 'link', 'show']).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0]).filter(Boolean).sort();
  return `${links.join(' ')}\n${ip(['route', 'show'])}`;
}

function topologyNamespaces(): string[] {
  return ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(topologyPrefix(NAME)));
}

function options() {
  return { file: TOPOLOGY, repoRoot: REPO_ROOT, outDir: mkdtempSync(path.join(tmpdir(), 'asoc-netns-')), log: () => {} };
}

function assertNothingLeft(result: NetnsRunResult): void {
  assert.deepEqual(result.leftovers, { namespaces: [], processes: [], errors: [] });
  assert.deepEqual(topologyNamespaces(), []);
}

test('asoc-v1 on namespaces: 256 MiB sender → receiver hash-checked and shaped, discovery finds all three, the replay succeeds, nothing left, the root namespace untouched', { skip }, async () => {
  const before = rootNetwork();
  const result = await netnsRun(options());
  assert.deepEqual(result.problems, []);
  const [stream] = result.streams;
  assert.equal(stream?.bytes, STREAM_BYTES);
  assert.equal(stream?.hashChecked, true);
  // Every port is shaped to 2 Gbit/s: 250 MB/s on the wire, less after TCP/IP headers.
  assert.ok(stream!.mbps > 0 && stream!.mbps <= 250, `${stream!.mbps} MB/s through a 2 Gbit/s port`);
  assert.deepEqual(result.discovery.map((d) => [d.name, d.found, d.expected]), [['receiver', 2, 2], ['sender', 2, 2], ['observer', 2, 2]]);
  assert.deepEqual(result.attacks.map((a) => [a.name, a.profile, a.outcome]), [['hello-replay', 'asoc-v1', 'SUCCEEDED']]);
  assertNothingLeft(result);
  assert.equal(rootNetwork(), before);
});

test('asoc-hardened on the same namespaces: the stream still arrives whole, the replay is refused, nothing left', { skip }, async () => {
  const result = await netnsRun({ ...options(), profile: 'asoc-hardened' });
  assert.deepEqual(result.problems, []);
  assert.equal(result.streams[0]?.hashChecked, true);
  assert.deepEqual(result.attacks.map((a) => [a.name, a.profile, a.outcome]), [['hello-replay', 'asoc-hardened', 'REFUSED']]);
  assertNothingLeft(result);
});

for (const [profile, transport] of [['stt', 'udp'], ['subduction', 'tcp']] as const) {
  test(`${profile} over ${transport} on three namespaces: 32 MiB hash-checked, discovery finds all three, every node reports ${profile} over ${transport}, nothing left`, { skip }, async () => {
    const result = await netnsRun({ ...options(), file: SMALL_TOPOLOGY, profile, transport });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.streams.map((s) => [s.bytes, s.hashChecked]), [[32 * 1024 * 1024, true]]);
    assert.deepEqual(result.discovery.map((d) => [d.name, d.found, d.expected]), [['receiver', 2, 2], ['sender', 2, 2], ['observer', 2, 2]]);
    assert.deepEqual(result.nodes.map((n) => [n.name, n.profile, n.transport]).sort(), [['observer', profile, transport], ['receiver', profile, transport], ['sender', profile, transport]]);
    assert.equal(result.transport, transport);
    assert.deepEqual(result.leftovers, { namespaces: [], processes: [], errors: [] });
  });
}

test('a node that stops before listening: the run names it, tears down, and leaves nothing', { skip }, async () => {
  // Every node refuses a profile that does not exist, and exits at once.
  const result = await netnsRun({ ...options(), profile: 'no-such-profile' as ProfileName });
  assert.match(result.problems[0] ?? '', /^(receiver|sender|observer|attacker)'s node stopped early \(exit code [1-9]\d*\)/);
  assert.equal(result.streams[0]?.hashChecked, false);
  assertNothingLeft(result);
});

test('up: one namespace per host plus the bridge\'s, each eth0 on its address and shaped by tbf inside the namespace, the root namespace untouched, a second run refused; down removes them all', { skip }, async () => {
  const before = rootNetwork();
  const dep = await netnsUp(options());
  try {
    assert.deepEqual(topologyNamespaces().sort(), [...dep.plan.hosts.map((h) => hostNamespace(NAME, h.name)), `${topologyPrefix(NAME)}_bridge`].sort());
    const sender = hostNamespace(NAME, 'sender');
    assert.match(ip(['-n', sender, '-o', '-4', 'addr', 'show', 'dev', 'eth0']), /inet 198\.18\.0\.3\/24 brd 198\.18\.0\.255/);
    assert.match(execFileSync('tc', ['-n', sender, 'qdisc', 'show', 'dev', 'eth0'], { encoding: 'utf8' }), /qdisc tbf \S+ root .*rate 2Gbit/);
    assert.equal(rootNetwork(), before, 'no interface or route in the root namespace');
    assert.equal(dep.nodes.length, 4);
    // A second run of the same topology refuses, and leaves the first one's namespaces alone.
    await assert.rejects(netnsRun(options()), (err: unknown) => err instanceof NamespaceRunError && /is up already/.test(err.message));
    assert.equal(topologyNamespaces().length, 5);
  } finally {
    const left = await netnsDown(options());
    assert.deepEqual(left, { namespaces: [], processes: [], errors: [] });
  }
  assert.deepEqual(topologyNamespaces(), []);
  for (const node of dep.nodes) assert.throws(() => process.kill(node.pid, 0), `node ${node.host.name} (pid ${node.pid}) is gone`);
});

test('Ctrl-C during a namespace run: it stops, takes the namespaces down, and exits 1', { skip }, async () => {
  const { code, out } = await interruptWhen(['topo', 'run', TOPOLOGY, '--backend', 'netns', '--out', options().outDir], 'running the workloads', REPO_ROOT);
  assert.equal(code, 1, out);
  assert.match(out, /SIGINT: stopping, taking the namespaces down/);
  assert.match(out, /teardown: no namespace or process left/);
  assert.deepEqual(topologyNamespaces(), []);
});

test('topo/netns-leftovers.sh check finds no asoclab- namespace after the runs', { skip }, () => {
  const check = spawnSync(path.join(REPO_ROOT, 'topo/netns-leftovers.sh'), ['check'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /nothing left/);
});

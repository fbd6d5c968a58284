/** The network-namespace back-end's layout and checks, without creating anything (no root needed). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { TopoEnvironmentError } from '../../topo/engine.ts';
import { bridgeNamespace, hostNamespace, netnsShapingCommands, setupCommands, topologyPrefix } from '../../topo/netns.ts';
import { preflightNetns } from '../../topo/netns-deployment.ts';
import { loadTopology, REPO_ROOT } from '../../topo/run.ts';

const TOPOLOGY = 'scenarios/topologies/three-nodes-attacker.yaml';
const { plan } = loadTopology(`${REPO_ROOT}/${TOPOLOGY}`, REPO_ROOT);

function topo(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'topo', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
}

test('namespace names: asoclab-<topology>@<host>, the bridge\'s one no host can have, no other topology\'s prefix', () => {
  assert.equal(hostNamespace('three-nodes-attacker', 'sender'), 'asoclab-three-nodes-attacker@sender');
  assert.equal(bridgeNamespace('three-nodes-attacker'), 'asoclab-three-nodes-attacker@_bridge');
  assert.ok(!hostNamespace('a-b', 'c').startsWith(topologyPrefix('a')), 'topology "a" does not claim topology "a-b"\'s namespaces');
});

test('every ip command adds one of the topology\'s namespaces or runs inside one: nothing in the root namespace', () => {
  const ours = (name: string | undefined) => name !== undefined && name.startsWith(topologyPrefix(plan.name));
  const commands = setupCommands(plan);
  for (const args of commands) {
    const inside = args[0] === '-n' && ours(args[1]);
    const adds = args[0] === 'netns' && args[1] === 'add' && ours(args[2]);
    assert.ok(inside || adds, `ip ${args.join(' ')}`);
  }
  assert.equal(commands.filter((a) => a[0] === 'netns').length, plan.hosts.length + 1, 'one namespace per host and one for the bridge');
});

test('each host\'s eth0 is a veth to the bridge, its address the file\'s on the topology\'s subnet', () => {
  const commands = setupCommands(plan).map((a) => a.join(' '));
  assert.ok(commands.includes('-n asoclab-three-nodes-attacker@_bridge link add p1 type veth peer name eth0 netns asoclab-three-nodes-attacker@sender'));
  assert.ok(commands.includes('-n asoclab-three-nodes-attacker@_bridge link set p1 master br0 up'));
  assert.ok(commands.includes('-n asoclab-three-nodes-attacker@sender addr add 198.18.0.3/24 broadcast 198.18.0.255 dev eth0'));
});

test('shaping: each host\'s tc runs inside its namespace on its eth0 (a 2 Gbit/s tbf for the default topology)', () => {
  const commands = netnsShapingCommands(plan);
  assert.equal(commands.length, plan.hosts.length);
  for (const [i, args] of commands.entries()) {
    assert.deepEqual(args.slice(0, 2), ['-n', hostNamespace(plan.name, plan.hosts[i]!.name)]);
    assert.deepEqual(args.slice(2, 9), ['qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate']);
    assert.equal(args[9], '2000000000bit');
  }
});

test('without root, the namespace back-end says it needs root', async () => {
  await assert.rejects(preflightNetns({ shaping: true, uid: 1000 }), (err: unknown) => err instanceof TopoEnvironmentError && /needs root/.test(err.message));
});

test('without ip, topo run --backend netns says so and exits 1', () => {
  const run = topo(['run', TOPOLOGY, '--backend', 'netns'], { ...process.env, PATH: '/nonexistent' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /TopoEnvironmentError: (ip is not installed: namespaces, veths and the bridge are made with it|asoc-lab topo --backend netns needs root)/);
});

test('an unknown back-end, or one that does not do the subcommand, is a usage error', () => {
  const unknown = topo(['run', TOPOLOGY, '--backend', 'vm']);
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /--backend must be one of container, netns, got "vm"/);
  const compose = topo(['compose', TOPOLOGY, '--backend', 'netns']);
  assert.equal(compose.status, 2, compose.stderr);
  assert.match(compose.stderr, /topo compose runs on containers only; --backend netns is for run, up, down, fidelity and scale/);
});

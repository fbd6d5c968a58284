import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseScenario, ScenarioError } from '../../scenarios/load.ts';
import { assertBenchAddress, BenchNetError, coveringSubnet, isBenchAddress } from '../../topo/bench-net.ts';
import { composeText } from '../../topo/compose.ts';
import { formatEvent, parseEvents } from '../../topo/events.ts';
import { planContainers, TopologyPlanError } from '../../topo/plan.ts';
import { loadTopology, REPO_ROOT } from '../../topo/run.ts';
import { shapingCommands } from '../../topo/shaping.ts';

const DEFAULT_TOPOLOGY = 'scenarios/topologies/three-nodes-attacker.yaml';

function topology(hosts: string, rest = ''): string {
  return `
name: t
description: test
stop: { maxMs: 1000 }
topology:
  hosts:
${hosts}
  switches:
    - { name: lan, hosts: all, port: { bandwidthBps: 1Gbps, latencyMs: 0.1 } }
nodes:
  - { on: [a, b] }
${rest}`;
}

const TWO = `    - { name: a, address: 198.18.7.2 }
    - { name: b, address: 198.18.7.3 }`;

function planProblems(text: string): readonly string[] {
  try {
    planContainers(parseScenario(text, 't.yaml'), 't.yaml');
  } catch (err) {
    assert.ok(err instanceof TopologyPlanError, `expected a TopologyPlanError, got ${err}`);
    return err.problems;
  }
  assert.fail('the topology was accepted');
}

test('the default topology: one container per host with its roles, on the /24 that holds them, every port shaped', () => {
  const { plan, topologyPath } = loadTopology(`${REPO_ROOT}/${DEFAULT_TOPOLOGY}`, REPO_ROOT);
  assert.equal(topologyPath, DEFAULT_TOPOLOGY);
  assert.deepEqual(
    plan.hosts.map((h) => [h.name, h.address, h.roles.join('+'), h.node?.profile ?? null]),
    [
      ['receiver', '198.18.0.2', 'receiver', 'asoc-v1'],
      ['sender', '198.18.0.3', 'sender', 'asoc-v1'],
      ['observer', '198.18.0.4', 'observer', 'asoc-v1'],
      ['attacker', '198.18.0.5', 'attacker', null],
    ],
  );
  assert.deepEqual(plan.subnet, { network: '198.18.0.0', prefix: 24, gateway: '198.18.0.1', broadcast: '198.18.0.255' });
  assert.deepEqual(plan.streams, [{ workload: 'stream', from: 'sender', to: 'receiver', bytes: 256 * 1024 * 1024, chunkBytes: 1024 * 1024, atMs: 0 }]);
  assert.deepEqual(plan.attacks, [{ name: 'hello-replay', from: 'attacker', target: 'receiver', replayTo: ['observer'] }]);
  for (const host of plan.hosts) assert.deepEqual(host.egress, [{ to: 'default', rateBps: 2e9 }]);
  assert.match(plan.simulatorOnly.join('\n'), /latencyMs: the simulator's alone \(this kernel has no netem/);
});

test('--profile puts every node on one profile', () => {
  const { plan } = loadTopology(`${REPO_ROOT}/${DEFAULT_TOPOLOGY}`, REPO_ROOT, { profile: 'asoc-hardened' });
  assert.deepEqual([...new Set(plan.hosts.flatMap((h) => (h.node ? [h.node.profile] : [])))], ['asoc-hardened']);
});

test('--transport udp: every node runs stt over UDP; another profile, or a file with attacks (they speak TCP), is refused naming each node and attack', () => {
  const small = `${REPO_ROOT}/test/topo/fixtures/three-nodes-small.yaml`;
  const { plan } = loadTopology(small, REPO_ROOT, { profile: 'stt', transport: 'udp' });
  assert.deepEqual(plan.hosts.map((h) => [h.name, h.node?.profile, h.node?.transport]), [['receiver', 'stt', 'udp'], ['sender', 'stt', 'udp'], ['observer', 'stt', 'udp']]);
  assert.deepEqual([...new Set(loadTopology(small, REPO_ROOT, { profile: 'subduction' }).plan.hosts.map((h) => h.node?.transport))], ['tcp']);
  assert.throws(() => loadTopology(small, REPO_ROOT, { profile: 'subduction', transport: 'udp' }), TopologyPlanError);
  assert.throws(() => loadTopology(small, REPO_ROOT, { transport: 'udp' }), (err: TopologyPlanError) => {
    assert.deepEqual(err.problems, ['receiver', 'sender', 'observer'].map((h) => `nodes[0].profile: ${h} speaks asoc-v1, which runs over tcp only: over udp every node speaks stt (--profile stt)`));
    return true;
  });
  assert.throws(() => loadTopology(`${REPO_ROOT}/${DEFAULT_TOPOLOGY}`, REPO_ROOT, { profile: 'stt', transport: 'udp' }), (err: TopologyPlanError) => {
    assert.deepEqual(err.problems, ['attacks[0]: hello-replay: the live attacks speak TCP to their target; run this file over tcp, or without its attacks']);
    return true;
  });
});

test('the repository\'s docker-compose.yml is the one generated from the default topology', () => {
  const { plan, topologyPath } = loadTopology(`${REPO_ROOT}/${DEFAULT_TOPOLOGY}`, REPO_ROOT);
  const generated = composeText(plan, { topologyPath, context: '.', keyFile: './.asoc-api-key' });
  assert.equal(readFileSync(`${REPO_ROOT}/docker-compose.yml`, 'utf8'), generated, `docker-compose.yml is out of date: asoc-lab topo compose ${DEFAULT_TOPOLOGY} --write docker-compose.yml`);
  assert.match(generated, /ipv4_address: 198\.18\.0\.2\n/);
  assert.match(generated, /subnet: 198\.18\.0\.0\/24\n/);
  assert.match(generated, /asoc_api_key:\n\s+file: \.\/\.asoc-api-key\n/);
  assert.doesNotMatch(generated, /asoc-lab-sim-key/, 'the key never appears in the compose file');
});

test('every shipped topology is in 198.18.0.0/15 and plans for containers', () => {
  for (const name of ['two-node-10gbe', 'eight-node-fanout', 'partition-and-heal', 'lossy-wan', 'three-nodes-attacker']) {
    const { plan } = loadTopology(`${REPO_ROOT}/scenarios/topologies/${name}.yaml`, REPO_ROOT);
    for (const host of plan.hosts) assert.ok(isBenchAddress(host.address), `${name}: ${host.name} at ${host.address}`);
  }
});

test('a link shapes both ends towards each other; a switch port shapes the egress to anyone', () => {
  const text = `
name: t
description: test
stop: { maxMs: 1000 }
topology:
  hosts:
    - { name: a, address: 198.18.7.2 }
    - { name: b, address: 198.18.7.3 }
    - { name: c, address: 198.18.7.4 }
  links:
    - { between: [a, b], bandwidthBps: 10Gbps }
  switches:
    - { name: lan, hosts: [b, c], port: { bandwidthBps: 1Gbps } }
nodes:
  - { on: [a, b, c] }
`;
  const plan = planContainers(parseScenario(text, 't.yaml'), 't.yaml');
  const egress = Object.fromEntries(plan.hosts.map((h) => [h.name, h.egress]));
  assert.deepEqual(egress.a, [{ to: '198.18.7.3', rateBps: 1e10 }]);
  assert.deepEqual(egress.b, [{ to: 'default', rateBps: 1e9 }, { to: '198.18.7.2', rateBps: 1e10 }]);
  assert.deepEqual(egress.c, [{ to: 'default', rateBps: 1e9 }]);
});

test('addresses outside 198.18.0.0/15, or on the network\'s own, gateway or broadcast address, are refused with their field', () => {
  assert.deepEqual(planProblems(topology(`    - { name: a, address: 10.0.0.2 }\n    - { name: b, address: 198.18.7.3 }`)), [
    'topology.hosts[0].address: a is at 10.0.0.2, outside 198.18.0.0/15 (the only block containers use)',
  ]);
  const problems = planProblems(topology(`    - { name: a, address: 198.18.7.1 }\n    - { name: b, address: 198.18.7.3 }`));
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /a is at 198\.18\.7\.1, which is the network's own address, its gateway/);
});

test('attacks: an unknown attack name is a plan problem; an attacker that runs a node, or a target without one, a schema error', () => {
  const attacker = `${TWO}\n    - { name: x, address: 198.18.7.9 }`;
  assert.deepEqual(planProblems(topology(attacker, 'attacks:\n  - { name: teleport, from: x, target: a }')), [
    'attacks[0].name: no attack named "teleport" (one of: hello-replay, oversized-frame, connection-flood, failed-auth-burst, slow-handshake)',
  ]);
  assert.throws(
    () => parseScenario(topology(attacker, 'attacks:\n  - { name: hello-replay, from: a, target: x }'), 't.yaml'),
    (err: unknown) => err instanceof ScenarioError && err.problems.includes('attacks[0].from: host "a" runs a node: an attack comes from a host without one') && err.problems.includes('attacks[0].target: host "x" runs no node'),
  );
});

test('a topology the image does not carry (outside scenarios/) is mounted read-only into every container', () => {
  const file = `${REPO_ROOT}/test/topo/fixtures/mounted.yaml`;
  const topology = loadTopology(file, REPO_ROOT);
  assert.deepEqual([topology.topologyPath, topology.mountFrom], ['/topology/mounted.yaml', file]);
  const text = composeText(topology.plan, { topologyPath: topology.topologyPath, mountFrom: topology.mountFrom, context: REPO_ROOT, keyFile: '/k' });
  assert.match(text, new RegExp(`volumes:\\n\\s+- ${file}:/topology/mounted.yaml:ro\\n`));
  assert.match(text, /- \/topology\/mounted\.yaml\n/);
});

test('the bench block: 198.18.0.0/15 only, and the subnet that covers a topology', () => {
  assert.equal(isBenchAddress('198.18.0.1'), true);
  assert.equal(isBenchAddress('198.19.255.254'), true);
  assert.equal(isBenchAddress('198.20.0.1'), false);
  assert.equal(isBenchAddress('10.0.0.1'), false);
  assert.equal(isBenchAddress('::1'), false);
  assert.throws(() => assertBenchAddress('192.168.1.1', 'peer'), BenchNetError);
  assert.deepEqual(coveringSubnet(['198.18.5.2', '198.18.6.2']), { network: '198.18.4.0', prefix: 22, gateway: '198.18.4.1', broadcast: '198.18.7.255' });
  assert.deepEqual(coveringSubnet(['198.19.0.2', '198.19.3.233']).prefix, 22);
});

test('shaping: one rate is a tbf on eth0; rates per destination an htb with a class and filter for each', () => {
  assert.deepEqual(shapingCommands([]), []);
  assert.deepEqual(shapingCommands([{ to: 'default', rateBps: 2e9 }]), [['qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', '2000000000bit', 'burst', '1000000', 'latency', '50ms']]);
  const htb = shapingCommands([{ to: '198.18.2.3', rateBps: 1e10 }]);
  assert.deepEqual(htb[0], ['qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', '1:', 'htb', 'default', '1']);
  assert.deepEqual(htb.at(-1), ['filter', 'add', 'dev', 'eth0', 'parent', '1:', 'protocol', 'ip', 'u32', 'match', 'ip', 'dst', '198.18.2.3/32', 'flowid', '1:10']);
  assert.equal(htb.length, 4);
});

test('events travel as log lines; other lines and a line cut short are skipped', () => {
  const log = ['npm notice x', formatEvent({ event: 'listening', name: 'a', nodeId: 'ff' }), 'ASOC-TOPO {"event":"do', formatEvent({ event: 'done', name: 'a' })].join('\n');
  assert.deepEqual(parseEvents(log), [{ event: 'listening', name: 'a', nodeId: 'ff' }, { event: 'done', name: 'a' }]);
});

test('collectives and fabrics plan for containers as far as containers go: ring peers dialed, the ring all-reduce played as dependent streams, fabrics named as the simulator\'s', () => {
  const { plan } = loadTopology(`${REPO_ROOT}/scenarios/topologies/leaf-spine-collectives.yaml`, REPO_ROOT);
  const peers = new Map(plan.hosts.map((h) => [h.name, h.node?.peers]));
  assert.deepEqual([peers.get('n-1'), peers.get('n-32')], [['n-2'], ['n-1']]);
  // 2(N − 1) steps of N transfers of ⌈16 MiB / 32⌉; step s's transfer from n-i waits for what n-i received in step s − 1.
  const [allReduce] = plan.collectives;
  assert.deepEqual([allReduce?.name, allReduce?.participants.length, allReduce?.streams.length], ['all-reduce', 32, 2 * 31 * 32]);
  const first = plan.streams[allReduce!.streams[0]!]!;
  const secondStepOfN2 = plan.streams[allReduce!.streams[32 + 1]!]!;
  assert.deepEqual([first.from, first.to, first.bytes, first.after], ['n-1', 'n-2', 512 * 1024, []]);
  assert.deepEqual([secondStepOfN2.from, secondStepOfN2.to, secondStepOfN2.after?.map((i) => `${plan.streams[i]!.from}>${plan.streams[i]!.to}`)], ['n-2', 'n-3', ['n-1>n-2']]);
  const notes = plan.simulatorOnly.join('\n');
  assert.doesNotMatch(notes, /collectives/);
  assert.match(notes, /fabrics: containers and namespaces share one bridge/);
});

test('a collective sharing a sender → receiver pair with an earlier one stays the simulator\'s, named in the notes', () => {
  const { plan } = loadTopology(`${REPO_ROOT}/scenarios/topologies/collectives-8.yaml`, REPO_ROOT);
  assert.deepEqual(plan.collectives.map((c) => c.name), ['all-reduce']);
  assert.match(plan.simulatorOnly.join('\n'), /collectives \(parameter-server, pipeline, all-to-all\): the simulator's alone: each shares a sender → receiver pair/);
});

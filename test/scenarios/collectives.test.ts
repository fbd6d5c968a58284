/** Collectives in scenarios: their plans, their ideal on a topology, and runs on the shipped file. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ringAllReduceBoundMs, ringPortPayloadShare } from '../../sim/asoc/ring.ts';
import { planCollective } from '../../scenarios/collective-plans.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { runScenario } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/schema.ts';

const TOPOLOGIES = new URL('../../scenarios/topologies/', import.meta.url).pathname;
const NO_CALIBRATION = { calibrationFile: join(tmpdir(), 'asoc-lab-no-calibration.json') };

test('plans: a ring all-reduce is 2(N − 1) steps of tensor / N, each waiting for the chunk received the step before', () => {
  const plan = planCollective({ kind: 'ring-all-reduce', participants: ['a', 'b', 'c'], bytes: 300 });
  assert.equal(plan.length, 4 * 3);
  assert.ok(plan.every((t) => t.bytes === 100));
  assert.deepEqual(plan.slice(0, 3).map((t) => [t.from, t.to, t.after]), [['a', 'b', []], ['b', 'c', []], ['c', 'a', []]]);
  // Step 1: b sends on what a sent it in step 0.
  assert.deepEqual(plan[4], { from: 'b', to: 'c', bytes: 100, phase: 1, after: [0] });
});

test('plans: parameter server fans in then out; a pipeline forwards in order; all-to-all is every ordered pair', () => {
  const ps = planCollective({ kind: 'parameter-server', participants: ['w1', 'w2'], server: 's', bytes: 10 });
  assert.deepEqual(ps.map((t) => `${t.from}>${t.to}@${t.phase}:${t.after.join(',')}`), ['w1>s@0:', 'w2>s@0:', 's>w1@1:0,1', 's>w2@1:0,1']);
  const pipe = planCollective({ kind: 'pipeline', participants: ['s0', 's1', 's2'], bytes: 10, microBatches: 2 });
  assert.deepEqual(pipe.map((t) => `${t.from}>${t.to}@${t.phase}:${t.after.join(',')}`), ['s0>s1@0:', 's1>s2@1:0', 's0>s1@1:0', 's1>s2@2:2,1']);
  assert.equal(planCollective({ kind: 'all-to-all', participants: ['a', 'b', 'c', 'd'], bytes: 1 }).length, 12);
  assert.throws(() => planCollective({ kind: 'all-to-all', participants: ['a'], bytes: 1 }), { name: 'CollectivePlanError' });
  assert.throws(() => planCollective({ kind: 'parameter-server', participants: ['a', 's'], server: 's', bytes: 1 }), /cannot also be a worker/);
});

test('a scenario names what is wrong with a collective', () => {
  const text = (collective: string) => `
name: t
description: test
stop: { maxMs: 1000 }
topology:
  hosts: [{ name: n, count: 3, address: 10.0.0.1 }]
  switches: [{ name: s, hosts: all }]
nodes: [{ on: n, discovery: true }]
collectives: [${collective}]`;
  assert.throws(() => parseScenario(text('{ name: c, kind: parameter-server, nodes: all, bytes: 1 }')), /collectives\[0\]\.server: a parameter-server collective needs its server/);
  assert.throws(() => parseScenario(text('{ name: c, kind: parameter-server, server: n-1, nodes: [n-1, n-2], bytes: 1 }')), /cannot also be a worker/);
  assert.throws(() => parseScenario(text('{ name: c, kind: pipeline, nodes: [n-1], bytes: 1 }')), /at least 2 participants/);
  assert.throws(() => parseScenario(text('{ name: c, kind: all-to-all, nodes: [x], bytes: 1 }')), /no host or host group named "x"/);
  assert.throws(() => parseScenario(text('{ name: c, kind: broadcast, nodes: all, bytes: 1 }')), /collectives\[0\]\.kind/);
});

/** The shipped file with smaller tensors and free CPU: what is left is the wire and the protocol. */
function smallCollectives(): Scenario {
  const scenario = loadScenario(join(TOPOLOGIES, 'collectives-8.yaml'));
  scenario.topology.hosts[0]!.cpu = 'free';
  const sizes: Record<string, number> = { 'all-reduce': 8 * 2 ** 20, 'parameter-server': 2 ** 20, pipeline: 2 ** 19, 'all-to-all': 2 ** 18 };
  for (const c of scenario.collectives) c.bytes = sizes[c.name]!;
  return scenario;
}

test('shipped collectives-8: every transfer arrives whole (by hash); the ring all-reduce is within the wire overhead of its bound; same seed, same trace', () => {
  const scenario = smallCollectives();
  const { summary } = runScenario(scenario, NO_CALIBRATION);
  assert.equal(summary.stop.reason, 'workloads-done');
  const byName = new Map(summary.collectives.map((c) => [c.name, c]));
  const transfers = summary.collectives.reduce((sum, c) => sum + c.transfers, 0);
  assert.deepEqual([transfers, summary.totals.streamsIntact, summary.totals.streamsCorrupt], [112 + 14 + 24 + 56, transfers, 0]);
  for (const c of summary.collectives) {
    assert.equal(c.delivered, c.transfers, c.name);
    assert.ok(c.completionMs! >= c.idealMs, `${c.name}: ${c.completionMs} ms, ideal ${c.idealMs} ms`);
  }
  const ring = byName.get('all-reduce')!;
  assert.ok(Math.abs(ring.idealMs - ringAllReduceBoundMs(8, 8 * 2 ** 20, 10e9)) < 1e-6, 'on one switch the ideal is the bandwidth-optimal bound');
  // What the bench explains: headers and one ACK per segment on each port, plus a little per-step synchronisation.
  const overhead = 1 / ringPortPayloadShare(1460, 38);
  assert.ok(ring.timesTheIdeal! >= overhead && ring.timesTheIdeal! < overhead * 1.05, `${ring.timesTheIdeal}× the ideal, the wire alone ${overhead}×`);
  assert.equal(ring.drops, 0);
  assert.equal(ring.limit?.bottleneck, 'link');
  assert.equal(ring.links.length, 16, 'each node\'s port, both directions');
  const pipeline = byName.get('pipeline')!;
  assert.ok(Math.abs(pipeline.idealMs - ((8 + 4 - 2) * 2 ** 19 * 8) / 1e7) < 1e-6, '(M + K − 2) micro-batch times');
  assert.equal(runScenario(scenario, NO_CALIBRATION).summary.traceHash, summary.traceHash);
});

test('shipped leaf-spine-collectives, cut to 2 racks of 8: the ring crosses the fabric, every chunk arrives whole, within the wire overhead of its bound', () => {
  const scenario = loadScenario(join(TOPOLOGIES, 'leaf-spine-collectives.yaml'));
  scenario.topology.hosts[0]!.count = 16;
  scenario.topology.hosts[0]!.cpu = 'free';
  scenario.collectives[0]!.bytes = 4 * 2 ** 20;
  const { summary } = runScenario(scenario, NO_CALIBRATION);
  assert.deepEqual(summary.fabrics, [{ name: 'dc', racks: 2, spines: 2, oversubscription: 4 }]);
  const [ring] = summary.collectives;
  assert.deepEqual([ring!.delivered, summary.totals.streamsIntact, summary.totals.streamsCorrupt], [2 * 15 * 16, 2 * 15 * 16, 0]);
  assert.ok(ring!.links.some((l) => /^dc-leaf-1->dc-spine-/.test(l.channel)), 'the ring crosses from rack 1 over a spine');
  assert.ok(Math.abs(ring!.idealMs - ringAllReduceBoundMs(16, 4 * 2 ** 20, 10e9)) < 1e-6, 'the trunks are not the bottleneck of a ring');
  const overhead = 1 / ringPortPayloadShare(1460, 38);
  assert.ok(ring!.timesTheIdeal! >= overhead && ring!.timesTheIdeal! < overhead * 1.1, `${ring!.timesTheIdeal}× the ideal`);
  assert.equal(runScenario(scenario, NO_CALIBRATION).summary.traceHash, summary.traceHash);
});

test('a fabric takes hosts no switch has, and events stay inside one rack', () => {
  const text = (extra: string, events = '') => `
name: t
description: test
stop: { maxMs: 1000, until: max-time }
topology:
  hosts: [{ name: n, count: 4, address: 10.0.0.1 }]
  ${extra}
nodes: [{ on: n, ring: true }]
${events}`;
  const fabric = 'fabrics: [{ name: dc, hosts: all, rackSize: 2, spines: 1 }]';
  assert.throws(() => parseScenario(text(`switches: [{ name: s, hosts: [n-1] }]\n  fabrics: [{ name: dc, hosts: [n-1, n-2], rackSize: 2, spines: 1 }]`)), /topology\.fabrics\[0\]\.hosts: host "n-1" is already on "s"/);
  assert.throws(() => parseScenario(text('fabrics: [{ name: dc, hosts: all, rackSize: 0, spines: 1 }]')), /topology\.fabrics\[0\]\.rackSize/);
  assert.throws(() => runScenario(parseScenario(text(fabric, 'events: [{ atMs: 1, action: partition, between: [n-1, n-3] }]')), NO_CALIBRATION), { name: 'TopologyError' });
  const { summary } = runScenario(parseScenario(text(fabric, 'events: [{ atMs: 0, action: partition, between: [n-1, n-2] }]')), NO_CALIBRATION);
  assert.equal(summary.totals.handshakes, 2 * 3, 'the ring n-1 → n-2 → n-3 → n-4 → n-1 but for the cut pair');
});

test('all-to-all across a 4:1 fabric: the spine trunks are the busiest channels, and the ideal is theirs, not the host ports\'', () => {
  const scenario = parseScenario(`
name: a2a
description: two racks of 4 behind one spine
stop: { maxMs: 60000 }
topology:
  hosts: [{ name: n, count: 8, address: 10.0.0.1, cpu: free }]
  fabrics: [{ name: dc, hosts: all, rackSize: 4, spines: 1, port: { bandwidthBps: 10Gbps, latencyMs: 0.005, queueBytes: 64MiB }, trunk: { bandwidthBps: 10Gbps, latencyMs: 0.005, queueBytes: 64MiB } }]
nodes: [{ on: n, peers: n }]
collectives: [{ name: a2a, kind: all-to-all, nodes: all, bytes: 512KiB, atMs: 100 }]
`);
  const { summary } = runScenario(scenario, NO_CALIBRATION);
  assert.deepEqual(summary.fabrics, [{ name: 'dc', racks: 2, spines: 1, oversubscription: 4 }]);
  const [a2a] = summary.collectives;
  assert.deepEqual([a2a!.delivered, summary.totals.streamsIntact, summary.totals.streamsCorrupt], [56, 56, 0]);
  // 16 pairs cross each way: 16 × 512 KiB on one 10 Gbit/s trunk, against 7 × 512 KiB on a host port.
  const trunkMs = (16 * 2 ** 19 * 8) / 1e7;
  assert.ok(Math.abs(a2a!.idealMs - trunkMs) < 1e-6, `ideal ${a2a!.idealMs} ms, the trunk's load ${trunkMs} ms`);
  const busiest = [...a2a!.links].sort((a, b) => b.payloadBytes - a.payloadBytes)[0]!;
  assert.match(busiest.channel, /^dc-(leaf-\d->dc-spine-1|spine-1->dc-leaf-\d)$/);
  assert.ok(a2a!.timesTheIdeal! >= 1 && a2a!.timesTheIdeal! < 1.5, `${a2a!.timesTheIdeal}× the ideal`);
  assert.equal(a2a!.limit?.bottleneck, 'link', 'the trunks are what it waits for');
});

/** The shipped cluster-size fabrics (1,000 and 10,000 nodes) and the ring's `steps`, which keeps them affordable. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { planCollective } from '../../scenarios/collective-plans.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { runScenario } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/schema.ts';

const TOPOLOGIES = new URL('../../scenarios/topologies/', import.meta.url).pathname;
const NO_CALIBRATION = { calibrationFile: join(tmpdir(), 'asoc-lab-no-calibration.json') };

test('plans: a ring all-reduce cut to its first steps; steps out of range are refused', () => {
  const round = planCollective({ kind: 'ring-all-reduce', participants: ['a', 'b', 'c', 'd'], bytes: 400, steps: 1 });
  assert.deepEqual(round.map((t) => `${t.from}>${t.to}:${t.bytes}@${t.phase}`), ['a>b:100@0', 'b>c:100@0', 'c>d:100@0', 'd>a:100@0']);
  assert.equal(planCollective({ kind: 'ring-all-reduce', participants: ['a', 'b', 'c'], bytes: 3, steps: 2 }).length, 6);
  assert.throws(() => planCollective({ kind: 'ring-all-reduce', participants: ['a', 'b', 'c'], bytes: 3, steps: 5 }), /1 to 4 steps, got 5/);
  assert.throws(() => planCollective({ kind: 'ring-all-reduce', participants: ['a', 'b'], bytes: 3, steps: 0 }), { name: 'CollectivePlanError' });
});

test('a scenario names what is wrong with a collective\'s steps', () => {
  const text = (collective: string) => `
name: t
description: test
stop: { maxMs: 1000 }
topology:
  hosts: [{ name: n, count: 3, address: 10.0.0.1 }]
  switches: [{ name: s, hosts: all }]
nodes: [{ on: n, ring: true }]
collectives: [${collective}]`;
  assert.throws(() => parseScenario(text('{ name: c, kind: all-to-all, nodes: all, bytes: 1, steps: 1 }')), /collectives\[0\]\.steps: only a ring-all-reduce has steps, not all-to-all/);
  assert.throws(() => parseScenario(text('{ name: c, kind: ring-all-reduce, nodes: all, bytes: 1, steps: 5 }')), /collectives\[0\]\.steps: a ring all-reduce on 3 nodes has 4 steps, got 5/);
  assert.throws(() => parseScenario(text('{ name: c, kind: ring-all-reduce, nodes: all, bytes: 1, steps: 0 }')), /collectives\[0\]\.steps/);
});

/** What both shipped fabrics promise: static peers in a ring over racks of 8 to 64, one tensor round of a ring all-reduce. */
function assertClusterShape(scenario: Scenario, nodes: number, racks: number, oversubscription: number): void {
  const [hosts] = scenario.topology.hosts;
  const [fabric] = scenario.topology.fabrics;
  assert.equal(hosts!.count, nodes);
  assert.ok(fabric!.rackSize >= 8 && fabric!.rackSize <= 64, `racks of ${fabric!.rackSize}`);
  assert.equal(Math.ceil(nodes / fabric!.rackSize), racks);
  assert.equal((fabric!.rackSize * fabric!.port!.bandwidthBps!) / (fabric!.spines * fabric!.trunk!.bandwidthBps!), oversubscription);
  assert.deepEqual(scenario.nodes.map((n) => [n.ring, n.discovery]), [[true, false]], 'static peers in a ring, no discovery');
  assert.deepEqual(scenario.collectives.map((c) => [c.kind, c.nodes, c.steps]), [['ring-all-reduce', 'all', 1]]);
}

test('shipped leaf-spine-1000 runs whole: one tensor round over 25 racks, every chunk arrives intact, every node has its two ring peers', () => {
  const scenario = loadScenario(join(TOPOLOGIES, 'leaf-spine-1000.yaml'));
  assertClusterShape(scenario, 1000, 25, 2.5);
  const { summary } = runScenario(scenario, NO_CALIBRATION);
  assert.equal(summary.stop.reason, 'workloads-done');
  assert.deepEqual(summary.fabrics, [{ name: 'dc', racks: 25, spines: 4, oversubscription: 2.5 }]);
  const [round] = summary.collectives;
  assert.deepEqual([round!.transfers, round!.delivered, round!.failed, summary.totals.streamsIntact, summary.totals.streamsCorrupt], [1000, 1000, 0, 1000, 0]);
  assert.deepEqual([summary.totals.peersPerNode?.min, summary.totals.peersPerNode?.max], [2, 2]);
  assert.ok(round!.links.some((l) => /^dc-leaf-\d+->dc-spine-\d$/.test(l.channel)), 'the ring crosses the fabric between racks');
  assert.ok(round!.completionMs! >= round!.idealMs);
});

test('shipped leaf-spine-10000 validates; the same fabric cut to 10 racks runs its tensor round whole', () => {
  const scenario = loadScenario(join(TOPOLOGIES, 'leaf-spine-10000.yaml'));
  assertClusterShape(scenario, 10_000, 250, 2);
  scenario.topology.hosts[0]!.count = 400; // all 10,000 take about 25 s: asoc-lab sim runs the file whole
  const { summary } = runScenario(scenario, NO_CALIBRATION);
  assert.deepEqual(summary.fabrics, [{ name: 'dc', racks: 10, spines: 8, oversubscription: 2 }]);
  const [round] = summary.collectives;
  assert.deepEqual([round!.delivered, summary.totals.streamsIntact, summary.totals.streamsCorrupt], [400, 400, 0]);
  assert.equal(round!.bytesDelivered, 400 * Math.ceil((640 * 2 ** 20) / 400));
});

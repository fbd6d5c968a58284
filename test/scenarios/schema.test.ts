import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadScenario, parseScenario, ScenarioError } from '../../scenarios/load.ts';
import { parseBitRate, parseByteSize } from '../../bench/units.ts';

const TOPOLOGIES = new URL('../../scenarios/topologies/', import.meta.url).pathname;

/** A valid scenario with `links` and `extra` lines spliced in. */
function scenarioText(links: string, extra = ''): string {
  return `
name: t
description: test
stop: { maxMs: 1000 }
topology:
  hosts:
    - { name: a, address: 10.0.0.1 }
    - { name: b, address: 10.0.0.2 }
    - { name: c, address: 10.0.0.3 }
  links:
${links}
nodes:
  - { on: [a, b, c] }
${extra}`;
}

const GOOD_LINKS = `    - { between: [a, b], latencyMs: 1 }
    - { between: [b, c], latencyMs: 1 }`;

function problemsOf(text: string): readonly string[] {
  try {
    parseScenario(text, 'test.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${err}`);
    assert.match(err.message, /^test\.yaml is not a valid scenario:/);
    return err.problems;
  }
  assert.fail('the scenario was accepted');
}

test('a wrongly typed field is named by its path, with what was expected and what was given', () => {
  const links = `${GOOD_LINKS}\n    - { between: [a, c], latencyMs: "1" }`;
  assert.deepEqual(problemsOf(scenarioText(links)), ['topology.links[2].latencyMs: expected number, got string']);
});

test('every problem of a file is reported, each at its path', () => {
  const links = `    - { between: [a, b], bandwidthBps: 10Gbit, loss: 2 }\n    - { between: [a, b], queueBytes: true, colour: red }`;
  const workloads = `workloads:\n  - { name: w, from: a, to: all, bytes: 1GiB, atMs: -5 }`;
  assert.deepEqual(problemsOf(scenarioText(links, workloads)), [
    'topology.links[0].bandwidthBps: expected a non-negative number or a string such as "10Gbps", got "10Gbit"',
    'topology.links[0].loss: expected ≤ 1, got 2',
    'topology.links[1].queueBytes: expected a number or a string such as "1GiB", got boolean',
    'topology.links[1]: unknown field "colour"',
    'workloads[0].atMs: expected ≥ 0, got -5',
  ]);
});

test('references to hosts and nodes that do not exist are named by their path', () => {
  const links = `${GOOD_LINKS}\n    - { between: [a, d] }`;
  const rest = `workloads:\n  - { name: w, from: a, to: [b, x], bytes: 1MiB }\n  - { name: w, from: a, to: a, bytes: 1 }\nevents:\n  - { atMs: 5, action: hold }`;
  assert.deepEqual(problemsOf(scenarioText(links, rest)), [
    'topology.links[2].between[1]: no host or host group named "d"',
    'workloads[0].to[1]: no host or host group named "x"',
    'workloads[1].name: workload name "w" is used twice',
    'workloads[1].to: "a" cannot stream to itself',
    'events[0].between: hold needs the two sides: between: [hostA, hostB]',
  ]);
});

test('host groups expand to consecutive addresses, and their addresses may not collide', () => {
  const text = scenarioText(GOOD_LINKS).replace('    - { name: c, address: 10.0.0.3 }', '    - { name: c, address: 10.0.0.3 }\n    - { name: g, address: 10.0.0.2, count: 3 }');
  assert.deepEqual(problemsOf(text), ['topology.hosts[3].address: address 10.0.0.2 of "g-1" is taken by "b"']);
});

test('a YAML syntax error is reported with its line', () => {
  assert.match(problemsOf('name: [unclosed\n')[0]!, /^line \d+, column \d+: /);
});

test('every shipped scenario parses', () => {
  const files = readdirSync(TOPOLOGIES).filter((name) => name.endsWith('.yaml'));
  assert.deepEqual(files.sort(), ['collectives-8.yaml', 'discovery-1000.yaml', 'eight-node-fanout.yaml', 'leaf-spine-collectives.yaml', 'lossy-wan.yaml', 'partition-and-heal.yaml', 'ring-allreduce-8.yaml', 'three-nodes-attacker.yaml', 'two-node-10gbe.yaml']);
  for (const file of files) {
    const scenario = loadScenario(join(TOPOLOGIES, file));
    assert.equal(`${scenario.name}.yaml`, file);
  }
});

test('sizes and rates accept numbers or strings with units', () => {
  assert.equal(parseByteSize('1GiB'), 1024 ** 3);
  assert.equal(parseByteSize('64 KiB'), 65536);
  assert.equal(parseByteSize('1.5MB'), 1_500_000);
  assert.ok(Number.isNaN(parseByteSize('1.5B')), 'a fraction of a byte');
  assert.ok(Number.isNaN(parseByteSize('10Gbps')));
  assert.equal(parseBitRate('10Gbps'), 1e10);
  assert.equal(parseBitRate('2.5Gbit/s'), 2.5e9);
  assert.equal(parseBitRate('100Mbps'), 1e8);
  assert.ok(Number.isNaN(parseBitRate('1GiB')));
  const scenario = parseScenario(scenarioText(`    - { between: [a, b], bandwidthBps: 10Gbps, queueBytes: 2MiB }\n    - { between: [b, c], bandwidthBps: 1e9, queueBytes: 1000 }`));
  assert.deepEqual(
    scenario.topology.links.map((l) => [l.bandwidthBps, l.queueBytes]),
    [
      [1e10, 2 * 1024 ** 2],
      [1e9, 1000],
    ],
  );
});

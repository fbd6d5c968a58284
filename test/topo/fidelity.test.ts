import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseScenario } from '../../scenarios/load.ts';
import { fidelityLine, fidelityText, readFidelity, writeFidelity } from '../../topo/fidelity.ts';
import { planContainers } from '../../topo/plan.ts';
import type { StreamFigure } from '../../topo/figures.ts';
import type { TopoRunResult } from '../../topo/run.ts';
import { fanoutTopology } from '../../topo/scale.ts';

/** 1 MB delivered at `mbps`, started at `startedAtMs`. */
function stream(mbps: number, error: string | null = null, startedAtMs = 0): StreamFigure {
  return { workload: 'w', from: 'a', to: 'b', bytes: 1e6, startedAtMs, ms: 1000 / mbps, mbps, hashChecked: error === null, error };
}

const SIMULATED = { streams: 2, perPeerMBps: 400, aggregateMBps: 800, calibration: 'reports/calibration.json', collectives: [] };

function run(streams: StreamFigure[]): TopoRunResult {
  return {
    topology: 'two',
    profile: null,
    transport: 'tcp',
    composeFile: '/x/docker-compose.yml',
    compose: 'docker-compose',
    image: { image: 'asoc-lab:local', base: 'asoc-lab-base:local', offline: true },
    hosts: [{ name: 'a', address: '198.18.2.2', roles: ['sender'], shaping: '10 Gbit/s to 198.18.2.3' }],
    simulatorOnly: ['latencyMs: the simulator\'s alone'],
    streams,
    collectives: [],
    discovery: [],
    attacks: [],
    nodes: [],
    leftovers: { containers: [], networks: [], danglingImages: [], errors: [] },
    timings: { startMs: 1, workloadMs: 2 },
    memoryBytes: {},
    problems: [],
  };
}

const scenario = parseScenario(fanoutTopology(3, '1MiB'), 'f.yaml');

test('fidelity: per peer is the median over the delivered streams, aggregate all bytes over first start to last receipt, ratio containers ÷ simulator', () => {
  // Three 1 MB streams from t=0: done after 10, 5 and 2.5 ms (100, 200, 400 MB/s): 3 MB in 10 ms.
  const line = fidelityLine({ ...scenario, claims: ['P3'] }, run([stream(100), stream(400), stream(200), stream(1, 'not sent')]), SIMULATED, '2026-01-01T00:00:00Z', 'container');
  assert.equal(line.containers.streams, 3);
  assert.equal(Math.round(line.containers.perPeerMBps), 200);
  assert.equal(Math.round(line.containers.aggregateMBps), 300);
  assert.equal(Math.round(line.ratio * 100) / 100, 0.5);
  assert.deepEqual(line.notes, ['shaping: 10 Gbit/s to 198.18.2.3', 'latencyMs: the simulator\'s alone', 'simulator CPU costs: reports/calibration.json']);
  assert.equal(fidelityText(line), 'P3 two: per peer 200.0 MB/s on containers, 400.0 MB/s simulated, ratio 0.50 (aggregate 300.0 vs 800.0 MB/s, 3 streams)');
});

test('fidelity: streams one after another make a lower aggregate than the same streams at once', () => {
  const together = fidelityLine(scenario, run([stream(100), stream(100)]), SIMULATED, 'now', 'container');
  const apart = fidelityLine(scenario, run([stream(100), stream(100, null, 10)]), SIMULATED, 'now', 'container');
  assert.equal(Math.round(together.containers.aggregateMBps), 200);
  assert.equal(Math.round(apart.containers.aggregateMBps), 100);
});

test('the fidelity file keeps one line per topology: a new measurement replaces the old one', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fidelity-')), 'fidelity.json');
  assert.deepEqual(readFidelity(file), []);
  const line = (topology: string, ratio: number) => ({ ...fidelityLine(scenario, { ...run([stream(100)]), topology }, SIMULATED, 'now', 'container'), ratio });
  writeFidelity([line('p3', 0.5), line('p4', 0.6)], file);
  writeFidelity([line('p3', 0.7)], file);
  assert.deepEqual(readFidelity(file).map((l) => [l.topology, l.ratio]), [['p4', 0.6], ['p3', 0.7]]);
});

test('scale: the fan-out topology for N nodes is a valid scenario with one sender and N-1 receivers in 198.18.16.0/24', () => {
  const plan = planContainers(parseScenario(fanoutTopology(64, '16MiB'), 'f.yaml'), 'f.yaml');
  assert.equal(plan.hosts.length, 64);
  assert.equal(plan.streams.length, 63);
  assert.deepEqual(plan.subnet, { network: '198.18.16.0', prefix: 24, gateway: '198.18.16.1', broadcast: '198.18.16.255' });
  assert.equal(planContainers(parseScenario(fanoutTopology(300, '1MiB'), 'f.yaml'), 'f.yaml').subnet.prefix, 23);
});

import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decideBottleneck, SATURATED } from '../../scenarios/bottleneck.ts';
import { loadScenario, parseScenario } from '../../scenarios/load.ts';
import { runScenario } from '../../scenarios/runner.ts';

/** Two hosts on one link, a streaming `bytes` to b; `cpu` is both hosts' cpu entry. */
function twoHosts(options: { link: string; cpu: string; bytes: string; events?: string }) {
  return parseScenario(`
name: small
description: two hosts, one stream
seed: 5
stop: { maxMs: 60000 }
topology:
  hosts:
    - { name: a, address: 10.0.0.1, cpu: ${options.cpu} }
    - { name: b, address: 10.0.0.2, cpu: ${options.cpu} }
  links:
    - { between: [a, b], ${options.link} }
nodes:
  - { on: a, peers: b }
  - { on: b }
workloads:
  - { name: w, from: a, to: b, bytes: ${options.bytes} }
${options.events ?? ''}`);
}

const LOSSY = twoHosts({ link: 'bandwidthBps: 100Mbps, latencyMs: 1, jitterMs: 0.5, loss: 0.01', cpu: 'default', bytes: '2MiB' });

test('a small scenario runs end to end: delivered, intact, summed up', () => {
  const { summary } = runScenario(LOSSY);
  assert.equal(summary.stop.reason, 'workloads-done');
  assert.equal(summary.seed, 5);
  assert.match(summary.traceHash, /^[0-9a-f]{64}$/);
  assert.ok(summary.events > 1000 && summary.virtualMs > 0 && summary.wallMs > 0);
  const [workload] = summary.workloads;
  assert.equal(workload?.completed, 1);
  assert.equal(workload.bytesDelivered, 2 * 1024 ** 2);
  assert.ok(workload.goodputMBps!.median > 0 && workload.goodputMBps!.median < 12.5, `goodput ${workload.goodputMBps!.median} MB/s on 100 Mbit/s`);
  assert.deepEqual(summary.totals, {
    nodes: 2,
    peersPerNode: { min: 1, p10: 1, median: 1, p90: 1, max: 1 },
    dialedPerNode: { min: 0, p10: 0.1, median: 0.5, p90: 0.9, max: 1 },
    discoveredPerNode: null,
    handshakes: 2,
    authFailures: 0,
    dialAttempts: 1,
    streamsIntact: 1,
    streamsCorrupt: 0,
    streamsAborted: 0,
  });
  assert.equal(summary.nodes.find((n) => n.name === 'b')?.counters.payloadBytesIn, 2 * 1024 ** 2);
});

test('one seed gives one trace hash, run after run; another seed another hash', () => {
  const first = runScenario(LOSSY).summary;
  const again = runScenario(LOSSY).summary;
  const other = runScenario(LOSSY, { seed: 6 }).summary;
  assert.equal(again.traceHash, first.traceHash);
  assert.equal(again.events, first.events);
  assert.notEqual(other.traceHash, first.traceHash);
  assert.equal(other.seed, 6);
});

test('the JSONL trace is there when asked for, and recording it does not change the hash', () => {
  const plain = runScenario(LOSSY).summary.traceHash;
  const run = runScenario(LOSSY, { recordTrace: true });
  assert.equal(run.summary.traceHash, plain);
  const lines = run.trace.toJsonl().trimEnd().split('\n');
  assert.ok(lines.length > 1000);
  assert.equal(JSON.parse(lines[0]!).t, 0);
});

test('fast CPU, slow link: the runner names the link', () => {
  const { summary } = runScenario(twoHosts({ link: 'bandwidthBps: 100Mbps, latencyMs: 0.1, queueBytes: 8MiB', cpu: 'free', bytes: '8MiB' }));
  const [workload] = summary.workloads;
  assert.equal(workload?.bottleneck, 'link');
  assert.ok(workload.utilisation!.link > 0.9 && workload.utilisation!.cpu === 0, JSON.stringify(workload.utilisation));
});

test('slow CPU, fast link: the runner names the CPU', () => {
  const slow = '{ sendPerFrameMs: 0, sendPerByteMs: 1e-5, receivePerFrameMs: 0, receivePerByteMs: 0 }'; // 100 MB/s
  const { summary } = runScenario(twoHosts({ link: 'bandwidthBps: 10Gbps, latencyMs: 0.1, queueBytes: 8MiB', cpu: slow, bytes: '8MiB' }));
  const [workload] = summary.workloads;
  assert.equal(workload?.bottleneck, 'cpu');
  assert.ok(workload.utilisation!.cpu > 0.9 && workload.utilisation!.link < 0.2, JSON.stringify(workload.utilisation));
  assert.ok(Math.abs(workload.goodputMBps!.median / 100 - 1) < 0.1, `goodput ${workload.goodputMBps!.median} MB/s`);
});

test('a partition kills the connection, the node redials after heal, and the stream is sent again whole', () => {
  const events = 'events:\n  - { atMs: 5, action: partition, between: [a, b] }\n  - { atMs: 15000, action: heal }';
  const scenario = twoHosts({ link: 'bandwidthBps: 1Gbps, latencyMs: 0.5', cpu: 'free', bytes: '4MiB', events });
  scenario.workloads[0]!.retries = 1;
  const { summary } = runScenario(scenario);
  const [result] = summary.workloads[0]!.results;
  assert.equal(result?.outcome, 'done');
  assert.equal(result.attempts, 2);
  assert.ok(result.startedMs! > 15000, `resent at ${result.startedMs} ms`);
  assert.equal(summary.totals.streamsIntact, 1);
  assert.equal(summary.nodes.find((n) => n.name === 'a')?.counters.connectionsClosed['send-timeout'], 1);
});

test('the bottleneck rule: the most utilised resource if saturated, else loss or none', () => {
  const base = { goodputBytesPerSec: 100, linkBytesPerSec: 1000, cpuBusy: 0.1, windowBytesPerSec: 1000, pathDrops: 0 };
  assert.equal(decideBottleneck({ ...base, goodputBytesPerSec: 950 }).bottleneck, 'link');
  assert.equal(decideBottleneck({ ...base, cpuBusy: 0.97 }).bottleneck, 'cpu');
  assert.equal(decideBottleneck({ ...base, goodputBytesPerSec: 900, windowBytesPerSec: 920 }).bottleneck, 'window');
  assert.equal(decideBottleneck({ ...base, cpuBusy: SATURATED - 0.01 }).bottleneck, 'none');
  assert.equal(decideBottleneck({ ...base, pathDrops: 3 }).bottleneck, 'loss');
  assert.deepEqual(decideBottleneck({ ...base, linkBytesPerSec: Infinity }).utilisation, { link: 0, cpu: 0.1, window: 0.1 });
});

const TOPOLOGIES = new URL('../../scenarios/topologies/', import.meta.url).pathname;
/** Placeholder CPU costs whatever this machine's calibration says, so outcomes do not depend on it. */
const NO_CALIBRATION = { calibrationFile: join(tmpdir(), 'asoc-lab-no-calibration.json') };

test('shipped partition-and-heal: the connection dies, the node redials with backoff, no byte is lost', () => {
  const { summary } = runScenario(loadScenario(join(TOPOLOGIES, 'partition-and-heal.yaml')), NO_CALIBRATION);
  const [result] = summary.workloads[0]!.results;
  assert.equal(result?.outcome, 'done');
  assert.equal(result.bytesDelivered, 64 * 1024 ** 2);
  assert.ok(result.startedMs! >= 20_200, `resent at ${result.startedMs} ms, before the heal`);
  assert.ok(summary.totals.dialAttempts >= 3, `${summary.totals.dialAttempts} dial attempts`);
  assert.deepEqual([summary.totals.streamsIntact, summary.totals.streamsCorrupt], [1, 0]);
});

test('shipped discovery-1000, cut to 60 nodes: every node is found and dials at most 10 peers', () => {
  const scenario = loadScenario(join(TOPOLOGIES, 'discovery-1000.yaml'));
  scenario.topology.hosts[0]!.count = 60;
  const { summary } = runScenario(scenario, NO_CALIBRATION);
  assert.equal(summary.totals.nodes, 60);
  assert.ok(summary.totals.dialedPerNode!.max <= 10);
  assert.ok(summary.totals.peersPerNode!.min >= 1);
  assert.equal(summary.totals.handshakes, 2 * summary.totals.dialAttempts, 'every dial succeeded');
  assert.deepEqual(summary.totals.discoveredPerNode, { min: 59, p10: 59, median: 59, p90: 59, max: 59 });
});

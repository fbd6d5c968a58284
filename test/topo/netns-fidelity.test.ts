/**
 * `topo fidelity` and `topo scale` on the network-namespace back-end: a small fan-out on
 * namespaces next to its simulation. These need root and working `ip netns`; without them each
 * test skips and says why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { FidelityLine } from '../../topo/fidelity.ts';
import { fanoutTopology, type ScalePoint } from '../../topo/scale.ts';
import { REPO_ROOT } from '../../topo/run.ts';

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'the namespace back-end needs root (ip netns, tc)';
  const probe = `asoclab-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8', timeout: 15_000 });
  if (added.status !== 0) return `ip netns does not work here: ${(added.stderr || String(added.error)).trim().split('\n').at(-1)}`;
  spawnSync('ip', ['netns', 'delete', probe], { timeout: 15_000 });
  return false;
}
const skip = skipReason();
if (skip) console.log(`# skipping the namespace back-end's fidelity and scale: ${skip}`);

function topo(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'topo', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
}

function namespacesLeft(): string {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith('asoclab-scale-fanout-')).join(', ');
}

test('topo fidelity --backend netns: a 3-node fan-out on namespaces next to its simulation, the line marked as namespaces, nothing left', { skip }, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'asoc-netns-fidelity-'));
  const file = path.join(out, 'fanout-3.yaml');
  writeFileSync(file, fanoutTopology(3, '4MiB'));
  const run = topo(['fidelity', file, '--backend', 'netns', '--out', out]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /topology scale-fanout-3 on network namespaces/);
  assert.match(run.stdout, /scale-fanout-3: per peer [\d.]+ MB\/s on namespaces, [\d.]+ MB\/s simulated, ratio [\d.]+/);
  const [line] = (JSON.parse(readFileSync(path.join(out, 'fidelity.json'), 'utf8')) as { lines: FidelityLine[] }).lines;
  assert.equal(line?.backend, 'netns');
  assert.equal(line?.containers.streams, 2);
  assert.ok(line!.simulator.perPeerMBps > 0 && line!.ratio > 0, JSON.stringify(line));
  assert.equal(namespacesLeft(), '');
});

test('topo scale --backend netns: each count runs on namespaces and simulated, with start time and memory per node; a count past the limit is a usage error', { skip }, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'asoc-netns-scale-'));
  const run = topo(['scale', '--backend', 'netns', '--nodes', '3', '--bytes', '2MiB', '--out', out]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /scale: 3 nodes on namespaces/);
  const report = JSON.parse(readFileSync(path.join(out, 'scale-netns.json'), 'utf8')) as { backend: string; points: ScalePoint[] };
  assert.equal(report.backend, 'netns');
  const [point] = report.points;
  assert.equal(point?.ok, true, JSON.stringify(point));
  assert.ok(point!.startSeconds! > 0 && point!.memoryMiBPerContainer! > 10, JSON.stringify(point));
  assert.equal(point!.fidelity?.backend, 'netns');
  assert.equal(namespacesLeft(), '');
  const bad = topo(['scale', '--backend', 'netns', '--nodes', '1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--nodes must be node counts from 2 to 1000/);
});

test('a ring all-reduce on namespaces: every transfer arrives in order of its dependencies, its completion next to the simulated one', { skip }, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'asoc-netns-allreduce-'));
  const run = topo(['fidelity', 'test/topo/fixtures/ring-allreduce-3.yaml', '--backend', 'netns', '--out', out]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  // 2(N − 1) steps of N transfers, listed only when one failed.
  assert.match(run.stdout, /collective all-reduce \(ring-all-reduce, 3 nodes, 3 MiB\): 12 transfers, completed in [\d.]+ s/);
  assert.doesNotMatch(run.stdout, /all-reduce n-\d → n-\d/);
  assert.match(run.stdout, /ring-all-reduce all-reduce of 3 MiB on 3 nodes: [\d.]+ s on namespaces, [\d.]+ s simulated, real ÷ simulated time [\d.]+ \(bandwidth-optimal bound [\d.]+ s\)/);
  const [line] = (JSON.parse(readFileSync(path.join(out, 'fidelity.json'), 'utf8')) as { lines: FidelityLine[] }).lines;
  const [collective] = line!.collectives!;
  assert.ok(collective!.realMs! > 0 && collective!.simulatedMs! > 0 && collective!.timeRatio! > 0, JSON.stringify(collective));
  // The transfers of one step run at once: the whole cannot beat the bound, nor be slower than the steps one by one would be at a crawl.
  assert.ok(collective!.simulatedMs! >= collective!.idealMs, JSON.stringify(collective));
  assert.equal(line!.containers.streams, 0);
});

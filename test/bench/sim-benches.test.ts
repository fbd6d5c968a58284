/** The simulator's benchmarks (sim-events, sim-scale, sim-allreduce) and frame-cost: what they measure and their flags, as `asoc-lab bench` subcommands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFrameCostBench } from '../../bench/frame-cost.ts';
import { runSimAllReduceBench, SIM_ALLREDUCE_DEFAULTS } from '../../bench/sim-allreduce.ts';
import { runSimEventsBench } from '../../bench/sim-events.ts';
import { runSimScaleBench, SIM_SCALE_DEFAULTS, type ScalePoint } from '../../bench/sim-scale.ts';
import { measureScalePoint } from '../../bench/sim-scale-point.ts';
import { expectedScaleConnections } from '../../sim/asoc/scale.ts';
import { benchCommand } from '../../lab/commands/bench.ts';
import { parseFrameCostArgs } from '../../lab/commands/bench/frame-cost.ts';
import { parseSimAllReduceArgs } from '../../lab/commands/bench/sim-allreduce.ts';
import { parseSimEventsArgs } from '../../lab/commands/bench/sim-events.ts';
import { parseSimScaleArgs } from '../../lab/commands/bench/sim-scale.ts';

test('sim-events: the whole transfer arrives; events, goodput and memory are counted; the same seed gives the same virtual time', async () => {
  const a = await runSimEventsBench({ mebibytes: 2, hash: true });
  const b = await runSimEventsBench({ mebibytes: 2, hash: false });
  assert.equal(a.simulatedMiB, 2);
  assert.ok(a.events > 1000 && a.eventsPerSecond > 0 && a.rssMiB > 0);
  assert.ok(a.cpuMs >= 0 && a.eventsPerCpuSecond > 0, 'CPU time is measured beside wall time');
  assert.ok(a.simulatedGoodputGbps > 0 && a.simulatedGoodputGbps <= 10, `${a.simulatedGoodputGbps} Gbit/s on a 10 Gbit/s link`);
  assert.equal(a.simulatedMs, b.simulatedMs, 'the trace hash changes nothing simulated');
  await assert.rejects(runSimEventsBench({ mebibytes: 0, hash: true }), RangeError);
});

test('sim-scale: each point in its own process, ring and discovery up to the discovery bound; memo only saves HMACs', async () => {
  const report = await runSimScaleBench({ ...SIM_SCALE_DEFAULTS, sizes: [12, 16], discoveryUpTo: 12, peers: 3, chunkBytes: 4096, timeoutSeconds: 120 });
  assert.deepEqual(report.points.map((p) => [p.kind, p.nodes, p.outcome]), [['static-ring', 12, 'done'], ['discovery', 12, 'done'], ['static-ring', 16, 'done']]);
  const [ring, discovery] = report.points as Extract<ScalePoint, { outcome: 'done' }>[];
  assert.equal(ring!.connections, 12);
  assert.equal(discovery!.connections, expectedScaleConnections(12, 3));
  for (const p of [ring!, discovery!]) assert.ok(p.events > 0 && p.eventsPerSecond > 0 && p.cpuMs > 0 && p.peakRssPerNodeKiB > 0 && /^[0-9a-f]{64}$/.test(p.traceHash!), p.kind);
  assert.match(report.discoveryLimit, /^broadcast discovery is O\(N²\)/);

  const request = { kind: 'discovery', nodes: 12, seed: SIM_SCALE_DEFAULTS.seed, peers: 3, virtualMs: 0, chunkBytes: 1, hash: true } as const;
  const memo = measureScalePoint({ ...request, memo: true });
  const plain = measureScalePoint({ ...request, memo: false });
  assert.equal(memo.traceHash, plain.traceHash);
  assert.equal(memo.traceHash, discovery!.traceHash, 'the same point gives the same hash in a child process');
  assert.equal(plain.discovery?.hmacs, 'all computed');
  assert.ok(memo.discovery?.hmacs !== 'all computed' && memo.discovery!.hmacs.computed < memo.discovery!.hmacs.requested);
});

test('sim-scale: a point that outlasts its bound is killed and reported as timed out', async () => {
  const report = await runSimScaleBench({ ...SIM_SCALE_DEFAULTS, sizes: [5_000], discoveryUpTo: 0, timeoutSeconds: 1 });
  assert.deepEqual(report.points, [{ outcome: 'timed-out', kind: 'static-ring', nodes: 5_000, detail: 'killed after 1 s of wall time' }]);
});

test('sim-allreduce: 2(N − 1) steps of tensor / N, never faster than the bound nor above the link rate', async () => {
  const report = await runSimAllReduceBench({ nodes: 3, tensorBytes: 300_000, linkGbps: 1, latencyMs: 0.01, seed: 'test', calibrationFile: 'no/such/calibration.json' });
  assert.deepEqual([report.steps, report.chunkBytes], [4, 100_000]);
  assert.ok(Math.abs(report.boundMs - (4 / 3) * 2.4) < 1e-9, `bound ${report.boundMs} ms`);
  assert.ok(report.timesTheBound >= 1 && report.completionMs >= report.boundMs);
  assert.ok(report.perLinkGoodputGbps > 0 && report.perLinkGoodputGbps <= 1, `${report.perLinkGoodputGbps} Gbit/s on 1 Gbit/s ports`);
  assert.match(report.traceHash, /^[0-9a-f]{64}$/);
});

test('sim-allreduce: the gap to the bound is link × synchronisation × window × CPU, each measured; the link factor is what headers and ACKs predict', async () => {
  const report = await runSimAllReduceBench({ nodes: 4, tensorBytes: 16 * 2 ** 20, linkGbps: 10, latencyMs: 0.05, seed: 'test', calibrationFile: 'no/such/calibration.json' });
  const e = report.explanation;
  assert.match(report.cpu.source, /placeholder costs/);
  const { link, synchronisation, window, cpu } = e.factors;
  assert.ok(Math.abs(link * synchronisation * window * cpu - report.timesTheBound) < 1e-9, 'the factors multiply to the gap');
  assert.ok(Math.abs(link / e.headersAndAcks - 1) < 0.01, `link ${link} against ${e.headersAndAcks} predicted`);
  // Each step waits for the previous step's last byte: at least its trip host → switch → host.
  assert.ok(e.perStepSynchronisationUs >= 2 * 50, `${e.perStepSynchronisationUs} µs per step`);
  for (const run of ['measured', 'freeCpu', 'wideWindow', 'wireOnly'] as const) assert.equal(e.drops[run].ports, 0, `${run}: the ports hold every window, no host drops its own packets`);
  // The placeholder costs (1–1.5 µs a packet, every segment acknowledged, one core sending and receiving) pace the hosts.
  assert.equal(e.limit, 'cpu');
});

test('sim-allreduce: at a long round trip the 4 MiB window limits each step, and a wider one takes that factor away', async () => {
  const report = await runSimAllReduceBench({ nodes: 4, tensorBytes: 16 * 2 ** 20, linkGbps: 10, latencyMs: 0.5, seed: 'test', calibrationFile: 'no/such/calibration.json' });
  const e = report.explanation;
  assert.ok(e.factors.window > 1.1, `window factor ${e.factors.window}`);
  // Each step waits at least for its last byte's one-way trip (host → switch → host: 1 ms).
  assert.ok(e.perStepSynchronisationUs >= 1000, `${e.perStepSynchronisationUs} µs per step`);
});

test('frame-cost: every profile and backend at both sizes, v1 the reference of the added cost', async () => {
  const report = await runFrameCostBench({ timeMs: 5 });
  assert.equal(report.results.length, 10);
  for (const r of report.results) assert.ok(r.microsecondsPerFrame > 0 && r.samples > 0, `${r.profile} [${r.backend}] ${r.frameBytes} B`);
  assert.deepEqual(report.results.filter((r) => r.profile === 'asoc-v1').map((r) => r.addedMicrosecondsVsV1), [0, 0]);
});

test('their flags: defaults, checked numbers, --no-… switches', () => {
  assert.deepEqual(parseSimEventsArgs([]), { mebibytes: 256, hash: true });
  assert.deepEqual(parseSimEventsArgs(['--mib', '16', '--no-hash', '--out', 'x']), { mebibytes: 16, hash: false, out: 'x' });
  assert.deepEqual(parseSimScaleArgs(['--sizes', '50,500', '--no-memo']), { ...SIM_SCALE_DEFAULTS, sizes: [50, 500], memo: false });
  assert.deepEqual(parseSimScaleArgs([]), SIM_SCALE_DEFAULTS);
  assert.deepEqual(parseFrameCostArgs(['--time', '200']), { timeMs: 200 });
  assert.deepEqual(parseSimAllReduceArgs(['--nodes', '16', '--tensor', '1MiB', '--link-gbps', '2.5']), { ...SIM_ALLREDUCE_DEFAULTS, nodes: 16, tensorBytes: 2 ** 20, linkGbps: 2.5 });
  assert.equal(parseSimAllReduceArgs(['--calibration', 'x.json'])?.calibrationFile, 'x.json');
  assert.throws(() => parseSimAllReduceArgs(['--nodes', '1']), { name: 'UsageError' });
  assert.throws(() => parseSimAllReduceArgs(['--link-gbps', 'fast']), { name: 'UsageError' });
  assert.throws(() => parseSimEventsArgs(['--mib', '0']), { name: 'UsageError' });
  assert.throws(() => parseSimScaleArgs(['--sizes', '100,1']), { name: 'UsageError' });
  assert.throws(() => parseSimScaleArgs(['--sizes', '100,']), { name: 'UsageError' });
  assert.throws(() => parseFrameCostArgs(['--time', 'soon']), { name: 'UsageError' });
  assert.throws(() => parseSimEventsArgs(['256']), { name: 'UsageError' }, 'the old positional size is refused, not ignored');
});

test('asoc-lab bench lists them beside the other benchmarks', () => {
  for (const name of ['frame-cost', 'sim-events', 'sim-scale', 'sim-allreduce']) assert.match(benchCommand.help, new RegExp(`^  ${name} `, 'm'));
});

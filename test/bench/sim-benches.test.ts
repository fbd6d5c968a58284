/** The simulator's benchmarks (sim-events, sim-scale) and frame-cost: what they measure and their flags, as `asoc-lab bench` subcommands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFrameCostBench } from '../../bench/frame-cost.ts';
import { runSimEventsBench } from '../../bench/sim-events.ts';
import { runSimScaleBench } from '../../bench/sim-scale.ts';
import { expectedScaleConnections } from '../../sim/asoc/scale.ts';
import { benchCommand } from '../../lab/commands/bench.ts';
import { parseFrameCostArgs } from '../../lab/commands/bench/frame-cost.ts';
import { parseSimEventsArgs } from '../../lab/commands/bench/sim-events.ts';
import { parseSimScaleArgs } from '../../lab/commands/bench/sim-scale.ts';

test('sim-events: the whole transfer arrives; events, goodput and memory are counted; the same seed gives the same virtual time', async () => {
  const a = await runSimEventsBench({ mebibytes: 2, hash: true });
  const b = await runSimEventsBench({ mebibytes: 2, hash: false });
  assert.equal(a.simulatedMiB, 2);
  assert.ok(a.events > 1000 && a.eventsPerSecond > 0 && a.rssMiB > 0);
  assert.ok(a.simulatedGoodputGbps > 0 && a.simulatedGoodputGbps <= 10, `${a.simulatedGoodputGbps} Gbit/s on a 10 Gbit/s link`);
  assert.equal(a.simulatedMs, b.simulatedMs, 'the trace hash changes nothing simulated');
  await assert.rejects(runSimEventsBench({ mebibytes: 0, hash: true }), RangeError);
});

test('sim-scale: every expected connection comes up; memo only saves HMACs, it changes nothing simulated', async () => {
  const options = { nodes: 12, peers: 3, virtualMs: 0, seed: 'test', hash: true };
  const memo = await runSimScaleBench({ ...options, memo: true });
  const plain = await runSimScaleBench({ ...options, memo: false });
  assert.equal(memo.expectedConnections, expectedScaleConnections(12, 3));
  assert.deepEqual(memo.discoveredPeers, { min: 11, max: 11 });
  assert.equal(memo.traceHash, plain.traceHash);
  assert.equal(plain.hmacs, 'all computed');
  assert.ok(memo.hmacs !== 'all computed' && memo.hmacs.computed < memo.hmacs.requested);
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
  assert.deepEqual(parseSimScaleArgs(['--nodes', '50', '--no-memo']), { nodes: 50, peers: 10, virtualMs: 0, seed: 'scale', hash: true, memo: false });
  assert.deepEqual(parseFrameCostArgs(['--time', '200']), { timeMs: 200 });
  assert.throws(() => parseSimEventsArgs(['--mib', '0']), { name: 'UsageError' });
  assert.throws(() => parseSimScaleArgs(['--nodes', '1']), { name: 'UsageError' });
  assert.throws(() => parseFrameCostArgs(['--time', 'soon']), { name: 'UsageError' });
  assert.throws(() => parseSimEventsArgs(['256']), { name: 'UsageError' }, 'the old positional size is refused, not ignored');
});

test('asoc-lab bench lists them beside the other benchmarks', () => {
  for (const name of ['frame-cost', 'sim-events', 'sim-scale']) assert.match(benchCommand.help, new RegExp(`^  ${name} `, 'm'));
});

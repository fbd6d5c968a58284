import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadScenario } from '../../scenarios/load.ts';
import { runGoodputSweep, sweepScenario, SWEEP_TOPOLOGY } from '../../scenarios/sweep.ts';
import { measureGoodputSweep } from '../../lab/claims/goodput-sweep.ts';

const MiB = 1024 ** 2;
const base = loadScenario(fileURLToPath(new URL(`../../scenarios/topologies/${SWEEP_TOPOLOGY}.yaml`, import.meta.url)));

test('a sweep point changes only the link (RTT/2 each way, no jitter, the loss) and runs one stream', () => {
  const point = sweepScenario(base, 0.01, 20, MiB);
  assert.deepEqual(point.topology.links, [{ ...base.topology.links[0]!, latencyMs: 10, jitterMs: 0, loss: 0.01 }]);
  assert.deepEqual(point.topology.hosts, base.topology.hosts);
  assert.deepEqual(point.nodes, base.nodes);
  assert.equal(point.workloads.length, 1);
  assert.equal(point.workloads[0]!.bytes, MiB);
  assert.equal(point.workloads[0]!.from, base.workloads[0]!.from);
});

const settings = { lossRates: [0, 0.02], rttsMs: [2, 40], seeds: [1, 2], bytes: MiB, calibrationFile: '/nonexistent/calibration.json' };

test('goodput falls with loss and with RTT, and a seed gives the same run twice', () => {
  const notices: string[] = [];
  const result = runGoodputSweep({ ...settings, onNotice: (text) => notices.push(text) });
  assert.equal(result.points.length, 8);
  assert.equal(notices.length, 1, 'the placeholder-costs notice once, not once per point');
  assert.equal(result.calibrationFile, null, 'placeholder costs, and the result says so');
  const at = (loss: number, rttMs: number) => result.points.find((p) => p.loss === loss && p.rttMs === rttMs && p.seed === 1)!.goodputMBps!;
  assert.ok(at(0.02, 2) < at(0, 2), `loss: ${at(0.02, 2)} vs ${at(0, 2)}`);
  assert.ok(at(0, 40) < at(0, 2), `RTT: ${at(0, 40)} vs ${at(0, 2)}`);
  const again = runGoodputSweep({ ...settings, lossRates: [0.02], rttsMs: [2], seeds: [1] });
  assert.equal(again.points[0]!.traceHash, result.points.find((p) => p.loss === 0.02 && p.rttMs === 2 && p.seed === 1)!.traceHash);
});

test('the measurement has one figure per loss × RTT, the median over seeds with an interval around it', () => {
  const m = measureGoodputSweep(settings);
  assert.deepEqual(m.figures!.map((f) => f.name), ['goodput at 0 % loss, RTT 2 ms', 'goodput at 0 % loss, RTT 40 ms', 'goodput at 2 % loss, RTT 2 ms', 'goodput at 2 % loss, RTT 40 ms']);
  for (const f of m.figures!) {
    assert.equal(f.samples.length, 2);
    assert.ok(f.interval!.low <= f.estimate && f.estimate <= f.interval!.high);
  }
  assert.deepEqual(m.seeds, { 'each loss × RTT point': '1, 2' });
  assert.equal((m.data as { kind: string }).kind, 'goodput-sweep');
  assert.match(m.summary, /CPU costs the simulator's placeholders, no calibration file/);
});

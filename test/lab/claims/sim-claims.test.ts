import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CalibrationFile } from '../../../bench/calibration-file.ts';
import { cpuBudget } from '../../../lab/claims/sim-budget.ts';
import { decideSimulatedClaims, figureAtEnds } from '../../../lab/claims/sim-claims.ts';
import { verdictOf } from '../../../lab/claims/verdict.ts';

const ends = (atHigh: number, atLow: number) => [
  { end: 'high' as const, value: atHigh },
  { end: 'low' as const, value: atLow },
];

test('a simulated figure is decided only when the figures at both ends of the calibration agree', () => {
  const holds = figureAtEnds('x', 446, ends(540, 612), 'test');
  assert.equal(holds.verdict, 'HOLDS');
  assert.deepEqual([holds.interval!.low, holds.interval!.high], [540, 612], 'interval = [figure at high cost, figure at low cost]');
  assert.deepEqual(holds.samples, [540, 612]);
  assert.equal(figureAtEnds('x', 446, ends(147, 374), 'test').verdict, 'FAILS');
  const straddles = figureAtEnds('x', 446, ends(374, 1148), 'test');
  assert.equal(straddles.verdict, 'UNDECIDED');
  assert.equal(verdictOf([straddles.verdict!, 'HOLDS']), 'UNDECIDED');
  // A simulator that is not monotone in the costs still gives an ordered interval.
  const reversed = figureAtEnds('x', 446, ends(600, 500), 'test');
  assert.deepEqual([reversed.interval!.low, reversed.interval!.high], [500, 600]);
  // A file without bounds: one point, no interval, compared as it is.
  const point = figureAtEnds('x', 446, [{ end: 'point', value: 500 }], 'test');
  assert.equal(point.interval, null);
  assert.equal(point.verdict, 'HOLDS');
});

const cost = (receivePerByteMs: number) => ({ cpu: { sendPerFrameMs: 0, sendPerByteMs: 2e-7, receivePerFrameMs: 0, receivePerByteMs }, asocFrame: { sendPerFrameMs: 0.008, receivePerFrameMs: 0.01 } });
function calibration(low: number, median: number, high: number, accepted = true): CalibrationFile {
  return { version: 1, ...cost(median), source: 'test', bounds: { low: cost(low), high: cost(high), confidence: 0.95, method: 'test' }, stability: { accepted, problems: accepted ? [] : ['asoc-v1 receive: the per-byte cost spreads 700 % across rounds (bound 100 %)'] } };
}
const P9 = { rate: '1068 MB/s one way', loads: [{ host: 'a', sendBytesPerSec: 1068e6, receiveBytesPerSec: 0 }, { host: 'b', sendBytesPerSec: 0, receiveBytesPerSec: 1068e6 }], frameBytes: 1024 ** 2, mss: 1460 };

test('the CPU budget: what a host needs beside what this machine has, at both ends', () => {
  const roomy = cpuBudget(P9, calibration(3e-7, 4e-7, 5e-7));
  assert.equal(roomy.fitsAtBothEnds, true);
  assert.ok(roomy.evidence.share.low! < roomy.evidence.share.median && roomy.evidence.share.median < roomy.evidence.share.high!);
  assert.match(roomy.text, /the receiving host may spend ≤ 0\.7\d ns per byte \(receive\)/);
  assert.match(roomy.short, /receive ≤ 0\.7\d ns\/B, this machine 0\.40 \[0\.30, 0\.50\]/);
  const straddling = cpuBudget(P9, calibration(3e-7, 6e-7, 1.2e-6));
  assert.equal(straddling.fitsAtBothEnds, false);
  assert.match(straddling.text, /within its own spread of the limit/);
  assert.match(cpuBudget(P9, calibration(1.1e-6, 1.2e-6, 1.3e-6)).text, /its CPU is the limit/);
});

test('a calibration rejected as unstable leaves P3, P4 and P9 UNDECIDED with the reason, without simulating', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-sim-claims-'));
  const file = join(dir, 'calibration.json');
  writeFileSync(file, JSON.stringify(calibration(2e-7, 1e-6, 1.7e-6, false)));
  const steps: string[] = [];
  const { claims, runs } = decideSimulatedClaims({ calibrationFile: file, workDir: dir, onStep: (label) => steps.push(label) });
  assert.deepEqual(claims.map((c) => [c.id, c.verdict]), [['P3', 'UNDECIDED'], ['P9', 'UNDECIDED'], ['P4', 'UNDECIDED']]);
  for (const c of claims) assert.match(c.summary, /rejected as unstable .*spreads 700 %/);
  assert.ok(claims.every((c) => c.toDecide));
  assert.deepEqual([runs, steps], [[], []]);
  assert.throws(() => decideSimulatedClaims({ calibrationFile: join(dir, 'none.json'), workDir: dir }), /no calibration file at .*asoc-lab calibrate/);
});

test('P9 simulated at both ends: a receiver cost whose interval spans the 10 GbE budget leaves it UNDECIDED, with both figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-sim-claims-'));
  const file = join(dir, 'calibration.json');
  // 0.3 ns/B lets a receiver carry the link; 1.5 ns/B (≤ 0.67 GB/s of CPU) cannot.
  writeFileSync(file, JSON.stringify(calibration(3e-7, 6e-7, 1.5e-6)));
  const { claims, runs } = decideSimulatedClaims({ calibrationFile: file, workDir: dir, bytesDivisor: 32 });
  assert.deepEqual(runs.map((r) => r.end), ['high', 'low']);
  const p9 = claims.find((c) => c.id === 'P9')!;
  const figure = p9.figures![0]!;
  assert.ok(figure.interval!.low < 1068 && figure.interval!.high >= 1068, `P9 from ${figure.interval!.low} to ${figure.interval!.high}`);
  assert.equal(p9.verdict, 'UNDECIDED');
  assert.match(p9.toDecide ?? '', /narrower calibration/);
  assert.match(p9.summary, /at the high-cost end: .* at the low-cost end: /);
});

const ends3 = (send: [number, number, number], receive: [number, number, number], frames: [number, number]): CalibrationFile => {
  const at = (i: number) => ({ cpu: { sendPerFrameMs: 0, sendPerByteMs: send[i]!, receivePerFrameMs: 0, receivePerByteMs: receive[i]! }, asocFrame: { sendPerFrameMs: frames[0], receivePerFrameMs: frames[1] } });
  return { version: 1, ...at(1), source: 'test', bounds: { low: at(0), high: at(2), confidence: 0.95, method: 'test' }, stability: { accepted: true, problems: [] } };
};

test('a shortfall with a saturated resource FAILS; one with nothing saturated (the simulated TCP) is UNDECIDED', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-sim-claims-'));
  const cpuBound = join(dir, 'cpu-bound.json');
  writeFileSync(cpuBound, JSON.stringify(ends3([2e-7, 2e-7, 2e-7], [2e-6, 2.5e-6, 3e-6], [0.01, 0.01])));
  const p9 = decideSimulatedClaims({ calibrationFile: cpuBound, workDir: dir, bytesDivisor: 32 }).claims.find((c) => c.id === 'P9')!;
  assert.equal(p9.verdict, 'FAILS', p9.summary);
  assert.match(p9.summary, /its CPU is the limit/);
  // Costs of a calibration of this machine whose two-way testbed stalls well below the link and the CPU.
  const stalled = join(dir, 'stalled.json');
  writeFileSync(stalled, JSON.stringify(ends3([3.5e-7, 4.22e-7, 5.39e-7], [4.35e-7, 4.59e-7, 5.11e-7], [0.011, 0.0151])));
  const p3 = decideSimulatedClaims({ calibrationFile: stalled, workDir: dir, bytesDivisor: 32 }).claims.find((c) => c.id === 'P3')!;
  assert.ok(p3.figures!.every((f) => f.interval!.high < 446 * (f.name.includes('aggregate') ? 2 : 1)), p3.measured);
  assert.equal(p3.verdict, 'UNDECIDED');
  assert.match(p3.summary, /fell short with no resource saturated/);
  assert.match(p3.toDecide ?? '', /its own TCP dynamics/);
});

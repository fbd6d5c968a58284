import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fitCosts, FitError, type CostSample } from '../../bench/calibrate-fit.ts';
import { perByteWeights } from '../../bench/calibrate-diagnosis.ts';
import { buildReport, judgeAttempt, QUICK_CALIBRATION, type CalibrationReport } from '../../bench/calibrate.ts';
import { calibrationAtEnd, readCalibrationFile } from '../../bench/calibration-file.ts';
import { hostCpuCosts, loadCalibration } from '../../scenarios/calibration.ts';
import { DEFAULT_CPU_COSTS, FREE_CPU, loadCpuCalibration } from '../../sim/index.ts';
import { SimRandom } from '../../sim/random.ts';

const CHUNKS = [1024, 16 * 1024, 1024 * 1024];
type CalibrationSample = CalibrationReport['samples'][number];

/** Runs at each chunk size costing perFrame·frames + perByte·bytes, times (1 ± noise). */
function samples(perFrameMs: number, perByteMs: number, noise = 0, runs = 3): CostSample[] {
  const random = new SimRandom('fit');
  return CHUNKS.flatMap((chunk) =>
    Array.from({ length: runs }, () => {
      const bytes = 64 * 1024 * 1024;
      const frames = bytes / chunk;
      return { frames, bytes, cpuMs: (perFrameMs * frames + perByteMs * bytes) * random.between(1 - noise, 1 + noise) };
    }),
  );
}

test('the fit recovers known per-frame and per-byte costs exactly from exact samples', () => {
  const fit = fitCosts(samples(0.004, 2e-7));
  assert.ok(Math.abs(fit.perFrameMs / 0.004 - 1) < 1e-9, `perFrame ${fit.perFrameMs}`);
  assert.ok(Math.abs(fit.perByteMs / 2e-7 - 1) < 1e-9, `perByte ${fit.perByteMs}`);
  assert.ok(fit.rSquared > 0.999999);
  assert.equal(fit.clamped, null);
});

test('with 5 % noise per run the fit stays within 10 % of the true costs', () => {
  const fit = fitCosts(samples(0.004, 2e-7, 0.05, 5));
  assert.ok(Math.abs(fit.perFrameMs / 0.004 - 1) < 0.1, `perFrame ${fit.perFrameMs}`);
  assert.ok(Math.abs(fit.perByteMs / 2e-7 - 1) < 0.1, `perByte ${fit.perByteMs}`);
});

test('a cost that comes out negative is fixed at 0 and the other refitted', () => {
  const falling = fitCosts([
    { frames: 1000, bytes: 1e6, cpuMs: 0.9 },
    { frames: 10, bytes: 1e6, cpuMs: 1.0 },
  ]);
  assert.equal(falling.clamped, 'perFrameMs');
  assert.equal(falling.perFrameMs, 0);
  assert.ok(Math.abs(falling.perByteMs - 0.95e-6) < 1e-12);
  const perFrameOnly = fitCosts([
    { frames: 1000, bytes: 1e6, cpuMs: 1.0 },
    { frames: 100, bytes: 1e6, cpuMs: 0.05 },
  ]);
  assert.equal(perFrameOnly.clamped, 'perByteMs');
  assert.equal(perFrameOnly.perByteMs, 0);
  assert.ok(perFrameOnly.perFrameMs > 0);
});

test('one frame size cannot separate the two costs', () => {
  assert.throws(() => fitCosts(samples(0.004, 2e-7).slice(0, 3)), FitError);
  assert.throws(() => fitCosts([{ frames: 0, bytes: 1, cpuMs: 1 }]), FitError);
});

/** Samples of one attempt, as the calibration records them: `costs[r]` are round r's true costs. */
function attemptSamples(costs: Array<{ send: [number, number]; receive: [number, number] }>, sizes = [4096, 1024 ** 2]): CalibrationSample[] {
  const bytes = 256 * 1024 ** 2;
  return costs.flatMap((round, r) =>
    sizes.flatMap((chunkSize) =>
      (['raw-tcp', 'asoc-v1'] as const).flatMap((protocol) =>
        (['send', 'receive'] as const).map((side) => {
          const [perFrameMs, perByteMs] = round[side];
          const frames = bytes / chunkSize;
          return { attempt: 1, round: r + 1, protocol, side, chunkSize, frames, bytes, cpuMs: perFrameMs * frames + perByteMs * bytes, seconds: 0.25, faults: null };
        }),
      ),
    ),
  );
}

const NOISE = { stealFraction: 0, busyFraction: 0.5, loadAverage: { start: 1, end: 1 }, cpus: 2, seconds: 10 };
const steady = (k: number) => ({ send: [0.008 * k, 2e-7 * k] as [number, number], receive: [0.01 * k, 4e-7 * k] as [number, number] });

test('the file calibrate writes is what the simulator and the runner read, with both ends of each cost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-calibration-'));
  const samples = attemptSamples([0.95, 1, 1.05, 1.1, 0.9].map(steady));
  const attempt = judgeAttempt(1, samples, NOISE);
  assert.equal(attempt.accepted, true, attempt.problems.join('; '));
  const report = buildReport(QUICK_CALIBRATION, { sender: 0, receiver: 1 }, [attempt], samples);
  const file = join(dir, 'calibration.json');
  writeFileSync(file, JSON.stringify(report));
  assert.deepEqual(loadCpuCalibration(file), report.cpu);
  const calibration = loadCalibration(file);
  assert.deepEqual(calibration.costs, { packet: report.cpu, frame: report.asocFrame });
  assert.equal(calibration.notice, null);
  assert.ok(Math.abs(report.cpu.receivePerByteMs / 4e-7 - 1) < 1e-9, 'the median round');
  const { low, high } = report.bounds!;
  assert.ok(low.cpu.receivePerByteMs < report.cpu.receivePerByteMs && report.cpu.receivePerByteMs < high.cpu.receivePerByteMs);
  assert.ok(low.asocFrame.sendPerFrameMs < high.asocFrame.sendPerFrameMs);
  assert.deepEqual(calibrationAtEnd(readCalibrationFile(file), 'high').cpu, high.cpu);
  assert.equal(report.cpu.sendPerFrameMs, 0, 'per packet: inside the per-byte cost on loopback');
});

test('a calibration file from before bounds and stability still loads; one rejected as unstable comes with a notice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-calibration-'));
  const old = join(dir, 'old.json');
  writeFileSync(old, JSON.stringify({ version: 1, cpu: { sendPerFrameMs: 0, sendPerByteMs: 2e-7, receivePerFrameMs: 0, receivePerByteMs: 3e-7 }, asocFrame: { sendPerFrameMs: 0.004, receivePerFrameMs: 0.003 }, source: 'test' }));
  assert.equal(loadCalibration(old).notice, null);
  assert.throws(() => calibrationAtEnd(readCalibrationFile(old), 'low'), /no bounds/);
  const rejected = join(dir, 'rejected.json');
  writeFileSync(rejected, JSON.stringify({ ...JSON.parse(readFileSync(old, 'utf8')), stability: { accepted: false, problems: ['asoc-v1 send: spreads 300 %'] } }));
  assert.match(loadCalibration(rejected).notice ?? '', /rejected as unstable .*spreads 300 %/);
});

test('stability: rounds that agree are accepted', () => {
  const rounds = [0.95, 1, 1.05, 1.1, 0.9].map(steady);
  const attempt = judgeAttempt(1, attemptSamples(rounds), NOISE);
  assert.deepEqual(attempt.problems, []);
  assert.equal(attempt.accepted, true);
  const receive = attempt.sides['asoc-v1'].receive;
  assert.ok(receive.perByteMs.interval.low <= 4e-7 && 4e-7 <= receive.perByteMs.interval.high);
  assert.ok(receive.maxResidual < 0.15);
});

test('stability: costs that swing between rounds (the 8× calibration) are rejected, naming the cost and the spread', () => {
  const swinging = [1, 7.7, 1, 7.7, 1].map((k) => ({ send: steady(1).send, receive: [0.01, 0.22e-6 * k] as [number, number] }));
  const attempt = judgeAttempt(1, attemptSamples(swinging), NOISE);
  assert.equal(attempt.accepted, false);
  assert.ok(attempt.problems.some((p) => /asoc-v1 receive: the per-byte cost spreads \d+ % across rounds/.test(p)), attempt.problems.join('; '));
  assert.ok(attempt.problems.some((p) => /off what the median costs predict/.test(p)), 'rounds far from the median line are named too');
});

test('stability: a round whose per-frame cost came out negative (fixed at 0) is rejected', () => {
  const rounds = [0.95, 1, 1.05, 1.1].map(steady);
  const samples = attemptSamples(rounds);
  // Round 5: the small frames cost less per byte than the large ones, so the line falls: per-frame < 0.
  const falling = attemptSamples([steady(1)]).map((s) => ({ ...s, round: 5, cpuMs: s.chunkSize === 4096 ? s.bytes * 3e-7 : s.bytes * 5e-7 }));
  const attempt = judgeAttempt(1, [...samples, ...falling], NOISE);
  assert.equal(attempt.accepted, false);
  assert.ok(attempt.problems.some((p) => /round 5: the per-frame cost came out negative and was fixed at 0/.test(p)), attempt.problems.join('; '));
  assert.equal(attempt.sides['asoc-v1'].receive.rounds.find((r) => r.round === 5)!.clamped, 'perFrameMs');
});

test('stability: too few rounds for an interval are rejected; raw TCP is measured but not judged', () => {
  const few = judgeAttempt(1, attemptSamples([steady(1), steady(1.02)]), NOISE);
  assert.ok(few.problems.some((p) => /2 round\(s\), at least 3/.test(p)));
  const rawOnlyBad = attemptSamples([0.95, 1, 1.05].map(steady)).map((s) => (s.protocol === 'raw-tcp' && s.round === 2 ? { ...s, cpuMs: s.cpuMs * 9 } : s));
  const attempt = judgeAttempt(1, rawOnlyBad, NOISE);
  assert.equal(attempt.accepted, true);
  assert.ok(attempt.sides['raw-tcp'].send.problems.length > 0);
});

test('stability: one frame size off the line in one round is measured against the bound', () => {
  const base = [0.95, 1, 1.05, 1.1, 0.9].map(steady);
  const off = (factor: number) => attemptSamples(base).map((s) => (s.protocol === 'asoc-v1' && s.side === 'send' && s.round === 3 && s.chunkSize === 1024 ** 2 ? { ...s, cpuMs: s.cpuMs * factor } : s));
  assert.equal(judgeAttempt(1, off(1.3), NOISE).accepted, true, 'within ±50 %');
  const far = judgeAttempt(1, off(1.9), NOISE);
  assert.equal(far.accepted, false);
  assert.ok(far.problems.some((p) => /asoc-v1 send, round 3: its 1048576-byte frames cost \d+ % off/.test(p)), far.problems.join('; '));
});

test('diagnosis: with 4 KiB and 1 MiB frames the per-byte cost is the 1 MiB one; with 1 KiB, 16 KiB and 1 MiB it was half the 16 KiB one', () => {
  const two = perByteWeights([4096, 1024 ** 2]);
  assert.ok(Math.abs(two[1]!.weight - 1) < 0.01 && Math.abs(two[0]!.weight) < 0.01);
  const old = perByteWeights([1024, 16384, 1024 ** 2]);
  assert.ok(Math.abs(old[1]!.weight - 0.5) < 0.05, `16 KiB weight ${old[1]!.weight}`);
  // Every weight set sums to 1: a constant cost per byte is its own intercept.
  for (const w of [two, old]) assert.ok(Math.abs(w.reduce((a, b) => a + b.weight, 0) - 1) < 1e-12);
});

test('without a calibration file, calibrated hosts get the placeholder costs and the user a notice', () => {
  const missing = loadCalibration(join(tmpdir(), 'no-such-dir', 'calibration.json'));
  assert.deepEqual(missing.costs.packet, DEFAULT_CPU_COSTS);
  assert.deepEqual(missing.costs.frame, { sendPerFrameMs: 0, receivePerFrameMs: 0 });
  assert.match(missing.notice ?? '', /no calibration file at .*asoc-lab calibrate/);
  let read = 0;
  const lazily = () => (read++, missing);
  assert.deepEqual(hostCpuCosts('free', lazily).packet, FREE_CPU);
  assert.deepEqual(hostCpuCosts({ sendPerByteMs: 1e-6 }, lazily).packet, { ...DEFAULT_CPU_COSTS, sendPerByteMs: 1e-6 });
  assert.equal(read, 0, 'hosts that do not ask for calibration do not read it');
  assert.equal(hostCpuCosts('calibrated', lazily), missing.costs);
  assert.equal(read, 1);
});

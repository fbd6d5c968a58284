import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fitCosts, FitError, type CostSample } from '../../bench/calibrate-fit.ts';
import { calibrationReportSchema } from '../../bench/calibrate.ts';
import { hostCpuCosts, loadCalibration } from '../../scenarios/calibration.ts';
import { DEFAULT_CPU_COSTS, FREE_CPU, loadCpuCalibration } from '../../sim/index.ts';
import { SimRandom } from '../../sim/random.ts';

const CHUNKS = [1024, 16 * 1024, 1024 * 1024];

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

test('the file calibrate writes is what the simulator and the runner read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-calibration-'));
  const fit = { perFrameMs: 0.004, perByteMs: 2e-7, rSquared: 0.99, clamped: null };
  const report = calibrationReportSchema.parse({
    version: 1,
    cpu: { sendPerFrameMs: 0, sendPerByteMs: 2e-7, receivePerFrameMs: 0, receivePerByteMs: 3e-7 },
    asocFrame: { sendPerFrameMs: 0.004, receivePerFrameMs: 0.003 },
    source: 'test',
    date: new Date().toISOString(),
    machine: { cpuModel: 'x', cores: 1, nodeVersion: 'v20', platform: 'linux', arch: 'x64', kernel: '6' },
    fits: { 'asoc-v1': { send: fit, receive: fit }, 'raw-tcp': { send: fit, receive: fit } },
    samples: [],
  });
  const file = join(dir, 'calibration.json');
  writeFileSync(file, JSON.stringify(report));
  assert.deepEqual(loadCpuCalibration(file), report.cpu);
  const calibration = loadCalibration(file);
  assert.deepEqual(calibration.costs, { packet: report.cpu, frame: report.asocFrame });
  assert.equal(calibration.notice, null);
  assert.match(calibration.source, /: test$/);
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

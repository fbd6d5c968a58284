/**
 * Measures what the real ASoc implementation costs in CPU on this machine, for the simulator.
 *
 * Method: real loopback transfers between two processes, through the throughput bench
 * (bench/throughput.ts: AsocNode over node:net, sender here, receiver in a child process, each
 * process's CPU time (user + system, process.cpuUsage) taken over the transfer), at several frame
 * sizes (default 1 KiB, 16 KiB, 1 MiB: every ASoc DATA frame is one chunk). For each side the
 * CPU time of every measured run is fitted to
 *
 *   cpu = perFrame · frames + perByte · bytes                      (calibrate-fit.ts)
 *
 * Two processes keep the sides apart without guessing how to split one process's time. Raw TCP
 * (the same bench, no framing, one write per chunk) is fitted the same way in the same runs, as the
 * transport's share of the cost.
 *
 * What the figures mean in the simulator (scenarios/calibration.ts): loopback moves 64 KiB
 * segments whatever the frame size, so a per-TCP-segment cost is not observable here; the kernel's
 * per-packet work is inside the per-byte figure, as it is on a NIC with segmentation offload. The
 * file therefore gives sim/cpu.ts (which charges per simulated packet) the measured per-byte costs
 * and 0 per packet, and gives SimAsocNode (which charges per ASoc frame) the measured per-frame
 * costs in `asocFrame`. A simulated 1 MiB frame then costs asocFrame + 1 MiB × perByte on each side,
 * as it did here.
 *
 *   npx tsx bench/calibrate.ts [--out reports/calibration.json] [--runs 3]   (or: asoc-lab calibrate)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { formatBytes } from '../src/commands/common.ts';
import { calibrationFileSchema, DEFAULT_CALIBRATION_FILE } from '../scenarios/calibration.ts';
import { fitCosts, type CostFit } from './calibrate-fit.ts';
import { machineInfo } from './machine.ts';
import { runThroughputBench, type ThroughputProgress } from './throughput.ts';

export interface FrameSize {
  chunkSize: number;
  /** Bytes per run at this size: enough for a few hundred ms of CPU. */
  totalBytes: number;
}

export const DEFAULT_FRAME_SIZES: readonly FrameSize[] = [
  { chunkSize: 1024, totalBytes: 64 * 1024 ** 2 },
  { chunkSize: 16 * 1024, totalBytes: 256 * 1024 ** 2 },
  { chunkSize: 1024 ** 2, totalBytes: 1024 ** 3 },
];

export interface CalibrateOptions {
  /** Measured runs per protocol and frame size (after one warm-up each). Default 3. */
  runs?: number;
  sizes?: readonly FrameSize[];
  onProgress?: (progress: CalibrateProgress) => void;
}

export interface CalibrateProgress {
  /** Index of the frame size being measured, and how many there are. */
  size: number;
  sizes: number;
  chunkSize: number;
  run: ThroughputProgress;
}

/** Calibrated in forward runs: the client process sends, the server process receives. */
const PROTOCOLS = ['raw-tcp', 'asoc-v1'] as const;
type Protocol = (typeof PROTOCOLS)[number];

const SIDES = ['send', 'receive'] as const;
type Side = (typeof SIDES)[number];

const fitSchema = z.object({ perFrameMs: z.number(), perByteMs: z.number(), rSquared: z.number(), clamped: z.enum(['perFrameMs', 'perByteMs']).nullable() });
const sampleSchema = z.object({ protocol: z.enum(PROTOCOLS), side: z.enum(SIDES), chunkSize: z.number().int().positive(), frames: z.number(), bytes: z.number(), cpuMs: z.number() });

/** What `asoc-lab calibrate` writes: the file the simulator reads, with the evidence behind it. */
export const calibrationReportSchema = calibrationFileSchema.extend({
  source: z.string(),
  date: z.iso.datetime(),
  machine: z.object({ cpuModel: z.string(), cores: z.number(), nodeVersion: z.string(), platform: z.string(), arch: z.string(), kernel: z.string() }),
  fits: z.record(z.enum(PROTOCOLS), z.object({ send: fitSchema, receive: fitSchema })),
  samples: z.array(sampleSchema),
});
export type CalibrationReport = z.infer<typeof calibrationReportSchema>;
type Sample = z.infer<typeof sampleSchema>;

export async function runCalibration(options: CalibrateOptions = {}): Promise<CalibrationReport> {
  const sizes = options.sizes ?? DEFAULT_FRAME_SIZES;
  const runs = options.runs ?? 3;
  const samples: Sample[] = [];
  for (const [index, { chunkSize, totalBytes }] of sizes.entries()) {
    const bench = await runThroughputBench({
      totalBytes,
      chunkSize,
      runs,
      protocols: [...PROTOCOLS],
      verify: 'count',
      onProgress: options.onProgress && ((run) => options.onProgress!({ size: index, sizes: sizes.length, chunkSize, run })),
    });
    for (const run of bench.runs.filter((r) => !r.warmup)) {
      if (!run.verified) throw new Error(`${run.protocol} run ${run.run} at ${formatBytes(chunkSize)} frames delivered ${run.bytes} of ${totalBytes} bytes`);
      const frames = Math.ceil(run.bytes / chunkSize);
      samples.push({ protocol: run.protocol as Protocol, side: 'send', chunkSize, frames, bytes: run.bytes, cpuMs: run.cpuSeconds.client * 1000 });
      samples.push({ protocol: run.protocol as Protocol, side: 'receive', chunkSize, frames, bytes: run.bytes, cpuMs: run.cpuSeconds.server * 1000 });
    }
  }
  const fit = (protocol: Protocol, side: Side): CostFit => fitCosts(samples.filter((s) => s.protocol === protocol && s.side === side));
  const fits = Object.fromEntries(PROTOCOLS.map((p) => [p, { send: fit(p, 'send'), receive: fit(p, 'receive') }])) as CalibrationReport['fits'];
  const asoc = fits['asoc-v1']!;
  const machine = machineInfo();
  return calibrationReportSchema.parse({
    version: 1,
    cpu: { sendPerFrameMs: 0, sendPerByteMs: asoc.send.perByteMs, receivePerFrameMs: 0, receivePerByteMs: asoc.receive.perByteMs },
    asocFrame: { sendPerFrameMs: asoc.send.perFrameMs, receivePerFrameMs: asoc.receive.perFrameMs },
    source:
      `asoc-lab calibrate on ${machine.cpuModel} ×${machine.cores}, node ${machine.nodeVersion}: AsocNode over loopback TCP, ` +
      `sender and receiver in separate processes, process CPU time fitted to perFrame·frames + perByte·bytes over ` +
      `${runs} run(s) at each of ${sizes.map((s) => formatBytes(s.chunkSize)).join(', ')} frames. ` +
      'cpu.*PerByteMs: all per-byte work (kernel, Node, ASoc); cpu.*PerFrameMs = 0 (per-packet cost is inside per-byte on loopback); ' +
      'asocFrame: the fixed cost of one ASoc frame, charged by SimAsocNode.',
    date: new Date().toISOString(),
    machine,
    fits,
    samples,
  });
}

/** Writes the report (creating its directory); returns the path. */
export async function writeCalibration(report: CalibrationReport, file = DEFAULT_CALIBRATION_FILE): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function printCalibrationSummary(report: CalibrationReport): void {
  const m = report.machine;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion} ${m.platform}/${m.arch}, kernel ${m.kernel}`);
  const rows = [['protocol', 'side', 'per frame µs', 'per byte ns', '= GB/s at 1 MiB frames', 'r²']];
  for (const protocol of PROTOCOLS) {
    for (const side of SIDES) {
      const f = report.fits[protocol]![side];
      const msPerMiB = f.perFrameMs + f.perByteMs * 1024 ** 2;
      rows.push([protocol, side, (f.perFrameMs * 1e3).toFixed(2), (f.perByteMs * 1e6).toFixed(4), (1024 ** 2 / msPerMiB / 1e6).toFixed(2), f.rSquared.toFixed(3) + (f.clamped ? ` (${f.clamped} clamped to 0)` : '')]);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) console.log(row.map((text, col) => (col < 2 ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join('  '));
  const { cpu, asocFrame } = report;
  console.log(
    `simulator costs: per packet 0 ms + per byte ${cpu.sendPerByteMs.toExponential(3)} ms send / ${cpu.receivePerByteMs.toExponential(3)} ms receive (sim/cpu.ts); ` +
      `per ASoc frame ${asocFrame!.sendPerFrameMs.toExponential(3)} ms send / ${asocFrame!.receivePerFrameMs.toExponential(3)} ms receive (SimAsocNode)`,
  );
}

/**
 * Measures what the real ASoc implementation costs in CPU on this machine, for the simulator.
 *
 * Method: real loopback transfers between two processes, through the throughput bench
 * (bench/throughput.ts: AsocNode over node:net, sender here, receiver in a child process, each
 * process's CPU time (user + system, process.cpuUsage) taken over the transfer), at two or more
 * frame sizes (every ASoc DATA frame is one chunk; FULL_CALIBRATION says which and why), pinned as
 * the bench pins them: the sender's main thread on one CPU, the receiver process on another
 * (cpu-pinning.ts; pinning every sender thread made rounds disagree more, see
 * calibrate-diagnosis.ts). At each size the bench runs
 * its warm-up, then `settleRuns` runs that are recorded but not used (a fresh receiver process
 * needs about 1 GiB before its cost per byte stops falling), then `rounds` measured runs. Round r
 * is the r-th measured run at every size; each round is fitted on its own to
 *
 *   cpu = perFrame · frames + perByte · bytes                      (calibrate-fit.ts)
 *
 * for the sender and the receiver apart, and the rounds are judged (calibrate-stability.ts): a
 * round with a cost fixed at 0, costs spread too wide, or a frame size far off its line rejects
 * the attempt, and the whole measurement is repeated, `attempts` times at most. The costs written
 * are the medians over rounds; `bounds` holds every cost at both ends of the bootstrap interval
 * of its median, for verdicts taken at both ends. Raw TCP runs in the same rounds and is fitted the
 * same way, as the transport's share (not judged). Why the costs move between runs, with this
 * run's figures, is in the report's `diagnosis` (calibrate-diagnosis.ts).
 *
 * What the figures mean in the simulator (scenarios/calibration.ts): loopback moves 64 KiB
 * segments whatever the frame size, so a per-TCP-segment cost is not observable here; the kernel's
 * per-packet work is inside the per-byte figure, as it is on a NIC with segmentation offload. The
 * file therefore gives sim/cpu.ts (which charges per simulated packet) the measured per-byte costs
 * and 0 per packet, and gives SimAsocNode (which charges per ASoc frame) the measured per-frame
 * costs in `asocFrame`.
 *
 *   npx tsx lab/cli.ts calibrate [--out reports/calibration.json] [--rounds 7] [--attempts 3] [--sizes 4KiB,1MiB]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { formatBytes } from './units.ts';
import { calibrationFileSchema, DEFAULT_CALIBRATION_FILE } from './calibration-file.ts';
import { diagnose, diagnosisSchema } from './calibrate-diagnosis.ts';
import { judgeRounds, STABILITY_RULES, type RoundSample, type SideStability, type StabilityRules } from './calibrate-stability.ts';
import { choosePinning } from './cpu-pinning.ts';
import { machineInfo, machineSchema } from './machine.ts';
import { watchNoise } from './noise.ts';
import { FaultCounter } from './process-faults.ts';
import { runThroughputBench, type ThroughputProgress } from './throughput.ts';

export interface FrameSize {
  chunkSize: number;
  /** Bytes per run at this size. */
  totalBytes: number;
}

export interface CalibrationSettings {
  sizes: readonly FrameSize[];
  /** Measured runs per size and protocol: one round each. */
  rounds: number;
  /** Runs after the bench's warm-up that are recorded but not fitted. */
  settleRuns: number;
  /** Measurements at most, until one is accepted. */
  attempts: number;
  rules: StabilityRules;
}

const MiB = 1024 ** 2;

/**
 * `asoc-lab calibrate` and verify's full run. Two frame sizes: 4 KiB, where a frame's fixed cost is
 * most of the cost, and 1 MiB, the simulated testbeds' own frames, where the per-byte cost is; each
 * round's line goes through both, so the 1 MiB cost the testbeds depend on is measured, not
 * extrapolated. Sizes in between are left out on purpose: there the receiver faults in fresh pages
 * for its buffers and costs 2–3× per byte in some runs and not in others (calibrate-diagnosis.ts),
 * which no per-frame + per-byte line describes. Run `asoc-lab calibrate --sizes 4KiB,64KiB,1MiB`
 * to see it.
 */
export const FULL_CALIBRATION: Readonly<CalibrationSettings> = {
  sizes: [
    { chunkSize: 4 * 1024, totalBytes: 128 * MiB },
    { chunkSize: MiB, totalBytes: 1024 * MiB },
  ],
  rounds: 7,
  settleRuns: 2,
  attempts: 3,
  rules: STABILITY_RULES,
};

/** verify --quick: shorter runs, fewer rounds, two attempts. */
export const QUICK_CALIBRATION: Readonly<CalibrationSettings> = {
  ...FULL_CALIBRATION,
  sizes: [
    { chunkSize: 4 * 1024, totalBytes: 64 * MiB },
    { chunkSize: MiB, totalBytes: 256 * MiB },
  ],
  rounds: 5,
  attempts: 2,
};

/** Bytes per run for a frame size given on the command line: about a quarter second on this kind of machine. */
export function runBytesFor(chunkSize: number): number {
  return chunkSize < 16 * 1024 ? 128 * MiB : chunkSize < MiB ? 512 * MiB : 1024 * MiB;
}

export interface CalibrateOptions extends Partial<CalibrationSettings> {
  onProgress?: (progress: CalibrateProgress) => void;
}

export interface CalibrateProgress {
  attempt: number;
  attempts: number;
  /** Index of the frame size being measured, and how many there are. */
  size: number;
  sizes: number;
  chunkSize: number;
  run: ThroughputProgress;
}

/** Calibrated in forward runs: the client process sends, the server process receives. */
const PROTOCOLS = ['raw-tcp', 'asoc-v1'] as const;
type Protocol = (typeof PROTOCOLS)[number];
/** The protocol whose costs the simulator takes, and whose rounds are judged. */
const CALIBRATED: Protocol = 'asoc-v1';
const SIDES = ['send', 'receive'] as const;
type Side = (typeof SIDES)[number];

const intervalSchema = z.object({ low: z.number(), high: z.number(), confidence: z.number(), method: z.string() });
const costSummarySchema = z.object({ median: z.number(), spread: z.number().nullable(), interval: intervalSchema, perRound: z.array(z.number()) });
const roundFitSchema = z.object({
  round: z.number().int(),
  perFrameMs: z.number(),
  perByteMs: z.number(),
  rSquared: z.number(),
  clamped: z.enum(['perFrameMs', 'perByteMs']).nullable(),
  residuals: z.array(z.object({ chunkSize: z.number(), relative: z.number() })),
});
const sideSchema = z.object({
  perFrameMs: costSummarySchema,
  perByteMs: costSummarySchema,
  maxResidual: z.number(),
  rSquared: z.number(),
  rounds: z.array(roundFitSchema),
  problems: z.array(z.string()),
});
const sampleSchema = z.object({
  attempt: z.number().int().positive(),
  /** 1… for fitted runs, null for the settling runs after the warm-up. */
  round: z.number().int().positive().nullable(),
  protocol: z.enum(PROTOCOLS),
  side: z.enum(SIDES),
  chunkSize: z.number().int().positive(),
  frames: z.number(),
  bytes: z.number(),
  cpuMs: z.number(),
  seconds: z.number(),
  /** Minor page faults of that side's process over the run (null: not counted). */
  faults: z.number().nullable(),
});
const noiseSchema = z.object({
  stealFraction: z.number().nullable(),
  busyFraction: z.number().nullable(),
  loadAverage: z.object({ start: z.number(), end: z.number() }),
  cpus: z.number(),
  seconds: z.number(),
});
const attemptSchema = z.object({
  attempt: z.number().int().positive(),
  accepted: z.boolean(),
  problems: z.array(z.string()),
  noise: noiseSchema,
  sides: z.record(z.enum(PROTOCOLS), z.object({ send: sideSchema, receive: sideSchema })),
});

/** What `asoc-lab calibrate` writes: the file the simulator reads, with the evidence behind it. */
export const calibrationReportSchema = calibrationFileSchema.extend({
  source: z.string(),
  date: z.iso.datetime(),
  machine: machineSchema,
  settings: z.object({
    sizes: z.array(z.object({ chunkSize: z.number(), totalBytes: z.number() })),
    rounds: z.number(),
    settleRuns: z.number(),
    attempts: z.number(),
    rules: z.object({ maxSpread: z.number(), maxResidual: z.number(), minRounds: z.number() }),
    /** As the throughput bench pins: the sender's main thread on one CPU, the whole receiver process on another. */
    pinning: z.object({ sender: z.number(), receiver: z.number() }).nullable(),
  }),
  stability: z.object({ accepted: z.boolean(), problems: z.array(z.string()) }),
  /** Every measurement in order; the last is the one whose costs are written. */
  attempts: z.array(attemptSchema),
  diagnosis: diagnosisSchema,
  samples: z.array(sampleSchema),
});
export type CalibrationReport = z.infer<typeof calibrationReportSchema>;
type Sample = z.infer<typeof sampleSchema>;
type Attempt = z.infer<typeof attemptSchema>;
type Pinned = CalibrationReport['settings']['pinning'];

export async function runCalibration(options: CalibrateOptions = {}): Promise<CalibrationReport> {
  const { onProgress, ...given } = options;
  const settings: CalibrationSettings = { ...FULL_CALIBRATION, ...given };
  for (const key of ['rounds', 'attempts'] as const) if (!(Number.isSafeInteger(settings[key]) && settings[key] >= 1)) throw new RangeError(`${key} must be a positive integer, got ${settings[key]}`);
  if (!(Number.isSafeInteger(settings.settleRuns) && settings.settleRuns >= 0)) throw new RangeError(`settleRuns must be a whole number, got ${settings.settleRuns}`);
  const attempts: Attempt[] = [];
  const samples: Sample[] = [];
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    const measured = await measure(attempt, settings, onProgress);
    samples.push(...measured.samples);
    attempts.push(judgeAttempt(attempt, measured.samples, measured.noise, settings.rules));
    if (attempts.at(-1)!.accepted) break;
  }
  return buildReport(settings, choosePinning(), attempts, samples);
}

/** One measurement: every frame size, warm-up, settling runs and rounds. */
async function measure(attempt: number, settings: CalibrationSettings, onProgress?: (p: CalibrateProgress) => void): Promise<{ samples: Sample[]; noise: Attempt['noise'] }> {
  const samples: Sample[] = [];
  const noise = watchNoise();
  for (const [index, { chunkSize, totalBytes }] of settings.sizes.entries()) {
    const faults = new FaultCounter('throughput-server');
    const faultsByRun = new Map<string, ReturnType<FaultCounter['take']>>();
    const bench = await runThroughputBench({
      totalBytes,
      chunkSize,
      runs: settings.settleRuns + settings.rounds,
      protocols: [...PROTOCOLS],
      verify: 'count',
      onProgress: (run) => {
        // A run's faults: from the end of the one before to its own end (the first progress at fraction 1).
        if (run.phase === 'run' && run.fraction === 1 && !faultsByRun.has(`${run.protocol} ${run.run}`)) faultsByRun.set(`${run.protocol} ${run.run}`, faults.take());
        onProgress?.({ attempt, attempts: settings.attempts, size: index, sizes: settings.sizes.length, chunkSize, run });
      },
    });
    for (const run of bench.runs.filter((r) => !r.warmup)) {
      if (!run.verified) throw new Error(`${run.protocol} run ${run.run} at ${formatBytes(chunkSize)} frames delivered ${run.bytes} of ${totalBytes} bytes`);
      const base = { attempt, round: run.run > settings.settleRuns ? run.run - settings.settleRuns : null, protocol: run.protocol as Protocol, chunkSize, frames: Math.ceil(run.bytes / chunkSize), bytes: run.bytes, seconds: run.seconds };
      const counted = faultsByRun.get(`${run.protocol} ${run.run}`);
      samples.push({ ...base, side: 'send', cpuMs: run.cpuSeconds.client * 1000, faults: counted?.self ?? null });
      samples.push({ ...base, side: 'receive', cpuMs: run.cpuSeconds.server * 1000, faults: counted?.child ?? null });
    }
  }
  return { samples, noise: noise() };
}

/** Fits every round of one attempt, per protocol and side, and judges the calibrated protocol's. */
export function judgeAttempt(attempt: number, samples: readonly Sample[], noise: Attempt['noise'], rules: StabilityRules = STABILITY_RULES): Attempt {
  const mine = samples.filter((s) => s.attempt === attempt && s.round !== null);
  const rounds = [...new Set(mine.map((s) => s.round!))].sort((a, b) => a - b);
  const sideOf = (protocol: Protocol, side: Side): SideStability => {
    const perRound = rounds.map((round) => ({ round, samples: mine.filter((s): s is Sample & RoundSample => s.protocol === protocol && s.side === side && s.round === round) }));
    return judgeRounds(`${protocol} ${side}`, perRound, rules);
  };
  const sides = Object.fromEntries(PROTOCOLS.map((p) => [p, { send: sideOf(p, 'send'), receive: sideOf(p, 'receive') }])) as Attempt['sides'];
  const problems = SIDES.flatMap((side) => sides[CALIBRATED]![side].problems);
  return { attempt, accepted: problems.length === 0, problems, noise, sides };
}

export function buildReport(settings: CalibrationSettings, pinning: Pinned, attempts: Attempt[], samples: Sample[]): CalibrationReport {
  const last = attempts.at(-1)!;
  const { send, receive } = last.sides[CALIBRATED]!;
  const at = (pick: (c: { median: number; interval: { low: number; high: number } }) => number) => ({
    cpu: { sendPerFrameMs: 0, sendPerByteMs: pick(send.perByteMs), receivePerFrameMs: 0, receivePerByteMs: pick(receive.perByteMs) },
    asocFrame: { sendPerFrameMs: pick(send.perFrameMs), receivePerFrameMs: pick(receive.perFrameMs) },
  });
  const machine = machineInfo();
  const sizes = settings.sizes.map((s) => formatBytes(s.chunkSize)).join(', ');
  return calibrationReportSchema.parse({
    version: 1,
    ...at((c) => c.median),
    bounds: { low: at((c) => c.interval.low), high: at((c) => c.interval.high), confidence: send.perByteMs.interval.confidence, method: `each cost at the ends of ${send.perByteMs.interval.method} (one fit per round)` },
    source:
      `asoc-lab calibrate on ${machine.cpuModel} ×${machine.cores}, node ${machine.nodeVersion}: AsocNode over loopback TCP, ` +
      `sender and receiver in separate processes${pinning ? ` pinned to CPUs ${pinning.sender} and ${pinning.receiver}` : ''}, process CPU time fitted to perFrame·frames + perByte·bytes ` +
      `per round (${settings.rounds} rounds over ${sizes} frames, after a warm-up and ${settings.settleRuns} settling run(s)); the costs are the medians over rounds. ` +
      `${last.accepted ? `Accepted at attempt ${last.attempt} of ${settings.attempts}.` : `REJECTED after ${attempts.length} attempt(s): ${last.problems.join('; ')}.`} ` +
      'cpu.*PerByteMs: all per-byte work (kernel, Node, ASoc); cpu.*PerFrameMs = 0 (per-packet cost is inside per-byte on loopback); ' +
      'asocFrame: the fixed cost of one ASoc frame, charged by SimAsocNode.',
    date: new Date().toISOString(),
    machine,
    settings: { ...settings, sizes: settings.sizes.map((s) => ({ ...s })), rules: { ...settings.rules }, pinning },
    stability: { accepted: last.accepted, problems: last.problems },
    attempts,
    diagnosis: diagnose(samples, attempts, CALIBRATED),
    samples,
  });
}

/** Writes the report (creating its directory); returns the path. */
export async function writeCalibration(report: CalibrationReport, file = DEFAULT_CALIBRATION_FILE): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

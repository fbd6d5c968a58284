import { FULL_CALIBRATION, runBytesFor, runCalibration, writeCalibration, type CalibrateProgress, type FrameSize } from '../../bench/calibrate.ts';
import { calibrationSummaryLines } from '../../bench/calibrate-summary.ts';
import { progressBar, showsProgress } from '../../bench/progress.ts';
import { DEFAULT_CALIBRATION_FILE } from '../../bench/calibration-file.ts';
import { integerFlag, parseFlags, UsageError, type Command } from './common.ts';
import { formatBytes, parseByteSize } from '../../bench/units.ts';

const { rules } = FULL_CALIBRATION;

const help = `Usage: asoc-lab calibrate [--out FILE] [--rounds N] [--attempts N] [--sizes LIST]

Measures the CPU cost of the real ASoc implementation on this machine and writes it where the
simulator reads it (scenarios with "cpu: calibrated", or asoc-lab sim --calibration FILE).

How: loopback transfers between two processes pinned to two CPUs (AsocNode over TCP, and raw TCP
for comparison) at ${FULL_CALIBRATION.sizes.map((s) => `${formatBytes(s.chunkSize)} frames (${formatBytes(s.totalBytes)} per run)`).join(', ')}.
At each size, after a warm-up and ${FULL_CALIBRATION.settleRuns} settling runs, one run per round; each round's CPU times
(user + system, per process) are fitted to perFrame × frames + perByte × bytes, for the sender and
the receiver apart. The costs are the medians over rounds, each with a bootstrap interval.

Accepted only when the rounds agree: every cost within a spread of ${rules.maxSpread * 100} % ((max − min) ÷ median),
every round at every frame size within ±${rules.maxResidual * 100} % of what the median costs predict, no cost
fixed at 0, ≥ ${rules.minRounds} rounds. Otherwise it
measures again (--attempts times at most); a file still rejected says so, and verify then calls
the simulated claims UNDECIDED.

What it writes: cpu.sendPerByteMs / cpu.receivePerByteMs (all per-byte work, kernel included),
charged by the simulator per byte of every packet; cpu.*PerFrameMs = 0, because loopback's 64 KiB
segments hide any per-packet cost inside the per-byte one; asocFrame.sendPerFrameMs /
receivePerFrameMs, the fixed cost of one ASoc frame, charged by the simulated node per frame;
bounds.low / bounds.high, every cost at the ends of its interval; stability, the decision. The
per-round fits, every sample, the machine's load and why the costs move are in the file too.

  --out FILE       where to write (default ${DEFAULT_CALIBRATION_FILE})
  --rounds N       rounds (measured runs per frame size and protocol; default ${FULL_CALIBRATION.rounds})
  --attempts N     measurements at most until one is stable (default ${FULL_CALIBRATION.attempts})
  --sizes LIST     frame sizes instead of the default ones, e.g. 4KiB,64KiB,1MiB (sizes between 4 KiB
                   and 1 MiB put the receiver in a page-faulting mode the two-cost line does not
                   describe: the file's diagnosis shows it; the simulator's testbeds use 1 MiB)
  -h, --help       this text

Exit status: 0 when accepted, 1 when the calibration stayed unstable (the file is written either way).`;

export const calibrateCommand: Command = {
  name: 'calibrate',
  measures: true,
  summary: 'measure the CPU cost per frame and per byte of ASoc on this machine, for the simulator',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, { out: { type: 'string' }, rounds: { type: 'string' }, attempts: { type: 'string' }, sizes: { type: 'string' } });
    if (values.help) {
      console.log(help);
      return 0;
    }
    const rounds = integerFlag('rounds', values.rounds, FULL_CALIBRATION.rounds, 1);
    const attempts = integerFlag('attempts', values.attempts, FULL_CALIBRATION.attempts, 1);
    const sizes = values.sizes === undefined ? FULL_CALIBRATION.sizes : parseSizes(values.sizes);
    const bar = showsProgress() ? progressBar() : null;
    const runsPerSize = FULL_CALIBRATION.settleRuns + rounds + 1;
    const onProgress = bar
      ? (p: CalibrateProgress) => {
          if (p.run.phase !== 'run') return;
          const r = p.run;
          bar.update(p.size * r.count + r.index + r.fraction, p.sizes * r.count, `attempt ${p.attempt}/${p.attempts}, ${formatBytes(p.chunkSize)} frames: ${r.protocol} ${r.warmup ? 'warm-up' : `run ${r.run}`}`);
        }
      : undefined;
    console.log(`calibrating: ${runsPerSize} run(s) per protocol at each frame size (warm-up, ${FULL_CALIBRATION.settleRuns} settling, ${rounds} rounds), up to ${attempts} attempt(s) …`);
    try {
      const report = await runCalibration({ rounds, attempts, sizes, onProgress });
      bar?.stop();
      for (const line of calibrationSummaryLines(report)) console.log(line);
      console.log(`calibration: ${await writeCalibration(report, values.out ?? DEFAULT_CALIBRATION_FILE)}`);
      return report.stability.accepted ? 0 : 1;
    } finally {
      bar?.stop();
    }
  },
};

/** "4KiB,1MiB" → frame sizes with their bytes per run; two distinct sizes at least, 1 KiB…1 MiB each. */
function parseSizes(text: string): FrameSize[] {
  const sizes = [...new Set(text.split(',').map((part) => parseByteSize(part)))];
  const bad = sizes.filter((n) => !(Number.isSafeInteger(n) && n >= 1024 && n <= 1024 ** 2));
  if (bad.length > 0 || sizes.length < 2) throw new UsageError(`--sizes ${text}: two or more different frame sizes of 1KiB…1MiB are needed`);
  return sizes.sort((a, b) => a - b).map((chunkSize) => ({ chunkSize, totalBytes: runBytesFor(chunkSize) }));
}

import { DEFAULT_FRAME_SIZES, printCalibrationSummary, runCalibration, writeCalibration, type CalibrateProgress } from '../../bench/calibrate.ts';
import { progressBar, showsProgress } from '../../bench/progress.ts';
import { DEFAULT_CALIBRATION_FILE } from '../../scenarios/calibration.ts';
import { formatBytes, integerFlag, parseFlags, type Command } from './common.ts';

const help = `Usage: asoc-lab calibrate [--out FILE] [--runs N]

Measures the CPU cost of the real ASoc implementation on this machine and writes it where the
simulator reads it (scenarios with "cpu: calibrated", or asoc-lab sim --calibration FILE).

How: loopback transfers between two processes (AsocNode over TCP, and raw TCP for comparison) at
${DEFAULT_FRAME_SIZES.map((s) => `${formatBytes(s.chunkSize)} frames (${formatBytes(s.totalBytes)} per run)`).join(', ')};
each process's CPU time (user + system) over each run is fitted to
perFrame × frames + perByte × bytes, for the sender and the receiver apart.

What it writes: cpu.sendPerByteMs / cpu.receivePerByteMs (all per-byte work, kernel included),
charged by the simulator per byte of every packet; cpu.*PerFrameMs = 0, because loopback's 64 KiB
segments hide any per-packet cost inside the per-byte one; asocFrame.sendPerFrameMs /
receivePerFrameMs, the fixed cost of one ASoc frame, charged by the simulated node per frame.
The fits, every sample and the machine are in the file too. Takes about 10-20 s.

  --out FILE     where to write (default ${DEFAULT_CALIBRATION_FILE})
  --runs N       measured runs per protocol and frame size, after one warm-up (default 3)
  -h, --help     this text`;

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: 'measure the CPU cost per frame and per byte of ASoc on this machine, for the simulator',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, { out: { type: 'string' }, runs: { type: 'string' } }, help);
    if (values.help) {
      console.log(help);
      return 0;
    }
    const runs = integerFlag('runs', values.runs, 3, 1);
    const bar = showsProgress() ? progressBar() : null;
    const onProgress = bar
      ? (p: CalibrateProgress) => {
          if (p.run.phase !== 'run') return;
          const r = p.run;
          bar.update(p.size * r.count + r.index + r.fraction, p.sizes * r.count, `${formatBytes(p.chunkSize)} frames: ${r.protocol} ${r.warmup ? 'warm-up' : `run ${r.run}`}`);
        }
      : undefined;
    console.log(`calibrating: ${runs} run(s) per protocol at each frame size, sender and receiver in separate processes …`);
    try {
      const report = await runCalibration({ runs, onProgress });
      bar?.stop();
      printCalibrationSummary(report);
      console.log(`calibration: ${await writeCalibration(report, values.out ?? DEFAULT_CALIBRATION_FILE)}`);
      return 0;
    } finally {
      bar?.stop();
    }
  },
};

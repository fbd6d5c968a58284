/** `asoc-lab bench frame-cost`: its flags and its table (the measuring is bench/frame-cost.ts). */
import { FRAME_COST_DEFAULTS, runFrameCostBench, type FrameCostOptions, type FrameCostReport } from '../../../bench/frame-cost.ts';
import { formatBytes } from '../../../bench/units.ts';
import { integerFlag, parseFlags } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

export function printFrameCostSummary(report: FrameCostReport): void {
  const m = report.machine;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion}; ${report.timeMs} ms per case, send + receive of one DATA frame in one process`);
  printTable(
    [
      ['profile', 'backend', 'frame', 'µs/frame', 'payload MB/s', 'µs added to v1'],
      ...report.results.map((r) => [r.profile, r.backend, formatBytes(r.frameBytes), r.microsecondsPerFrame.toFixed(2), r.payloadMBps.toFixed(0), r.addedMicrosecondsVsV1.toFixed(2)]),
    ],
    3,
  );
}

const help = `Usage: asoc-lab bench frame-cost [options]

What one DATA frame costs through the real connection core, per profile and crypto backend, at
1 KiB and 1 MiB: the sender queues it and the receiver takes it, one after the other in this
process (MB/s is of one core doing both sides). Writes reports/bench-frame-cost-<time>.json.
  --time MS    time per case (default ${FRAME_COST_DEFAULTS.timeMs})
  --out DIR    report directory (default reports)`;

export interface FrameCostCliOptions extends FrameCostOptions {
  out?: string;
}

export function parseFrameCostArgs(argv: string[]): FrameCostCliOptions | undefined {
  const { values } = parseFlags(argv, { time: { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return { timeMs: integerFlag('time', values.time, FRAME_COST_DEFAULTS.timeMs, 1), ...(values.out ? { out: values.out } : {}) };
}

export const runFrameCostCli = benchCli({ name: 'frame-cost', parse: parseFrameCostArgs, run: runFrameCostBench, print: printFrameCostSummary });

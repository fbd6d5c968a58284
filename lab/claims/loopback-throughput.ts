/**
 * ASoc v1 against raw TCP over loopback, two processes, delivery measured: not a claim of the
 * sources (loopback is not the RFC's 10 GbE testbed; P3/P9 are decided in the simulator) but the
 * lab's own regression figure: asoc-v1's throughput as a share of raw TCP's, run r of each paired
 * (the bench alternates them, so run r of both are seconds apart), with a bootstrap interval of
 * the median ratio and a tolerance for asoc-lab compare. raw TCP's own per-round spread is a
 * second figure: how steady the machine was; the noise rule (noise-rule.ts) reads it.
 */
import { watchNoise } from '../../bench/noise.ts';
import { relativeSpread } from '../../bench/stats.ts';
import { runThroughputBench } from '../../bench/throughput.ts';
import type { ThroughputReport } from '../../bench/throughput-schema.ts';
import { formatBytes } from '../../bench/units.ts';
import { throughputRatios, throughputReference, values } from './bench-rounds.ts';
import { exactFigure, sampledFigure, withInterval } from './figures.ts';
import type { Measurement } from './instrument.ts';
import { checkNoise } from './noise-rule.ts';
import type { Figure } from './verdict.ts';

export interface LoopbackThroughputOptions {
  totalBytes: number;
  runs: number;
}

/** asoc-lab compare fails a build whose ratio fell by more than this share of the previous one. */
export const RATIO_TOLERANCE = 0.1;

/** The ratio figure (run r of asoc-v1 ÷ run r of raw TCP) and raw TCP's spread figure (in its main mode) of a throughput report. */
export function throughputFigures(report: ThroughputReport): { ratio: Figure; rawSpread: Figure } {
  const raw = throughputReference(report);
  const ratios = throughputRatios(report, 'asoc-v1', 'raw-tcp');
  return {
    ratio: sampledFigure({ name: 'asoc-v1 ÷ raw TCP loopback throughput', unit: '×', statistic: 'median over rounds of run r ÷ run r (runs disturbed by other work left out)', tolerance: RATIO_TOLERANCE }, values(ratios)),
    rawSpread: exactFigure({ name: "raw TCP's per-round throughput spread", unit: '(max − min) ÷ median', statistic: `relative spread of raw TCP's ${raw.what} (samples: MB/s per round)` }, relativeSpread(raw.rounds), [...raw.rounds]),
  };
}

export async function measureLoopbackThroughput(options: LoopbackThroughputOptions): Promise<Measurement> {
  const { totalBytes, runs } = options;
  const stop = watchNoise();
  // Counting, not hashing: a SHA-256 at the receiver caps both protocols near the hash's speed and hides the protocol's own cost.
  const bench = await runThroughputBench({ totalBytes, runs, chunkSize: 1024 * 1024, verify: 'count' });
  const reference = throughputReference(bench);
  const noise = checkNoise(stop(), [reference]);
  const { ratio, rawSpread } = throughputFigures(bench);
  const MBps = (protocol: string) => bench.summary[protocol]?.medianMBps.toFixed(0) ?? '?';
  const disturbed = Object.values(bench.summary).reduce((sum, s) => sum + s.disturbedRuns, 0);
  return {
    name: 'loopback throughput',
    summary:
      `ASoc v1 ÷ raw TCP, run by run: ${withInterval(ratio, (v) => v.toFixed(3))} (median and ${Math.round((ratio.interval?.confidence ?? 0) * 100)} % interval over ${ratio.samples.length} of ${runs} rounds${disturbed > 0 ? `, ${disturbed} run(s) disturbed by other work left out` : ''}; medians ${MBps('asoc-v1')} vs ${MBps('raw-tcp')} MB/s; ${formatBytes(totalBytes)} per run, 1 MiB chunks, every byte counted at the receiver, MB = 10^6 bytes); ` +
      `raw TCP's per-round spread ${rawSpread.estimate.toFixed(2)} (${reference.what})${noise.tooNoisy ? ` — ${noise.tooNoisy}` : ''}. Loopback is not the RFC's 10 GbE testbed: P3/P9 are decided in the simulator.`,
    figures: [ratio, rawSpread],
    data: { settings: options, noise, bench },
  };
}

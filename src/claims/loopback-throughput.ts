/**
 * ASoc v1 against raw TCP over loopback, two processes, delivery measured: not a claim of the
 * sources (loopback is not the RFC's 10 GbE testbed; P3/P9 are decided in the simulator) but the
 * lab's own regression figure: asoc-v1's throughput as a share of raw TCP's in the same run.
 */
import { runThroughputBench } from '../../bench/throughput.ts';
import { formatBytes } from '../commands/common.ts';
import type { Measurement } from './instrument.ts';

export interface LoopbackThroughputOptions {
  totalBytes: number;
  runs: number;
}

export async function measureLoopbackThroughput(options: LoopbackThroughputOptions): Promise<Measurement> {
  const { totalBytes, runs } = options;
  // Counting, not hashing: a SHA-256 at the receiver caps both protocols near the hash's speed and hides the protocol's own cost.
  const bench = await runThroughputBench({ totalBytes, runs, chunkSize: 1024 * 1024, verify: 'count' });
  const asoc = bench.summary['asoc-v1'];
  const raw = bench.summary['raw-tcp'];
  const ratio = bench.ratios['asoc-v1/raw-tcp'];
  return {
    name: 'loopback throughput',
    summary: `ASoc v1 delivered a median ${asoc?.medianMBps.toFixed(0)} MB/s against raw TCP's ${raw?.medianMBps.toFixed(0)} MB/s in the same run (ratio ${ratio?.toFixed(3)}; ${runs} runs of ${formatBytes(totalBytes)}, 1 MiB chunks, every byte counted at the receiver, MB = 10^6 bytes). Loopback is not the RFC's 10 GbE testbed: P3/P9 are decided in the simulator.`,
    data: bench,
  };
}

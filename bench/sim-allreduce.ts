/**
 * A ring all-reduce in the simulator (sim/asoc/ring.ts): N nodes on one switch reduce a tensor of
 * T bytes in 2(N − 1) steps of T / N each, every chunk an ASoc stream on the real core. Completion
 * time in virtual time against the bandwidth-optimal bound 2(N − 1)/N × T / link rate, and the
 * goodput each node's link carried. `asoc-lab bench sim-allreduce` gives it flags and prints it
 * (lab/commands/bench/sim-allreduce.ts).
 */
import { ringAllReduceBoundMs, ringAllReduceSteps, runRing } from '../sim/asoc/ring.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { measureWallTime } from './wall-time.ts';

export interface SimAllReduceOptions {
  nodes: number;
  tensorBytes: number;
  /** Every switch port's rate, both directions. */
  linkGbps: number;
  /** One-way latency of each switch port. */
  latencyMs: number;
  seed: string;
}

export const SIM_ALLREDUCE_DEFAULTS: SimAllReduceOptions = { nodes: 8, tensorBytes: 64 * 2 ** 20, linkGbps: 10, latencyMs: 0.005, seed: 'all-reduce' };

export interface SimAllReduceReport {
  date: string;
  machine: MachineInfo;
  options: SimAllReduceOptions;
  steps: number;
  chunkBytes: number;
  /** Virtual time from the first step's sends to the last step's last arrival. */
  completionMs: number;
  boundMs: number;
  /** completionMs / boundMs: 1 is the bound. */
  timesTheBound: number;
  /** Payload each node sent over its link per second of the all-reduce, against the link rate. */
  perLinkGoodputGbps: number;
  events: number;
  wallMs: number;
  traceHash: string;
}

/** Virtual time allowed: connecting, then up to 100 times the bound. */
const CONNECT_MS = 10_000;

export async function runSimAllReduceBench(options: SimAllReduceOptions = SIM_ALLREDUCE_DEFAULTS): Promise<SimAllReduceReport> {
  const { nodes, tensorBytes, linkGbps, latencyMs, seed } = options;
  const linkBps = linkGbps * 1e9;
  const { steps, chunkBytes } = ringAllReduceSteps(nodes, tensorBytes);
  const boundMs = ringAllReduceBoundMs(nodes, tensorBytes, linkBps);
  const { result, wallMs } = measureWallTime(() =>
    runRing({ seed, nodes, chunkBytes, steps, deadlineMs: CONNECT_MS + 100 * boundMs, link: { bandwidthBps: linkBps, latencyMs, queueBytes: 4 * 2 ** 20 } }),
  );
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    options,
    steps,
    chunkBytes,
    completionMs: result.stepsMs,
    boundMs,
    timesTheBound: result.stepsMs / boundMs,
    perLinkGoodputGbps: (steps * chunkBytes * 8) / (result.stepsMs / 1000) / 1e9,
    events: result.events,
    wallMs: Math.round(wallMs),
    traceHash: result.cluster.sim.trace.digest(),
  };
}

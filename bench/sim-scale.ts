/**
 * Scale of the simulated ASoc node: N nodes on one broadcast domain discover each other and each
 * dials up to K discovered peers (sim/asoc/scale.ts); the run stops when every connection is up,
 * or goes on to `virtualMs` to measure the steady discovery load too. Measures wall time,
 * simulated events per second, memory and the discovery HMAC count. `asoc-lab bench sim-scale`
 * gives it flags and prints it (lab/commands/bench/sim-scale.ts).
 */
import { DEFAULT_BACKEND } from '../src/crypto/backend.ts';
import { memoizingBackend } from '../sim/asoc/memo-crypto.ts';
import { runScale, type ScaleResult } from '../sim/asoc/scale.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { measureWallTime } from './wall-time.ts';

export interface SimScaleOptions {
  nodes: number;
  /** Most discovered peers each node dials. */
  peers: number;
  /** Virtual time to run on after every connection is up (0: stop then). */
  virtualMs: number;
  seed: string;
  /** Keep the trace hash. */
  hash: boolean;
  /** Remember repeated HMACs (sim/asoc/memo-crypto.ts); false computes every one, to see what that saves. */
  memo: boolean;
}

export const SIM_SCALE_DEFAULTS: SimScaleOptions = { nodes: 1000, peers: 10, virtualMs: 0, seed: 'scale', hash: true, memo: true };

export type SimScaleReport = Omit<ScaleResult, 'cluster'> & {
  date: string;
  machine: MachineInfo;
  scenario: string;
  seed: string;
  traceHash: string | null;
  wallMs: number;
  eventsPerSecond: number;
  discoveryHmacsPerWallSecond: number;
  /** HMACs asked for and computed (the rest remembered), or 'all computed' without memo. */
  hmacs: { requested: number; computed: number } | 'all computed';
  heapUsedMiB: number;
  rssMiB: number;
};

export async function runSimScaleBench(options: SimScaleOptions = SIM_SCALE_DEFAULTS): Promise<SimScaleReport> {
  const memo = options.memo ? memoizingBackend(DEFAULT_BACKEND) : null;
  const crypto = memo ?? DEFAULT_BACKEND;
  const { result, wallMs } = measureWallTime(() =>
    runScale({
      seed: options.seed,
      nodes: options.nodes,
      maxDialedPeers: options.peers,
      deadlineMs: 60_000,
      runUntilMs: options.virtualMs,
      traceHash: options.hash,
      crypto,
    }),
  );
  const memory = process.memoryUsage();
  const { cluster, ...figures } = result;
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    scenario: `${options.nodes} nodes on one switch, discovery, each dials up to ${options.peers} discovered peers`,
    seed: options.seed,
    traceHash: options.hash ? cluster.sim.trace.digest() : null,
    ...figures,
    wallMs: Math.round(wallMs),
    eventsPerSecond: Math.round(result.events / (wallMs / 1000)),
    discoveryHmacsPerWallSecond: Math.round(result.discoveryHmacs / (wallMs / 1000)),
    hmacs: memo ? { ...memo.hmacStats } : 'all computed',
    heapUsedMiB: Math.round(memory.heapUsed / 2 ** 20),
    rssMiB: Math.round(memory.rss / 2 ** 20),
  };
}

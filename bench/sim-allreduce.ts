/**
 * A ring all-reduce in the simulator (sim/asoc/ring.ts): N nodes on one switch reduce a tensor of
 * T bytes in 2(N − 1) steps of T / N each, every chunk an ASoc stream on the real core. Completion
 * time in virtual time against the bandwidth-optimal bound 2(N − 1)/N × T / link rate, the goodput
 * each node's link carried, and why the run is slower than the bound: the same all-reduce is run
 * again with one cost taken away at a time (CPU, the window's limit, latency), so the gap splits into measured
 * factors whose product is the whole gap (allreduce-factors.ts). `asoc-lab bench sim-allreduce`
 * gives it flags and prints it (lab/commands/bench/sim-allreduce.ts).
 */
import { existsSync } from 'node:fs';
import { FREE_FRAMES, type FrameCpuCosts } from '../sim/asoc/index.ts';
import { ringAllReduceBoundMs, ringAllReduceSteps, runRing, type RingResult } from '../sim/asoc/ring.ts';
import { DEFAULT_CPU_COSTS, FREE_CPU, type CpuCosts } from '../sim/cpu.ts';
import { DEFAULT_TCP_OPTIONS } from '../sim/tcp/tcp-options.ts';
import { explainAllReduce, type AllReduceExplanation, type AllReduceRun } from './allreduce-factors.ts';
import { DEFAULT_CALIBRATION_FILE, readCalibrationFile } from './calibration-file.ts';
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
  /** The hosts' CPU costs (`asoc-lab calibrate`); absent: the simulator's placeholder costs, and the report says so. */
  calibrationFile: string;
}

export const SIM_ALLREDUCE_DEFAULTS: SimAllReduceOptions = {
  nodes: 8,
  tensorBytes: 64 * 2 ** 20,
  linkGbps: 10,
  latencyMs: 0.005,
  seed: 'all-reduce',
  calibrationFile: DEFAULT_CALIBRATION_FILE,
};


export interface HostCosts {
  packet: CpuCosts;
  frame: FrameCpuCosts;
  /** Where they came from. */
  source: string;
}

export interface SimAllReduceReport {
  date: string;
  machine: MachineInfo;
  options: SimAllReduceOptions;
  cpu: HostCosts;
  /**
   * Every port's queue: twice the TCP send buffer, so a host's own port holds everything its socket
   * may have unacknowledged (4 MiB of payload is 4.4 MiB on the wire with headers and the ACKs of
   * the inbound stream). A smaller queue made hosts drop their own packets, which a kernel does not
   * do (it stops the socket instead: TCP small queues), and cost the run losses that were the lab's.
   */
  queueBytes: number;
  steps: number;
  chunkBytes: number;
  /** Virtual time from the first step's sends to the last step's last arrival. */
  completionMs: number;
  boundMs: number;
  /** completionMs / boundMs: 1 is the bound. */
  timesTheBound: number;
  /** Payload each node sent over its link per second of the all-reduce, against the link rate. */
  perLinkGoodputGbps: number;
  /** How far from the bound, and why: measured factors (allreduce-factors.ts). */
  explanation: AllReduceExplanation;
  events: number;
  wallMs: number;
  traceHash: string;
}

/** The window of the wide-window run: TCP buffers (and port queues) this many times the default. */
const WIDE_WINDOW_FACTOR = 4;

/** Virtual time allowed: connecting, then up to 100 times the bound. */
const CONNECT_MS = 10_000;

export function allReduceHostCosts(calibrationFile: string): HostCosts {
  if (!existsSync(calibrationFile)) {
    return { packet: { ...DEFAULT_CPU_COSTS }, frame: { ...FREE_FRAMES }, source: `sim/cpu.ts placeholder costs (no calibration file at ${calibrationFile})` };
  }
  const file = readCalibrationFile(calibrationFile);
  const rejected = file.stability && !file.stability.accepted ? ' (rejected as unstable when measured)' : '';
  return { packet: file.cpu, frame: file.asocFrame ?? { ...FREE_FRAMES }, source: `${calibrationFile}${rejected}: ${file.source ?? 'no source given'}` };
}

export async function runSimAllReduceBench(options: SimAllReduceOptions = SIM_ALLREDUCE_DEFAULTS): Promise<SimAllReduceReport> {
  const { nodes, tensorBytes, linkGbps, latencyMs, seed } = options;
  const linkBps = linkGbps * 1e9;
  const { steps, chunkBytes } = ringAllReduceSteps(nodes, tensorBytes);
  const boundMs = ringAllReduceBoundMs(nodes, tensorBytes, linkBps);
  const cpu = allReduceHostCosts(options.calibrationFile);
  const ring = (costs: Pick<HostCosts, 'packet' | 'frame'>, latency: number, bufferBytes: number, traceHash: boolean): RingResult =>
    runRing({
      seed,
      nodes,
      chunkBytes,
      steps,
      deadlineMs: CONNECT_MS + 100 * boundMs,
      traceHash,
      link: { bandwidthBps: linkBps, latencyMs: latency, queueBytes: 2 * bufferBytes },
      host: { cpu: costs.packet, tcp: { sendBufferBytes: bufferBytes, receiveBufferBytes: bufferBytes } },
      node: { frameCosts: costs.frame },
    });
  const free = { packet: FREE_CPU, frame: FREE_FRAMES };
  const buffer = DEFAULT_TCP_OPTIONS.sendBufferBytes;
  const { result, wallMs } = measureWallTime(() => ring(cpu, latencyMs, buffer, true));
  const explanation = explainAllReduce({
    boundMs,
    linkBps,
    latencyMs,
    steps,
    perLinkGoodputBps: (steps * chunkBytes * 8) / (result.stepsMs / 1000),
    measured: ringRun(result),
    freeCpu: ringRun(ring(free, latencyMs, buffer, false)),
    wideWindow: ringRun(ring(free, latencyMs, WIDE_WINDOW_FACTOR * buffer, false)),
    wireOnly: ringRun(ring(free, 0, WIDE_WINDOW_FACTOR * buffer, false)),
  });
  return {
    date: new Date().toISOString(),
    machine: machineInfo(),
    options,
    cpu,
    queueBytes: 2 * DEFAULT_TCP_OPTIONS.sendBufferBytes,
    steps,
    chunkBytes,
    completionMs: result.stepsMs,
    boundMs,
    timesTheBound: result.stepsMs / boundMs,
    perLinkGoodputGbps: (steps * chunkBytes * 8) / (result.stepsMs / 1000) / 1e9,
    explanation,
    events: result.events,
    wallMs: Math.round(wallMs),
    traceHash: result.cluster.sim.trace.digest(),
  };
}

/** What the factors need of one run: its time, the busiest CPU during the steps, the drops, the TCP settings. */
function ringRun(result: RingResult): AllReduceRun {
  const { cluster } = result;
  const ports = cluster.hosts.map((h) => cluster.switch.port(h));
  const tcp = cluster.hosts[0]!.tcp.options;
  return {
    completionMs: result.stepsMs,
    busiestCpu: result.stepsMs > 0 ? Math.max(...result.stepsCpuMs) / result.stepsMs : 0,
    portDrops: ports.reduce((sum, p) => sum + p.uplink.counts.dropped + p.downlink.counts.dropped, 0),
    backlogDrops: cluster.hosts.reduce((sum, h) => sum + h.cpu.droppedFrames, 0),
    windowBytes: Math.min(tcp.sendBufferBytes, tcp.receiveBufferBytes),
    mss: tcp.mss,
    framingBytes: ports[0]!.uplink.options.framingBytes,
  };
}

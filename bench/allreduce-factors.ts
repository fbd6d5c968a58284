/**
 * Why a simulated ring all-reduce is slower than its bandwidth bound, measured: the same run (same
 * seed, same ring) four times, taking away one cost at a time —
 *
 *   measured    the hosts' CPU costs, the ports' latency and the TCP buffers, as asked;
 *   freeCpu     CPU costs nothing (packets and ASoc frames);
 *   wideWindow  CPU free, TCP buffers (and port queues) four times as large;
 *   wireOnly    as wideWindow, without latency: only the wire is left.
 *
 * so completion / bound = link × synchronisation × window × cpu, each factor a ratio of two runs:
 *   link            = wireOnly / bound: what headers, framing and the ACKs sharing each port cost
 *                     (ringPortPayloadShare predicts it: `headersAndAcks`);
 *   synchronisation = wideWindow / wireOnly: each of the 2(N − 1) steps waits for the last byte of
 *                     the step before to cross the switch, so latency is paid once per step (and
 *                     a new step's first round trips, if the window still limits at 4×);
 *   window          = freeCpu / wideWindow: the TCP window over the round trip — which includes
 *                     the time ACKs wait behind the data queued in the receiver's own port, as
 *                     each node sends and acknowledges on the same port;
 *   cpu             = measured / freeCpu: the hosts' CPU pacing packets and frames (a host sends
 *                     and receives on one core, see sim/cpu.ts).
 * Loss is counted in each run — on the ports, and at hosts whose CPU fell so far behind that their
 * receive backlog overflowed (sim/cpu.ts; then the CPU factor holds the retransmission timeouts
 * too) — and the TCP window is compared with what the rate needs over the base RTT.
 */
import { ringPortPayloadShare } from '../sim/asoc/ring.ts';

export interface AllReduceRun {
  completionMs: number;
  /** The busiest host's CPU time over the run's virtual time. */
  busiestCpu: number;
  /** Packets dropped on any switch port (queue, loss). */
  portDrops: number;
  /** Packets hosts dropped on arrival because their CPU's receive backlog was full. */
  backlogDrops: number;
  windowBytes: number;
  mss: number;
  framingBytes: number;
}

export interface AllReduceFactorsInput {
  boundMs: number;
  linkBps: number;
  latencyMs: number;
  steps: number;
  perLinkGoodputBps: number;
  measured: AllReduceRun;
  freeCpu: AllReduceRun;
  wideWindow: AllReduceRun;
  wireOnly: AllReduceRun;
}

export type AllReduceLimit = 'link' | 'synchronisation' | 'window' | 'cpu';
type Run = 'measured' | 'freeCpu' | 'wideWindow' | 'wireOnly';

export interface AllReduceExplanation {
  /** Completion / bound of each run. */
  timesTheBound: Record<Run, number>;
  /** Their product is timesTheBound.measured. */
  factors: Record<AllReduceLimit, number>;
  /** The link factor that headers, framing and one ACK per segment alone predict. */
  headersAndAcks: number;
  /** What each step's wait costs, µs (wideWindow − wireOnly, per step). */
  perStepSynchronisationUs: number;
  busiestCpu: number;
  drops: Record<Run, { ports: number; cpuBacklog: number }>;
  /** Goodput per link ÷ (TCP window ÷ base RTT, queueing left out); 0 without latency. */
  windowUtilisation: number;
  /** The largest factor. */
  limit: AllReduceLimit;
  summary: string;
}

export function explainAllReduce(input: AllReduceFactorsInput): AllReduceExplanation {
  const { boundMs, measured, freeCpu, wideWindow, wireOnly } = input;
  const factors = {
    link: wireOnly.completionMs / boundMs,
    synchronisation: wideWindow.completionMs / wireOnly.completionMs,
    window: freeCpu.completionMs / wideWindow.completionMs,
    cpu: measured.completionMs / freeCpu.completionMs,
  };
  const headersAndAcks = 1 / ringPortPayloadShare(measured.mss, measured.framingBytes);
  // Host → switch → host and back: four port crossings.
  const baseRttMs = 4 * input.latencyMs;
  const windowBps = baseRttMs > 0 ? (measured.windowBytes * 8) / (baseRttMs / 1000) : Infinity;
  const windowUtilisation = input.perLinkGoodputBps / windowBps;
  const limit = (Object.keys(factors) as AllReduceLimit[]).reduce((a, b) => (factors[b] > factors[a] ? b : a));
  const drops = (run: AllReduceRun) => ({ ports: run.portDrops, cpuBacklog: run.backlogDrops });
  const explanation = {
    timesTheBound: { measured: measured.completionMs / boundMs, freeCpu: freeCpu.completionMs / boundMs, wideWindow: wideWindow.completionMs / boundMs, wireOnly: wireOnly.completionMs / boundMs },
    factors,
    headersAndAcks,
    perStepSynchronisationUs: ((wideWindow.completionMs - wireOnly.completionMs) / input.steps) * 1000,
    busiestCpu: measured.busiestCpu,
    drops: { measured: drops(measured), freeCpu: drops(freeCpu), wideWindow: drops(wideWindow), wireOnly: drops(wireOnly) },
    windowUtilisation,
    limit,
  };
  return { ...explanation, summary: summarise(explanation) };
}

function summarise(e: Omit<AllReduceExplanation, 'summary'>): string {
  const x = (n: number) => `${n.toFixed(3)}×`;
  const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
  return [
    `${x(e.timesTheBound.measured)} the bound = link ${x(e.factors.link)} (headers and one ACK per segment on each port predict ${x(e.headersAndAcks)})`,
    `× synchronisation ${x(e.factors.synchronisation)} (${e.perStepSynchronisationUs.toFixed(1)} µs per step)`,
    `× window ${x(e.factors.window)}`,
    `× CPU ${x(e.factors.cpu)} (busiest host ${pct(e.busiestCpu)} busy);`,
    `${lossText(e.drops.measured)}; TCP window ${pct(e.windowUtilisation)} used; limit: ${e.limit}`,
  ].join(' ');
}

function lossText(drops: { ports: number; cpuBacklog: number }): string {
  if (drops.ports + drops.cpuBacklog === 0) return 'no loss';
  return `${drops.ports} packets dropped on ports, ${drops.cpuBacklog} by hosts whose CPU backlog was full`;
}

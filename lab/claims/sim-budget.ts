/**
 * The second column of P3 and P9: what CPU a host on the RFC testbed needs for the claim, solved
 * from the bottleneck model (scenarios/required-cpu.ts), next to this machine's calibrated costs
 * and their intervals, so the reader sees how far this machine is from it.
 */
import { FREE_FRAMES } from '../../sim/asoc/index.ts';
import type { CalibrationFile } from '../../bench/calibration-file.ts';
import type { HostCpuCosts } from '../../scenarios/calibration.ts';
import { requiredCosts, type CostBudget, type HostBudget, type HostLoad } from '../../scenarios/required-cpu.ts';

export interface ClaimBudget {
  /** A sentence or two for the claim's summary. */
  text: string;
  /** A phrase for the report's first table. */
  short: string;
  /** This machine's costs fit the budget at both ends of their intervals (at the median without bounds). */
  fitsAtBothEnds: boolean;
  evidence: {
    loads: HostLoad[];
    frameBytes: number;
    mss: number;
    ceiling: number;
    /** Share of the budget this machine's costs take (1 ÷ allCostsFactor), at the medians and at each end. */
    share: { median: number; low: number | null; high: number | null };
    atMedianCosts: CostBudget;
  };
}

export interface BudgetShape {
  /** The rate the claim needs, in words (e.g. "446 MB/s each way at once"). */
  rate: string;
  loads: HostLoad[];
  frameBytes: number;
  mss: number;
}

function costsOf(c: Pick<CalibrationFile, 'cpu' | 'asocFrame'>): HostCpuCosts {
  return { packet: c.cpu, frame: c.asocFrame ?? { ...FREE_FRAMES } };
}

const ns = (ms: number) => (ms * 1e6).toFixed(2);
const us = (ms: number) => String(Number((ms * 1e3).toPrecision(3)));
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'none');

/** The costs a host with this load spends, summed over the ways it moves bytes. */
function used(load: HostLoad, c: HostCpuCosts): { perByte: number; perFrame: number; what: string; role: string } {
  const sends = load.sendBytesPerSec > 0;
  const receives = load.receiveBytesPerSec > 0;
  const perByte = (sends ? c.packet.sendPerByteMs : 0) + (receives ? c.packet.receivePerByteMs : 0);
  const perFrame = (sends ? c.frame.sendPerFrameMs : 0) + (receives ? c.frame.receivePerFrameMs : 0);
  if (sends && receives) return { perByte, perFrame, what: 'send + receive', role: 'each host (sending and receiving)' };
  return sends ? { perByte, perFrame, what: 'send', role: 'the sending host' } : { perByte, perFrame, what: 'receive', role: 'the receiving host' };
}

/** One sentence per kind of host: its budget per byte and per frame, and this machine's costs with their intervals. */
function hostSentence(host: HostBudget, median: HostCpuCosts, ends: { low: HostCpuCosts; high: HostCpuCosts } | null, frameBytes: number): { text: string; short: string } {
  const m = used(host.load, median);
  const interval = (pick: (c: HostCpuCosts) => number, unit: (ms: number) => string) => (ends ? ` [${unit(pick(ends.low))}, ${unit(pick(ends.high))}]` : '');
  const byteBudget = m.perByte * host.perByteFactor;
  const frameBudget = m.perFrame * host.perFrameFactor;
  const byteText = host.perByteFactor === 0 ? 'nothing per byte (its per-frame work alone fills the CPU)' : `≤ ${ns(byteBudget)} ns per byte (${m.what}) at this machine's ${us(m.perFrame)} µs per frame`;
  const frameText = host.perFrameFactor === 0 ? 'nothing per frame (its per-byte work alone fills the CPU)' : `≤ ${Number.isFinite(frameBudget) ? us(frameBudget) : 'any'} µs per ${frameBytes / 1024 ** 2} MiB frame at this machine's per-byte cost`;
  return {
    text: `${m.role} may spend ${byteText}, or ${frameText}; this machine: ${ns(m.perByte)} ns/B${interval((c) => used(host.load, c).perByte, ns)} and ${us(m.perFrame)} µs per frame${interval((c) => used(host.load, c).perFrame, us)}`,
    short: `${m.what} ≤ ${ns(byteBudget)} ns/B, this machine ${ns(m.perByte)}${interval((c) => used(host.load, c).perByte, ns)}`,
  };
}

export function cpuBudget(shape: BudgetShape, calibration: CalibrationFile): ClaimBudget {
  const median = costsOf(calibration);
  const ends = calibration.bounds ? { low: costsOf(calibration.bounds.low), high: costsOf(calibration.bounds.high) } : null;
  const solve = (c: HostCpuCosts) => requiredCosts(c, shape.loads, { frameBytes: shape.frameBytes, mss: shape.mss });
  const atMedian = solve(median);
  const share = {
    median: 1 / atMedian.binding.allCostsFactor,
    low: ends && 1 / solve(ends.low).binding.allCostsFactor,
    high: ends && 1 / solve(ends.high).binding.allCostsFactor,
  };
  // Hosts with the same load say the same thing: one sentence for each kind.
  const kinds = [...new Map(atMedian.hosts.map((h) => [`${h.load.sendBytesPerSec} ${h.load.receiveBytesPerSec}`, h])).values()];
  const sentences = kinds.map((h) => hostSentence(h, median, ends, shape.frameBytes));
  const shareText = `${times(share.median)}${ends ? ` [${times(share.low!)}, ${times(share.high!)}]` : ''}`;
  const fits = (share.high ?? share.median) <= 1;
  return {
    text:
      `On the testbed's own terms (${shape.rate} with no host's CPU past ${atMedian.ceiling * 100} % busy, the bottleneck model's saturation): ${sentences.map((s) => s.text).join('; ')}. ` +
      `All costs together, this machine uses ${shareText} of that budget${fits ? '' : (share.low ?? share.median) > 1 ? ': its CPU is the limit' : ': within its own spread of the limit'}.`,
    short: `CPU budget: ${sentences.map((s) => s.short).join('; ')} (${shareText} of it)`,
    fitsAtBothEnds: fits,
    evidence: { loads: shape.loads, frameBytes: shape.frameBytes, mss: shape.mss, ceiling: atMedian.ceiling, share, atMedianCosts: atMedian },
  };
}

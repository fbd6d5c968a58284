/**
 * The ideal time of a collective on a topology: its transfers go in phases (collective-plans.ts),
 * a phase cannot end before its busiest channel has carried its load at the channel's rate, and a
 * phase starts only after the one before it. So the ideal is Σ over phases of max over channels of
 * (payload bytes × 8 ÷ rate): headers, latency, CPU and windows all add to it, nothing beats it.
 */
import type { Channel } from '../sim/channel.ts';

export interface ChannelLoad {
  phase: number;
  bytes: number;
  channels: readonly Channel[];
}

/** `bytesPerSec`: what a channel carries (default its bit rate ÷ 8; bounds.ts's payload rate leaves headers out). */
export function idealMs(loads: readonly ChannelLoad[], bytesPerSec: (channel: Channel) => number = (c) => c.options.bandwidthBps / 8): number {
  const perPhase = new Map<number, Map<Channel, number>>();
  for (const { phase, bytes, channels } of loads) {
    const phaseLoad = perPhase.get(phase) ?? new Map<Channel, number>();
    for (const c of channels) phaseLoad.set(c, (phaseLoad.get(c) ?? 0) + bytes);
    perPhase.set(phase, phaseLoad);
  }
  let total = 0;
  for (const phaseLoad of perPhase.values()) {
    let busiest = 0;
    for (const [c, bytes] of phaseLoad) busiest = Math.max(busiest, (bytes * 1000) / bytesPerSec(c));
    total += busiest;
  }
  return total;
}

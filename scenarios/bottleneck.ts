/**
 * What limited a bulk transfer, from three bounds the runner knows and one the simulation counted:
 *
 *   link    goodput ÷ the payload rate the slowest channel on the path leaves this transfer
 *           (bandwidth × MSS / (MSS + TCP/IP headers + Ethernet framing), shared equally among
 *           the transfers of the same batch that cross that channel);
 *   cpu     the busier of the sender's and the receiver's CPU over the transfer
 *           (Δ host.cpu.busyMs ÷ Δ virtual time);
 *   window  goodput ÷ (TCP window ÷ base RTT), the window being the smaller of the sender's send
 *           buffer and the receiver's receive buffer (the model has no window scaling to exceed);
 *   drops   packets dropped on the path's channels during the run (random loss, queue overflow,
 *           partitions).
 *
 * Rule: each of link, cpu and window is a utilisation in [0, 1] (above 1 only by rounding). The
 * bottleneck is the most utilised of them if it reaches SATURATED (0.85: a resource that busy is
 * what the transfer waits for). If none does, the transfer was limited by its congestion window:
 * `loss` when the path dropped packets (loss recovery kept the window small), else `none` (it
 * ended before filling anything: slow start, handshake, a short stream).
 */

export const SATURATED = 0.85;

export type Bottleneck = 'link' | 'cpu' | 'window' | 'loss' | 'none';

export interface BottleneckInput {
  /** Delivered payload bytes per second. */
  goodputBytesPerSec: number;
  /** Payload bytes per second the path's slowest channel leaves this transfer. */
  linkBytesPerSec: number;
  /** Busy fraction of the busier CPU (sender or receiver) over the transfer. */
  cpuBusy: number;
  /** Window ÷ base RTT, in bytes per second. */
  windowBytesPerSec: number;
  /** Packets dropped on the path's channels. */
  pathDrops: number;
}

export interface BottleneckVerdict {
  bottleneck: Bottleneck;
  utilisation: { link: number; cpu: number; window: number };
}

export function decideBottleneck(input: BottleneckInput): BottleneckVerdict {
  const utilisation = {
    link: ratio(input.goodputBytesPerSec, input.linkBytesPerSec),
    cpu: input.cpuBusy,
    window: ratio(input.goodputBytesPerSec, input.windowBytesPerSec),
  };
  return decideFromUtilisation(utilisation, input.pathDrops);
}

/** The rule on utilisations already worked out (a collective's come from several transfers at once). */
export function decideFromUtilisation(utilisation: BottleneckVerdict['utilisation'], drops: number): BottleneckVerdict {
  const [top, value] = (Object.entries(utilisation) as Array<[keyof typeof utilisation, number]>).reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  if (value >= SATURATED) return { bottleneck: top, utilisation };
  return { bottleneck: drops > 0 ? 'loss' : 'none', utilisation };
}

function ratio(achieved: number, bound: number): number {
  return bound === Infinity || bound <= 0 ? 0 : achieved / bound;
}

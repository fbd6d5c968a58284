/**
 * One direction of a wire. A packet offered to a channel goes through, in order:
 *
 *   tap (adversary hook: observe, replace, drop) → barrier (partition / hold) → fault rules
 *   (pass / drop / delay) → transmit queue (tail drop when full) → serialisation at the bandwidth →
 *   random loss → propagation (latency + jitter; or an extra delay when reordered) → delivery
 *   (and a duplicate, sometimes).
 *
 * The queue is a FIFO at a constant rate, so a packet's departure is known when it is queued
 * (max(now, link free) + size / rate) and its backlog is (link free - now) × rate: one event per
 * packet (its arrival), none for serialisation. Jitter never reorders (arrivals stay in FIFO order);
 * reordering is its own knob. Random loss strikes after serialisation, so a lost packet still used
 * the wire. A duplicate arrives right after its original and uses no extra bandwidth.
 */
import { Barrier } from './barrier.ts';
import type { Packet } from './packet.ts';
import type { SimRandom } from './random.ts';
import type { EventLane, Scheduler } from './scheduler.ts';
import type { DropReason, PacketEvent, Trace } from './trace.ts';

export interface ChannelOptions {
  /** Bits per second; Infinity for no serialisation delay (and no queue). */
  bandwidthBps: number;
  /** One-way propagation delay. */
  latencyMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per packet. */
  jitterMs: number;
  /** Transmit queue capacity; a packet that would overflow it is dropped. */
  queueBytes: number;
  /** Link-layer bytes per packet on top of the IP packet (Ethernet: header, FCS, preamble, gap = 38). */
  framingBytes: number;
  /** Probability that a packet is lost. */
  loss: number;
  /** Probability that a packet is delivered twice. */
  duplicate: number;
  /** Probability that a packet is held back by `reorderDelayMs`, letting later packets overtake it. */
  reorder: number;
  reorderDelayMs: number;
}

export const DEFAULT_CHANNEL_OPTIONS: Readonly<ChannelOptions> = {
  bandwidthBps: 1e9,
  latencyMs: 0.05,
  jitterMs: 0,
  queueBytes: 256 * 1024,
  framingBytes: 38,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderDelayMs: 1,
};

/** What a fault rule decides for one packet. */
export type FaultVerdict = 'pass' | 'drop' | { delayMs: number };
export type FaultRule = (packet: Packet, now: number) => FaultVerdict;

/**
 * The adversary hook: sees every packet offered to the channel and returns it (pass), another packet
 * (modify) or null (drop). It can record packets and later `inject` them, on this channel or another.
 */
export type Tap = (packet: Packet, channel: Channel) => Packet | null;

export interface ChannelContext {
  scheduler: Scheduler;
  trace: Trace;
  random: SimRandom;
}

export class Channel {
  readonly id: number;
  readonly options: Readonly<ChannelOptions>;
  /** Packets delivered and dropped so far (duplicates count as deliveries). */
  readonly counts = { delivered: 0, dropped: 0 };

  private readonly scheduler: Scheduler;
  private readonly trace: Trace;
  private readonly random: SimRandom;
  /** Packets on their way, in arrival order (reordered ones go round it, through the heap). */
  private readonly arrivals: EventLane;
  private readonly barrier = new Barrier();
  private readonly rules: FaultRule[] = [];
  private tap: Tap | null = null;
  private readonly bytesPerMs: number;
  private linkFreeAt = 0;
  private lastArrival = 0;

  constructor(
    readonly name: string,
    options: Partial<ChannelOptions>,
    context: ChannelContext,
    private readonly deliver: (packet: Packet) => void,
  ) {
    this.options = { ...DEFAULT_CHANNEL_OPTIONS, ...options };
    this.scheduler = context.scheduler;
    this.arrivals = context.scheduler.lane();
    this.trace = context.trace;
    this.random = context.random;
    this.id = this.trace.registerLink(name);
    this.bytesPerMs = this.options.bandwidthBps / 8000;
  }

  /** Adds a fault rule, consulted in the order added; returns a function that removes it. */
  addRule(rule: FaultRule): () => void {
    this.rules.push(rule);
    return () => {
      const index = this.rules.indexOf(rule);
      if (index >= 0) this.rules.splice(index, 1);
    };
  }

  setTap(tap: Tap | null): void {
    this.tap = tap;
  }

  /** Cuts the channel: packets offered from now on are lost. */
  partition(): void {
    this.barrier.partition();
  }

  /** Holds the channel: packets offered from now on wait for heal(). */
  hold(): void {
    this.barrier.hold();
  }

  /** Opens the channel again and sends the held packets on, in order. */
  heal(): void {
    for (const packet of this.barrier.heal()) this.afterBarrier(packet);
  }

  /** A host (or switch) puts a packet on the wire. */
  offer(packet: Packet): void {
    this.record('send', packet);
    let current: Packet | null = packet;
    if (this.tap !== null) {
      current = this.tap(packet, this);
      if (current === null) return this.drop(packet, 'tap');
      if (current !== packet) this.record('modify', current);
    }
    this.pastTap(current);
  }

  /** Puts a packet on the wire as if sent here, behind the tap (for adversaries: replay, forgery). */
  inject(packet: Packet): void {
    this.record('inject', packet);
    this.pastTap(packet);
  }

  private pastTap(packet: Packet): void {
    const admitted = this.barrier.admit(packet);
    if (admitted === 'pass') this.afterBarrier(packet);
    else if (admitted === 'drop') this.drop(packet, 'partition');
    else this.record('hold', packet);
  }

  private afterBarrier(packet: Packet): void {
    let extraDelay = 0;
    for (const rule of this.rules) {
      const verdict = rule(packet, this.scheduler.now);
      if (verdict === 'drop') return this.drop(packet, 'rule');
      if (verdict !== 'pass') extraDelay += verdict.delayMs;
    }
    this.transmit(packet, extraDelay);
  }

  private transmit(packet: Packet, extraDelay: number): void {
    const now = this.scheduler.now;
    const options = this.options;
    let departure = now;
    if (this.bytesPerMs !== Infinity) {
      const wireBytes = packet.size + options.framingBytes;
      const start = Math.max(now, this.linkFreeAt);
      const backlog = (start - now) * this.bytesPerMs;
      if (backlog + wireBytes > options.queueBytes + 1e-6) return this.drop(packet, 'queue'); // 1e-6: float rounding
      departure = start + wireBytes / this.bytesPerMs;
      this.linkFreeAt = departure;
    }
    const random = this.random;
    if (random.chance(options.loss)) return this.drop(packet, 'loss');
    let arrival = departure + options.latencyMs;
    if (options.jitterMs > 0) arrival += random.between(0, options.jitterMs);
    if (random.chance(options.reorder)) {
      arrival += options.reorderDelayMs; // outside the FIFO order on purpose
    } else {
      arrival = Math.max(arrival, this.lastArrival);
      this.lastArrival = arrival;
    }
    arrival += extraDelay;
    this.arrivals.push(arrival, this.arrive, packet, 'deliver');
    if (random.chance(options.duplicate)) this.arrivals.push(arrival, this.arrive, packet, 'duplicate');
  }

  private readonly arrive = (packet: Packet, kind: 'deliver' | 'duplicate'): void => {
    this.counts.delivered++;
    this.record(kind, packet);
    this.deliver(packet);
  };

  private drop(packet: Packet, reason: DropReason): void {
    this.counts.dropped++;
    this.trace.packet('drop', this.scheduler.now, this.id, packet, reason);
  }

  private record(kind: PacketEvent, packet: Packet): void {
    this.trace.packet(kind, this.scheduler.now, this.id, packet);
  }
}

/**
 * The partition state of one path, with the two modes turmoil keeps apart:
 * - cut (partition): packets are lost;
 * - held: packets wait, and flow again, in order, when the path heals.
 */
import type { Packet } from './packet.ts';

export type BarrierMode = 'open' | 'cut' | 'held';

export class Barrier {
  private state: BarrierMode = 'open';
  private held: Packet[] = [];

  get mode(): BarrierMode {
    return this.state;
  }

  partition(): void {
    this.state = 'cut';
  }

  hold(): void {
    this.state = 'held';
  }

  /** Opens the path; returns the packets that were held, oldest first, for the owner to send on. */
  heal(): Packet[] {
    this.state = 'open';
    const released = this.held;
    this.held = [];
    return released;
  }

  /** What happens to a packet arriving now: it passes, is lost, or waits for heal(). */
  admit(packet: Packet): 'pass' | 'drop' | 'held' {
    if (this.state === 'open') return 'pass';
    if (this.state === 'cut') return 'drop';
    this.held.push(packet);
    return 'held';
  }
}

/**
 * A timer that is re-armed far more often than it fires (a TCP retransmission timer moves on every
 * ACK). Moving the deadline later does not touch the queue: the pending event fires at the old time,
 * sees the deadline moved, and re-schedules itself. Only an earlier deadline or a clear costs a heap
 * operation.
 */
import type { DeadlineTimerFactory } from '../src/node/transport.ts';
import type { Host } from './host.ts';
import type { Scheduler, ScheduledEvent } from './scheduler.ts';

export class DeadlineTimer {
  private deadline = Infinity;
  private event: ScheduledEvent | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly onExpire: () => void,
  ) {}

  get armed(): boolean {
    return this.deadline !== Infinity;
  }

  /** Arms the timer for absolute virtual time `deadline` (clamped to now), replacing any earlier setting. */
  set(deadline: number): void {
    this.deadline = Math.max(deadline, this.scheduler.now);
    if (this.event !== null && this.event.time <= this.deadline) return;
    this.unschedule();
    this.schedule();
  }

  clear(): void {
    this.deadline = Infinity;
    this.unschedule();
  }

  private schedule(): void {
    this.event = this.scheduler.at(this.deadline, () => this.fire());
  }

  private unschedule(): void {
    if (this.event !== null) this.scheduler.cancel(this.event);
    this.event = null;
  }

  private fire(): void {
    this.event = null;
    if (this.deadline > this.scheduler.now) {
      this.schedule();
      return;
    }
    this.deadline = Infinity;
    this.onExpire();
  }
}

/** Deadline timers for deadlines on `host`'s local clock shifted by `epochMs` (0: the local clock itself). */
export function hostDeadlineTimer(host: Host, epochMs: number): DeadlineTimerFactory {
  return (onExpire) => new HostDeadlineTimer(host, epochMs, new DeadlineTimer(host.scheduler, onExpire));
}

// A class rather than a closure pair: discovery re-arms on every datagram, and methods inline better.
class HostDeadlineTimer {
  constructor(
    private readonly host: Host,
    private readonly epochMs: number,
    private readonly timer: DeadlineTimer,
  ) {}

  set(deadline: number): void {
    this.timer.set(this.host.toVirtualTime(deadline - this.epochMs));
  }

  clear(): void {
    this.timer.clear();
  }
}

/**
 * A timer that is re-armed far more often than it fires (a TCP retransmission timer moves on every
 * ACK). Moving the deadline later does not touch the queue: the pending event fires at the old time,
 * sees the deadline moved, and re-schedules itself. Only an earlier deadline or a clear costs a heap
 * operation.
 */
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

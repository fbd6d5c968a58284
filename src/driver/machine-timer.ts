/**
 * Keeps one timer at a sans-io machine's next deadline (pollTimeout) and tells the machine the time
 * when it fires. A timer can fire a rounding error short of the deadline it was armed for (the
 * simulator converts it to virtual time and back); it fired for that deadline, so the machine is
 * told it is there (else it would re-arm the same instant forever).
 */
import type { DeadlineTimer, DeadlineTimerFactory } from './transport.ts';

export class MachineTimer {
  private readonly timer: DeadlineTimer;
  /** The deadline the timer is armed for. */
  private armedFor = -Infinity;

  constructor(
    deadlineTimer: DeadlineTimerFactory,
    now: () => number,
    /** Called with the time to give the machine's handleTimeout. */
    onExpire: (now: number) => void,
  ) {
    this.timer = deadlineTimer(() => onExpire(Math.max(now(), this.armedFor)));
  }

  /** Arms for `deadline`, or disarms for none. */
  arm(deadline: number | null): void {
    if (deadline === null) {
      this.timer.clear();
      return;
    }
    this.armedFor = deadline;
    this.timer.set(deadline);
  }

  clear(): void {
    this.timer.clear();
  }
}

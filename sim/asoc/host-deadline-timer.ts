/** The shared drivers' deadline timers on a simulated host's local clock (see sim/deadline-timer.ts). */
import type { DeadlineTimerFactory } from '../../src/driver/transport.ts';
import { DeadlineTimer } from '../deadline-timer.ts';
import type { Host } from '../host.ts';

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

/**
 * The virtual clock and the one event queue of a simulation.
 *
 * Time is virtual milliseconds held in a float (the unit the sans-io core uses); it only moves when an
 * event runs, and jumps straight to the next event. Events run in (time, sequence number) order, the
 * sequence number being the order in which they were scheduled, so two runs that schedule the same
 * things in the same order run identically.
 *
 * Every run method takes an event budget: a run that executes more events than that throws
 * EventBudgetExceeded instead of spinning forever (a timer that re-arms itself, a livelock).
 */
import { EventHeap, ScheduledEvent } from './event-heap.ts';
import { EventLane, type SharedQueue } from './event-lane.ts';

export { ScheduledEvent } from './event-heap.ts';
export { EventLane } from './event-lane.ts';

export interface RunOptions {
  /** Maximum number of events this call may execute. */
  maxEvents?: number;
}

export interface SchedulerOptions {
  /** Budget used by run calls that do not pass `maxEvents`. */
  defaultEventBudget?: number;
}

export class EventBudgetExceeded extends Error {
  constructor(
    readonly executed: number,
    readonly time: number,
  ) {
    super(`event budget exceeded: ${executed} events executed, virtual time ${time} ms`);
    this.name = 'EventBudgetExceeded';
  }
}

export class Scheduler {
  private readonly heap = new EventHeap();
  private readonly queue: SharedQueue = { heap: this.heap, nextSeq: 0, laneBacklog: 0 };
  private currentTime = 0;
  private executed = 0;
  private readonly defaultEventBudget: number;

  constructor(options: SchedulerOptions = {}) {
    this.defaultEventBudget = options.defaultEventBudget ?? 200_000_000;
  }

  /** Virtual time in milliseconds. */
  get now(): number {
    return this.currentTime;
  }

  /** Events executed since the simulation started. */
  get eventsExecuted(): number {
    return this.executed;
  }

  /** Events waiting in the queue. */
  get pendingEvents(): number {
    return this.heap.size + this.queue.laneBacklog;
  }

  /** A FIFO lane for events whose times never go down (event-lane.ts): cheaper than at() per event. */
  lane(): EventLane {
    return new EventLane(this, this.queue);
  }

  /** Schedules `action` at absolute virtual time `time` (not earlier than now). */
  at(time: number, action: () => void): ScheduledEvent {
    if (!(time >= this.currentTime)) {
      throw new RangeError(`cannot schedule at ${time} ms: now is ${this.currentTime} ms`);
    }
    const event = new ScheduledEvent(time, this.queue.nextSeq++, action);
    this.heap.push(event);
    return event;
  }

  /** Schedules `action` `delay` milliseconds from now. */
  after(delay: number, action: () => void): ScheduledEvent {
    return this.at(this.currentTime + delay, action);
  }

  /** Removes a pending event; cancelling one that already ran or was cancelled does nothing. */
  cancel(event: ScheduledEvent): void {
    this.heap.remove(event);
  }

  /** Runs every event due at or before `time`, then sets the clock to `time`. */
  runUntilTime(time: number, options: RunOptions = {}): void {
    const budget = this.budget(options);
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.time > time) break;
      this.step(budget);
    }
    if (time > this.currentTime) this.currentTime = time;
  }

  /**
   * Runs events until `done()` holds (checked before the first event and after each one). Returns
   * true when it holds, false when the queue ran dry or the next event lies beyond `maxTime`.
   */
  runUntil(done: () => boolean, options: RunOptions & { maxTime?: number } = {}): boolean {
    const budget = this.budget(options);
    const maxTime = options.maxTime ?? Infinity;
    while (!done()) {
      const next = this.heap.peek();
      if (next === undefined || next.time > maxTime) return false;
      this.step(budget);
    }
    return true;
  }

  /** Runs the next event; false when none is left. */
  runNext(): boolean {
    if (this.heap.size === 0) return false;
    this.step(Infinity);
    return true;
  }

  /** Runs until no event is left. */
  runUntilIdle(options: RunOptions = {}): void {
    const budget = this.budget(options);
    while (this.heap.size > 0) this.step(budget);
  }

  private budget(options: RunOptions): number {
    return this.executed + (options.maxEvents ?? this.defaultEventBudget);
  }

  private step(budget: number): void {
    if (this.executed >= budget) throw new EventBudgetExceeded(this.executed, this.currentTime);
    const event = this.heap.peek()!;
    this.currentTime = event.time;
    this.executed++;
    if (!event.lane) this.heap.pop();
    event.action(); // a lane's entry stays on top: the lane moves it on to its next item, or pops it
  }
}

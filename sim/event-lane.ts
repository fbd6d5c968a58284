/**
 * A FIFO of events whose times never go down: a channel's arrivals, a CPU's queued work. Only the
 * lane's first item sits in the scheduler's heap, as one entry the lane re-uses, so the heap holds one
 * entry per busy lane rather than one per packet in flight, and an item costs no event object and no
 * closure (it is an action and its two arguments, kept in ring buffers).
 *
 * Items take their sequence numbers from the scheduler's one counter, and a lane is sorted by
 * (time, seq), so events run in exactly the order the heap alone would run them (same trace hash).
 * An item earlier than the lane's last one (a reordered packet) goes into the heap on its own.
 */
import { ScheduledEvent, type EventHeap } from './event-heap.ts';

/** The queue a scheduler shares with its lanes: its heap and its one sequence counter. */
export interface SharedQueue {
  readonly heap: EventHeap;
  nextSeq: number;
  /** Items waiting in lanes behind each lane's first item (the first items are in the heap). */
  laneBacklog: number;
}

/** What a lane needs of its scheduler besides the queue. */
export interface LaneClock {
  readonly now: number;
  at(time: number, action: () => void): ScheduledEvent;
}

type Action = (a: never, b: never) => void;

const INITIAL_CAPACITY = 16;

export class EventLane {
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private actions: (Action | undefined)[] = new Array<Action | undefined>(INITIAL_CAPACITY).fill(undefined);
  private firsts: unknown[] = new Array<unknown>(INITIAL_CAPACITY).fill(undefined);
  private seconds: unknown[] = new Array<unknown>(INITIAL_CAPACITY).fill(undefined);
  private mask = INITIAL_CAPACITY - 1;
  private head = 0;
  private count = 0;
  private lastTime = -Infinity;
  private readonly entry: ScheduledEvent;

  constructor(
    private readonly clock: LaneClock,
    private readonly queue: SharedQueue,
  ) {
    this.entry = new ScheduledEvent(0, 0, this.runFirst, true);
  }

  /** Items waiting, the first included. */
  get length(): number {
    return this.count;
  }

  /** Runs `action(a, b)` at virtual time `time` (not earlier than now). */
  push<A, B>(time: number, action: (a: A, b: B) => void, a: A, b: B): void {
    if (!(time >= this.lastTime && time >= this.clock.now)) {
      this.clock.at(time, () => action(a, b)); // out of FIFO order (or invalid: at() says why)
      return;
    }
    const queue = this.queue;
    if (this.count === this.mask + 1) this.grow();
    const seq = queue.nextSeq++;
    const slot = (this.head + this.count) & this.mask;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.actions[slot] = action as Action;
    this.firsts[slot] = a;
    this.seconds[slot] = b;
    this.lastTime = time;
    if (this.count++ === 0) {
      this.entry.time = time;
      this.entry.seq = seq;
      queue.heap.push(this.entry);
    } else {
      queue.laneBacklog++;
    }
  }

  /** The entry came due (it is on top of the heap): take the first item off, move the entry on to the next (or pop it), run the item. */
  private readonly runFirst = (): void => {
    const slot = this.head;
    const action = this.actions[slot] as (a: unknown, b: unknown) => void;
    const a = this.firsts[slot];
    const b = this.seconds[slot];
    this.actions[slot] = undefined;
    this.firsts[slot] = undefined;
    this.seconds[slot] = undefined;
    this.head = (slot + 1) & this.mask;
    if (--this.count > 0) {
      this.entry.time = this.times[this.head]!;
      this.entry.seq = this.seqs[this.head]!;
      this.queue.laneBacklog--;
      this.queue.heap.topMovedLater();
    } else {
      this.queue.heap.pop();
    }
    action(a, b);
  };

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const actions = new Array<Action | undefined>(capacity).fill(undefined);
    const firsts = new Array<unknown>(capacity).fill(undefined);
    const seconds = new Array<unknown>(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & this.mask;
      times[i] = this.times[from]!;
      seqs[i] = this.seqs[from]!;
      actions[i] = this.actions[from];
      firsts[i] = this.firsts[from];
      seconds[i] = this.seconds[from];
    }
    this.times = times;
    this.seqs = seqs;
    this.actions = actions;
    this.firsts = firsts;
    this.seconds = seconds;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

/**
 * A binary min-heap of scheduled events ordered by (time, seq). `seq` is unique and increasing, so
 * the order is total: ties never fall back on object identity or on where an entry sits in the
 * array. Each entry remembers its index so it can be removed in O(log n) when cancelled.
 */
export class ScheduledEvent {
  /** Position in the heap, or -1 once it fired or was cancelled. */
  index = -1;

  constructor(
    /** When it runs; an event lane (event-lane.ts) moves its one entry on to its next item's time and seq. */
    public time: number,
    public seq: number,
    readonly action: () => void,
    /** An event lane's entry: the scheduler leaves it on top of the heap for its action to move on or pop. */
    readonly lane = false,
  ) {}

  get pending(): boolean {
    return this.index >= 0;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

export class EventHeap {
  private readonly items: ScheduledEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): ScheduledEvent | undefined {
    return this.items[0];
  }

  push(event: ScheduledEvent): void {
    event.index = this.items.length;
    this.items.push(event);
    this.siftUp(event.index);
  }

  pop(): ScheduledEvent | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** The top entry's key moved later (an event lane's next item): restores the order, cheaper than pop and push. */
  topMovedLater(): void {
    this.siftDown(0);
  }

  remove(event: ScheduledEvent): void {
    if (event.pending) this.removeAt(event.index);
  }

  private removeAt(index: number): void {
    const items = this.items;
    const removed = items[index]!;
    const last = items.pop()!;
    removed.index = -1;
    if (last === removed) return;
    items[index] = last;
    last.index = index;
    this.siftDown(index);
    this.siftUp(last.index);
  }

  private siftUp(index: number): void {
    const items = this.items;
    const event = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!before(event, parent)) break;
      items[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    items[index] = event;
    event.index = index;
  }

  private siftDown(index: number): void {
    const items = this.items;
    const length = items.length;
    const event = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && before(items[right]!, items[left]!)) child = right;
      const smallest = items[child]!;
      if (!before(smallest, event)) break;
      items[index] = smallest;
      smallest.index = index;
      index = child;
    }
    items[index] = event;
    event.index = index;
  }
}

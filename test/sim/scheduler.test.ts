import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineTimer, EventBudgetExceeded, Scheduler } from '../../sim/index.ts';

test('events run in (time, scheduling order) order and the clock jumps to each', () => {
  const scheduler = new Scheduler();
  const log: string[] = [];
  scheduler.at(5, () => log.push(`b@${scheduler.now}`));
  scheduler.at(1, () => log.push(`a@${scheduler.now}`));
  scheduler.at(5, () => log.push(`c@${scheduler.now}`));
  scheduler.at(5, () => {
    log.push(`d@${scheduler.now}`);
    scheduler.after(0, () => log.push(`e@${scheduler.now}`)); // same time, scheduled later: runs last
  });
  scheduler.at(5, () => log.push(`f@${scheduler.now}`));
  scheduler.runUntilIdle();
  assert.deepEqual(log, ['a@1', 'b@5', 'c@5', 'd@5', 'f@5', 'e@5']);
});

test('a large random schedule comes out sorted by (time, seq), with cancelled events removed', () => {
  const scheduler = new Scheduler();
  const fired: Array<[number, number]> = [];
  const cancelled = new Set<number>();
  let state = 12345;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31);
  const events = [];
  for (let i = 0; i < 5000; i++) {
    const time = next() % 100;
    const id = i;
    events.push(scheduler.at(time, () => fired.push([time, id])));
  }
  for (let i = 0; i < 5000; i += 7) {
    scheduler.cancel(events[i]!);
    cancelled.add(i);
  }
  scheduler.runUntilIdle();
  assert.equal(fired.length, 5000 - cancelled.size);
  for (let i = 1; i < fired.length; i++) {
    const [t0, id0] = fired[i - 1]!;
    const [t1, id1] = fired[i]!;
    assert.ok(t0 < t1 || (t0 === t1 && id0 < id1), `out of order at ${i}`);
  }
  assert.ok(fired.every(([, id]) => !cancelled.has(id)));
});

test('runUntilTime runs due events only and leaves the clock at the target', () => {
  const scheduler = new Scheduler();
  const log: number[] = [];
  for (const t of [1, 2, 3, 10]) scheduler.at(t, () => log.push(t));
  scheduler.runUntilTime(3);
  assert.deepEqual(log, [1, 2, 3]);
  assert.equal(scheduler.now, 3);
  scheduler.runUntilTime(7);
  assert.equal(scheduler.now, 7);
  assert.equal(scheduler.pendingEvents, 1);
  assert.throws(() => scheduler.at(6, () => {}), RangeError);
});

test('runUntil stops when the condition holds, or reports the queue ran dry or passed maxTime', () => {
  const scheduler = new Scheduler();
  let count = 0;
  for (let t = 1; t <= 10; t++) scheduler.at(t, () => count++);
  assert.equal(
    scheduler.runUntil(() => count === 4),
    true,
  );
  assert.equal(scheduler.now, 4);
  assert.equal(scheduler.runUntil(() => count === 100, { maxTime: 8 }), false);
  assert.equal(count, 8);
  assert.equal(scheduler.runUntil(() => count === 100), false);
  assert.equal(count, 10);
});

test('the event budget stops a run that never ends', () => {
  const scheduler = new Scheduler({ defaultEventBudget: 1000 });
  const tick = (): void => void scheduler.after(1, tick);
  tick();
  assert.throws(() => scheduler.runUntilIdle(), EventBudgetExceeded);
  assert.equal(scheduler.eventsExecuted, 1000);
  assert.throws(() => scheduler.runUntilIdle({ maxEvents: 10 }), (err: unknown) => err instanceof EventBudgetExceeded && err.executed === 1010);
});

test('a deadline timer fires once at its latest deadline and moving it later costs no extra firing', () => {
  const scheduler = new Scheduler();
  const fired: number[] = [];
  const timer = new DeadlineTimer(scheduler, () => fired.push(scheduler.now));
  timer.set(10);
  for (let t = 1; t <= 5; t++) scheduler.at(t, () => timer.set(t + 10));
  scheduler.runUntilIdle();
  assert.deepEqual(fired, [15]);

  timer.set(scheduler.now + 50);
  timer.set(scheduler.now + 5); // earlier: must fire at the earlier time
  scheduler.runUntilIdle();
  assert.deepEqual(fired, [15, 20]);

  timer.set(scheduler.now + 1);
  timer.clear();
  scheduler.runUntilIdle();
  assert.deepEqual(fired, [15, 20]);
  assert.equal(timer.armed, false);
});

test('runNext runs exactly the next event and says false once none is left', () => {
  const scheduler = new Scheduler();
  const log: string[] = [];
  scheduler.at(3, () => log.push(`b@${scheduler.now}`));
  scheduler.at(1, () => log.push(`a@${scheduler.now}`));
  assert.equal(scheduler.runNext(), true);
  assert.deepEqual(log, ['a@1']);
  assert.equal(scheduler.runNext(), true);
  assert.deepEqual(log, ['a@1', 'b@3']);
  assert.equal(scheduler.runNext(), false);
  assert.equal(scheduler.now, 3);
  assert.equal(scheduler.eventsExecuted, 2);
});

test('lane events run in the same (time, scheduling order) order as heap events, across lanes and out-of-order items', () => {
  // The same random schedule, once through lanes and at() mixed, once through at() only: the orders must match.
  const run = (useLanes: boolean): string[] => {
    const scheduler = new Scheduler();
    const lanes = [scheduler.lane(), scheduler.lane(), scheduler.lane()];
    const lastTime = [0, 0, 0];
    const log: string[] = [];
    let state = 99;
    const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31);
    const record = (id: number, tag: string): void => void log.push(`${id}${tag}@${scheduler.now}`);
    let id = 0;
    const schedule = (): void => {
      const lane = next() % 4;
      // Mostly non-decreasing per lane; one in eight earlier than the lane's last (it must go round the lane).
      const time = lane < 3 && next() % 8 !== 0 ? (lastTime[lane] = Math.max(lastTime[lane]!, scheduler.now) + (next() % 3)) : scheduler.now + (next() % 5);
      const me = id++;
      if (useLanes && lane < 3) lanes[lane]!.push(time, record, me, '');
      else scheduler.at(time, () => record(me, ''));
    };
    for (let i = 0; i < 300; i++) schedule();
    scheduler.at(1, () => {
      for (let i = 0; i < 300; i++) schedule(); // scheduled while running, interleaved with queued items
    });
    assert.equal(scheduler.pendingEvents, 301);
    scheduler.runUntilIdle();
    assert.equal(scheduler.pendingEvents, 0);
    assert.equal(scheduler.eventsExecuted, 601);
    return log;
  };
  const withLanes = run(true);
  assert.equal(withLanes.length, 600);
  assert.deepEqual(withLanes, run(false));
});

test('a lane refuses a time in the past, as at() does', () => {
  const scheduler = new Scheduler();
  const lane = scheduler.lane();
  scheduler.runUntilTime(10);
  assert.throws(() => lane.push(5, () => {}, undefined, undefined), RangeError);
});

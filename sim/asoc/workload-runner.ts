/**
 * Runs a promise-based workload (one written against src/driver's AsocNodeApi, which runs unchanged
 * on AsocNode over real sockets) on the simulator: one scheduler event at a time, and after each the
 * promise callbacks it released, until the workload settles. Nothing but the events and those
 * callbacks moves, so a run is as deterministic as the simulation.
 *
 * The callbacks run as microtasks: after each event the runner yields DRAIN_TURNS turns of the
 * microtask queue, which completes any chain of up to that many promise hops (an await is one or
 * two); a longer chain goes on after the next event.
 */
import { EventBudgetExceeded, type Scheduler } from '../scheduler.ts';

const DRAIN_TURNS = 64;
/** Turns a workload may take without any event left before it counts as stuck. */
const IDLE_TURNS = 10_000;

export class WorkloadStuckError extends Error {
  override readonly name = 'WorkloadStuckError';
}

export async function runWorkload<T>(scheduler: Scheduler, workload: () => Promise<T>, options: { maxEvents?: number } = {}): Promise<T> {
  const run: { outcome: { ok: true; value: T } | { ok: false; error: unknown } | null } = { outcome: null };
  workload().then(
    (value) => (run.outcome = { ok: true, value }),
    (error: unknown) => (run.outcome = { ok: false, error }),
  );
  const budget = options.maxEvents ?? 50_000_000;
  let idle = 0;
  for (let events = 0; ; ) {
    for (let turn = 0; turn < DRAIN_TURNS; turn++) await undefined;
    if (run.outcome !== null) break;
    if (events >= budget) throw new EventBudgetExceeded(events, scheduler.now);
    if (scheduler.runNext()) {
      events++;
      idle = 0;
    } else if ((idle += DRAIN_TURNS) >= IDLE_TURNS) {
      throw new WorkloadStuckError(`the workload waits at virtual time ${scheduler.now} ms, and no simulation event is left to wake it`);
    }
  }
  const settled = run.outcome;
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/**
 * What this process's memory management cost over an interval: garbage collection from V8's
 * performance entries (pause time; scavenges of the young generation and full mark-compacts) and
 * the minor page faults it took (memory the allocator had handed back to the kernel and touched
 * again). Either, when high, puts a receiver in the slow mode bench/measuring-node.ts describes.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { z } from 'zod';

export const processReadingSchema = z.object({
  /** Total GC pause, ms. */
  gcMs: z.number().nonnegative(),
  scavenges: z.number().int().nonnegative(),
  markCompacts: z.number().int().nonnegative(),
  minorPageFaults: z.number().int().nonnegative(),
});
export type ProcessReading = z.infer<typeof processReadingSchema>;

const gcTotals = { gcMs: 0, scavenges: 0, markCompacts: 0 };
let observing = false;

function observeGc(): void {
  if (observing) return;
  observing = true;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcTotals.gcMs += entry.duration;
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcTotals.scavenges++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcTotals.markCompacts++;
    }
  }).observe({ entryTypes: ['gc'] });
}

const totals = (): ProcessReading => ({ ...gcTotals, minorPageFaults: process.resourceUsage().minorPageFault });

/** Starts counting (GC observing begins once per process) and returns what reads the costs since this call. */
export function processCostSince(): () => Promise<ProcessReading> {
  observeGc();
  const start = totals();
  // GC entries arrive on a later turn of the event loop: wait one before reading.
  return () =>
    new Promise((resolve) =>
      setImmediate(() => {
        const now = totals();
        resolve({ gcMs: now.gcMs - start.gcMs, scavenges: now.scavenges - start.scavenges, markCompacts: now.markCompacts - start.markCompacts, minorPageFaults: now.minorPageFaults - start.minorPageFaults });
      }),
    );
}

/**
 * Wall-clock measurement for the simulator benchmarks (bench/sim-events.ts, bench/sim-scale.ts): it lives here because nothing
 * under sim/ may read the real clock.
 */
import { performance } from 'node:perf_hooks';

export interface Timed<T> {
  result: T;
  wallMs: number;
}

export function measureWallTime<T>(run: () => T): Timed<T> {
  const start = performance.now();
  const result = run();
  return { result, wallMs: performance.now() - start };
}

/**
 * Wall-clock measurement for the simulator benchmarks (bench/sim-events.ts, bench/sim-scale.ts): it lives here because nothing
 * under sim/ may read the real clock.
 */
import { performance } from 'node:perf_hooks';

export interface Timed<T> {
  result: T;
  wallMs: number;
  /** CPU time of this process (user + system) over the run: on a shared machine it moves less than wall time. */
  cpuMs: number;
}

export function measureWallTime<T>(run: () => T): Timed<T> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = run();
  const cpu = process.cpuUsage(cpuStart);
  return { result, wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

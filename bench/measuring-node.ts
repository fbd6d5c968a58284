/**
 * How every process that takes part in a measurement runs Node. Two settings, each of which
 * removes one way a receiver falls into the slow "receiver-bound" mode of docs/benchmarking.md
 * (node:net allocates a new buffer for every socket read, ~64 KiB, so a receiver turns over its
 * whole throughput in short-lived buffers):
 *
 * - V8's GC on the main thread (`--single-threaded-gc`). A benchmark pins each process, all its
 *   threads, to one CPU, where V8's parallel and concurrent GC helpers only share the main thread's
 *   core; in that state V8 fell, run by run, into collecting the read buffers with a full
 *   mark-compact every ~40 MB (≈0.5 s of GC per 2 GiB received) instead of cheap scavenges (≈0.05 s).
 * - glibc's allocator keeps freed memory (`MALLOC_TRIM_THRESHOLD_`, `MALLOC_MMAP_THRESHOLD_`). By
 *   default it hands the top of the heap back to the kernel once the freed buffers pile up there, and
 *   the next buffers fault their pages in again: ~110,000 minor page faults per 2 GiB received, a
 *   third less throughput, for a whole invocation or none. Setting either threshold also fixes
 *   glibc's otherwise adaptive mmap threshold, so both are set. Other C libraries ignore them.
 *
 * Each run's GC and page faults are recorded per process (bench/process-meter.ts).
 */
import { onCpu } from './cpu-pinning.ts';

/** Node flags of every measuring process (bench children, and the lab's own process: lab/cli.ts). */
export const MEASURING_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** Environment of every measuring process: glibc malloc keeps up to 1 GiB freed, and serves blocks up to 32 MiB from its heap. */
export const MEASURING_NODE_ENV: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: String(2 ** 30), MALLOC_MMAP_THRESHOLD_: String(2 ** 25) };

/** Resolved here, so a child finds tsx whatever its working directory. */
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * The command line of a TypeScript bench child: this Node, the measuring flags and tsx, on `cpu`
 * when given. The child inherits the environment, which has MEASURING_NODE_ENV when this process
 * was started as a measuring node.
 */
export function measuringChild(file: string, args: readonly string[], cpu: number | null): [string, string[]] {
  const node: [string, string[]] = [process.execPath, [...MEASURING_NODE_FLAGS, '--import', TSX_LOADER, file, ...args]];
  return cpu === null ? node : onCpu(cpu, ...node);
}

/** The measuring settings this process has, as a report records them. */
export const measuringSettingsInEffect = (): string[] => [
  ...MEASURING_NODE_FLAGS.filter((flag) => process.execArgv.includes(flag)),
  ...Object.entries(MEASURING_NODE_ENV)
    .filter(([name, value]) => process.env[name] === value)
    .map(([name, value]) => `${name}=${value}`),
];

/** True when this process runs with every measuring flag and environment setting. */
export const runsAsMeasuringNode = (): boolean => measuringSettingsInEffect().length === MEASURING_NODE_FLAGS.length + Object.keys(MEASURING_NODE_ENV).length;

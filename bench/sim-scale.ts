/**
 * The simulator's scale curve: wall time, simulated events per second and peak memory at 100, 1,000
 * and 10,000 nodes, so a regression shows. Each size runs with static peers (a ring, one round of
 * chunks), and with broadcast discovery up to `discoveryUpTo` nodes: discovery is O(N²) by design
 * (every announcement is checked by the N − 1 others, every 3 s), so beyond about 1,000 nodes it
 * measures only the broadcast storm, and the report says what a round would cost instead. Each
 * point runs in its own process (bench/sim-scale-child.ts), killed after `timeoutSeconds`, so the
 * whole curve is bounded in time and each peak memory is that point's own.
 * `asoc-lab bench sim-scale` gives it flags and prints it (lab/commands/bench/sim-scale.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { machineInfo, type MachineInfo } from './machine.ts';
import type { ScalePointFigures, ScalePointKind, ScalePointRequest } from './sim-scale-point.ts';

export interface SimScaleOptions extends Omit<ScalePointRequest, 'kind' | 'nodes'> {
  sizes: number[];
  /** The largest size also run with broadcast discovery. */
  discoveryUpTo: number;
  /** Wall-time bound of each point. */
  timeoutSeconds: number;
}

export const SIM_SCALE_DEFAULTS: SimScaleOptions = {
  sizes: [100, 1_000, 10_000],
  discoveryUpTo: 1_000,
  timeoutSeconds: 300,
  seed: 'scale',
  peers: 10,
  virtualMs: 0,
  chunkBytes: 64 * 1024,
  hash: true,
  memo: true,
};

export type ScalePoint =
  | ({ outcome: 'done' } & ScalePointFigures)
  | { outcome: 'timed-out' | 'failed'; kind: ScalePointKind; nodes: number; detail: string };

export interface SimScaleReport {
  date: string;
  machine: MachineInfo;
  options: SimScaleOptions;
  points: ScalePoint[];
  /** Why the largest sizes have no discovery point, with the measured cost per check to size it. */
  discoveryLimit: string;
}

const CHILD_FILE = fileURLToPath(new URL('./sim-scale-child.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
/** The memory bound for 10,000 nodes; the child's heap may grow to it. */
const CHILD_HEAP_MIB = 8 * 1024;

export async function runSimScaleBench(options: SimScaleOptions = SIM_SCALE_DEFAULTS, onPoint?: (point: ScalePoint) => void): Promise<SimScaleReport> {
  const { sizes, discoveryUpTo, timeoutSeconds, seed, peers, virtualMs, chunkBytes, hash, memo } = options;
  const shared = { seed, peers, virtualMs, chunkBytes, hash, memo };
  const points: ScalePoint[] = [];
  for (const nodes of sizes) {
    const kinds: ScalePointKind[] = nodes <= discoveryUpTo ? ['static-ring', 'discovery'] : ['static-ring'];
    for (const kind of kinds) {
      const point = await measureInChild({ ...shared, kind, nodes }, timeoutSeconds);
      onPoint?.(point);
      points.push(point);
    }
  }
  return { date: new Date().toISOString(), machine: machineInfo(), options: { sizes, discoveryUpTo, timeoutSeconds, ...shared }, points, discoveryLimit: discoveryLimit(points, discoveryUpTo) };
}

function measureInChild(request: ScalePointRequest, timeoutSeconds: number): Promise<ScalePoint> {
  const args = [`--max-old-space-size=${CHILD_HEAP_MIB}`, '--import', TSX_LOADER, CHILD_FILE, JSON.stringify(request)];
  const { kind, nodes } = request;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: timeoutSeconds * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error === null) resolve({ outcome: 'done', ...(JSON.parse(stdout) as ScalePointFigures) });
      else if (error.killed) resolve({ outcome: 'timed-out', kind, nodes, detail: `killed after ${timeoutSeconds} s of wall time` });
      else resolve({ outcome: 'failed', kind, nodes, detail: (stderr.trim().split('\n').at(-1) ?? '') || error.message });
    });
  });
}

/** Discovery's cost grows with the N(N − 1) checks of one announcement round: sized from the largest measured point. */
function discoveryLimit(points: ScalePoint[], upTo: number): string {
  const measured = points.filter((p): p is Extract<ScalePoint, { outcome: 'done' }> => p.outcome === 'done' && p.kind === 'discovery');
  const largest = measured.at(-1);
  if (largest?.discovery === undefined) return `broadcast discovery not measured (run up to ${upTo} nodes)`;
  const perCheckUs = (largest.wallMs * 1000) / largest.discovery.hmacsChecked;
  const tenThousand = (10_000 * 9_999 * perCheckUs) / 1e6;
  return (
    `broadcast discovery is O(N²): each 3 s round, N(N − 1) announcements are checked. At ${largest.nodes} nodes the run cost ` +
    `${perCheckUs.toFixed(1)} µs of wall time per check (everything included), so one round at 10,000 nodes would take about ` +
    `${Math.round(tenThousand)} s of wall time for 3 s of virtual time, and every node would hold 9,999 discovered peers: ` +
    `beyond ${upTo} nodes, clusters use static peers`
  );
}

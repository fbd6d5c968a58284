/** `asoc-lab bench sim-scale`: its flags and its summary (the measuring is bench/sim-scale.ts). */
import { runSimScaleBench, SIM_SCALE_DEFAULTS, type ScalePoint, type SimScaleOptions, type SimScaleReport } from '../../../bench/sim-scale.ts';
import { integerFlag, parseFlags } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

const count = (n: number) => n.toLocaleString('en-US');

function pointRow(p: ScalePoint): string[] {
  if (p.outcome !== 'done') return [p.kind, count(p.nodes), p.outcome, p.detail, '', '', '', '', ''];
  return [p.kind, count(p.nodes), 'done', (p.wallMs / 1000).toFixed(2), (p.cpuMs / 1000).toFixed(2), count(p.events), count(p.eventsPerSecond), count(p.peakRssMiB), count(p.peakRssPerNodeKiB)];
}

export function printSimScaleSummary(r: SimScaleReport): void {
  console.log(`seed ${r.options.seed}; ${r.machine.cpuModel}, node ${r.machine.nodeVersion}`);
  printTable([['kind', 'nodes', 'outcome', 'wall s', 'CPU s', 'events', 'events/s', 'peak RSS MiB', 'KiB/node'], ...r.points.map(pointRow)], 3);
  console.log(r.discoveryLimit);
}

const help = `Usage: asoc-lab bench sim-scale [options]

The simulator's scale curve. At each size, N simulated ASoc nodes on one switch: with static peers
in a ring (each node sends one chunk to the next), and, up to --discovery-up-to nodes, with broadcast
discovery (each node dials up to K of the peers it discovers; O(N²) by design). Each point runs in
its own process, killed after --timeout-s: wall time, events per second, peak memory per node.
Writes reports/bench-sim-scale-<time>.json.
  --sizes N,N,...         node counts (default ${SIM_SCALE_DEFAULTS.sizes.join(',')})
  --discovery-up-to N     largest size also run with discovery (default ${SIM_SCALE_DEFAULTS.discoveryUpTo})
  --timeout-s S           wall-time bound of each point (default ${SIM_SCALE_DEFAULTS.timeoutSeconds})
  --peers K               discovery: most discovered peers each node dials (default ${SIM_SCALE_DEFAULTS.peers})
  --virtual-ms MS         discovery: keep running to this virtual time once all are connected (default ${SIM_SCALE_DEFAULTS.virtualMs}: stop then)
  --chunk-bytes B         ring: bytes each node sends the next (default ${SIM_SCALE_DEFAULTS.chunkBytes})
  --seed TEXT             the simulation's seed (default ${SIM_SCALE_DEFAULTS.seed})
  --no-hash               do not keep the trace hash
  --no-memo               compute every HMAC instead of remembering repeats (to see what that saves)
  --out DIR               report directory (default reports)`;

export interface SimScaleCliOptions extends SimScaleOptions {
  out?: string;
}

function sizesFlag(value: string | undefined): number[] {
  if (value === undefined) return SIM_SCALE_DEFAULTS.sizes;
  return value.split(',').map((part) => integerFlag('sizes', part.trim(), 0, 2, 1_000_000));
}

export function parseSimScaleArgs(argv: string[]): SimScaleCliOptions | undefined {
  const { values } = parseFlags(argv, {
    sizes: { type: 'string' },
    'discovery-up-to': { type: 'string' },
    'timeout-s': { type: 'string' },
    peers: { type: 'string' },
    'virtual-ms': { type: 'string' },
    'chunk-bytes': { type: 'string' },
    seed: { type: 'string' },
    'no-hash': { type: 'boolean' },
    'no-memo': { type: 'boolean' },
    out: { type: 'string' },
  });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return {
    sizes: sizesFlag(values.sizes),
    discoveryUpTo: integerFlag('discovery-up-to', values['discovery-up-to'], SIM_SCALE_DEFAULTS.discoveryUpTo, 0),
    timeoutSeconds: integerFlag('timeout-s', values['timeout-s'], SIM_SCALE_DEFAULTS.timeoutSeconds, 1),
    peers: integerFlag('peers', values.peers, SIM_SCALE_DEFAULTS.peers, 1),
    virtualMs: integerFlag('virtual-ms', values['virtual-ms'], SIM_SCALE_DEFAULTS.virtualMs, 0),
    chunkBytes: integerFlag('chunk-bytes', values['chunk-bytes'], SIM_SCALE_DEFAULTS.chunkBytes, 1),
    seed: values.seed ?? SIM_SCALE_DEFAULTS.seed,
    hash: !values['no-hash'],
    memo: !values['no-memo'],
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runSimScaleCli = benchCli({ name: 'sim-scale', parse: parseSimScaleArgs, run: (options) => runSimScaleBench(options, (p) => console.log(pointRow(p).join('  '))), print: printSimScaleSummary });

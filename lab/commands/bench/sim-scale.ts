/** `asoc-lab bench sim-scale`: its flags and its summary (the measuring is bench/sim-scale.ts). */
import { runSimScaleBench, SIM_SCALE_DEFAULTS, type SimScaleOptions, type SimScaleReport } from '../../../bench/sim-scale.ts';
import { integerFlag, parseFlags } from '../common.ts';
import { benchCli } from './bench-cli.ts';

export function printSimScaleSummary(r: SimScaleReport): void {
  const count = (n: number) => n.toLocaleString('en-US');
  console.log(`${r.scenario}, seed ${r.seed}; ${r.machine.cpuModel}, node ${r.machine.nodeVersion}`);
  console.log(`${count(r.expectedConnections)} connections all up at ${(r.allConnectedAtMs / 1000).toFixed(2)} s virtual; ran to ${(r.virtualMs / 1000).toFixed(2)} s`);
  console.log(`per node: ${r.discoveredPeers.min}–${r.discoveredPeers.max} peers discovered, ${r.connectionsPerNode.min}–${r.connectionsPerNode.max} connections (mean ${r.connectionsPerNode.mean.toFixed(1)})`);
  console.log(`${count(r.events)} events in ${(r.wallMs / 1000).toFixed(2)} s wall: ${count(r.eventsPerSecond)} events/s; ${count(r.discoveryHmacs)} discovery HMACs checked (${count(r.discoveryHmacsPerWallSecond)} per wall second)`);
  console.log(`HMACs: ${r.hmacs === 'all computed' ? 'all computed (--no-memo)' : `${count(r.hmacs.computed)} computed of ${count(r.hmacs.requested)} asked for`}; heap ${r.heapUsedMiB} MiB, RSS ${r.rssMiB} MiB`);
  if (r.traceHash) console.log(`trace sha256 ${r.traceHash}`);
}

const help = `Usage: asoc-lab bench sim-scale [options]

The simulated ASoc node at scale: N nodes on one switch discover each other and each dials up to
K discovered peers; the run stops when every connection is up (or at --virtual-ms, to measure the
steady discovery load too). Wall time, simulated events per second, memory, discovery HMACs.
Writes reports/bench-sim-scale-<time>.json.
  --nodes N         nodes (default ${SIM_SCALE_DEFAULTS.nodes})
  --peers K         most discovered peers each node dials (default ${SIM_SCALE_DEFAULTS.peers})
  --virtual-ms MS   keep running to this virtual time once all are connected (default ${SIM_SCALE_DEFAULTS.virtualMs}: stop then)
  --seed TEXT       the simulation's seed (default ${SIM_SCALE_DEFAULTS.seed})
  --no-hash         do not keep the trace hash
  --no-memo         compute every HMAC instead of remembering repeats (to see what that saves)
  --out DIR         report directory (default reports)`;

export interface SimScaleCliOptions extends SimScaleOptions {
  out?: string;
}

export function parseSimScaleArgs(argv: string[]): SimScaleCliOptions | undefined {
  const { values } = parseFlags(argv, {
    nodes: { type: 'string' },
    peers: { type: 'string' },
    'virtual-ms': { type: 'string' },
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
    nodes: integerFlag('nodes', values.nodes, SIM_SCALE_DEFAULTS.nodes, 2),
    peers: integerFlag('peers', values.peers, SIM_SCALE_DEFAULTS.peers, 1),
    virtualMs: integerFlag('virtual-ms', values['virtual-ms'], SIM_SCALE_DEFAULTS.virtualMs, 0),
    seed: values.seed ?? SIM_SCALE_DEFAULTS.seed,
    hash: !values['no-hash'],
    memo: !values['no-memo'],
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runSimScaleCli = benchCli({ name: 'sim-scale', parse: parseSimScaleArgs, run: runSimScaleBench, print: printSimScaleSummary });

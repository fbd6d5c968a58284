/** `asoc-lab bench sim-allreduce`: its flags and its summary (the measuring is bench/sim-allreduce.ts). */
import { runSimAllReduceBench, SIM_ALLREDUCE_DEFAULTS, type SimAllReduceOptions, type SimAllReduceReport } from '../../../bench/sim-allreduce.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli } from './bench-cli.ts';

export function printSimAllReduceSummary(r: SimAllReduceReport): void {
  const o = r.options;
  console.log(`ring all-reduce of ${(o.tensorBytes / 2 ** 20).toFixed(1)} MiB on ${o.nodes} nodes, ${o.linkGbps} Gbit/s ports, ${o.latencyMs} ms; seed ${o.seed}`);
  console.log(`${r.steps} steps of ${r.chunkBytes.toLocaleString('en-US')} bytes: ${r.completionMs.toFixed(3)} ms virtual, bound ${r.boundMs.toFixed(3)} ms (${r.timesTheBound.toFixed(2)}× the bound)`);
  console.log(`each link carried ${r.perLinkGoodputGbps.toFixed(2)} Gbit/s of payload; ${r.events.toLocaleString('en-US')} events in ${(r.wallMs / 1000).toFixed(2)} s wall`);
  console.log(`CPU costs: ${r.cpu.source}`);
  console.log(`why: ${r.explanation.summary}`);
  console.log(`trace sha256 ${r.traceHash}`);
}

const help = `Usage: asoc-lab bench sim-allreduce [options]

A ring all-reduce in the simulator: N nodes on one switch, each sends 1/N of the tensor to the next
in 2(N − 1) steps (reduce-scatter, then all-gather), a node's next step waiting for the chunk it
receives; every chunk is an ASoc stream on the real core. Completion time against the
bandwidth-optimal bound 2(N − 1)/N × tensor / link rate, and why it is slower: the same ring again
with free CPU, with a 4× TCP window, and without latency splits the gap into
link × synchronisation × window × CPU. Writes reports/bench-sim-allreduce-<time>.json.
  --nodes N          nodes in the ring (default ${SIM_ALLREDUCE_DEFAULTS.nodes})
  --tensor SIZE      tensor size, e.g. 64MiB (default ${SIM_ALLREDUCE_DEFAULTS.tensorBytes / 2 ** 20}MiB)
  --link-gbps G      every switch port's rate (default ${SIM_ALLREDUCE_DEFAULTS.linkGbps})
  --latency-ms MS    every switch port's one-way latency (default ${SIM_ALLREDUCE_DEFAULTS.latencyMs})
  --seed TEXT        the simulation's seed (default ${SIM_ALLREDUCE_DEFAULTS.seed})
  --calibration FILE the hosts' CPU costs, from asoc-lab calibrate (default ${SIM_ALLREDUCE_DEFAULTS.calibrationFile};
                     absent: the simulator's placeholder costs, and the report says so)
  --out DIR          report directory (default reports)`;

export interface SimAllReduceCliOptions extends SimAllReduceOptions {
  out?: string;
}

function positiveNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(value.trim() !== '' && Number.isFinite(n) && n >= min)) throw new UsageError(`--${name} must be a number ≥ ${min}, got "${value}"`);
  return n;
}

export function parseSimAllReduceArgs(argv: string[]): SimAllReduceCliOptions | undefined {
  const { values } = parseFlags(argv, {
    nodes: { type: 'string' },
    tensor: { type: 'string' },
    'link-gbps': { type: 'string' },
    'latency-ms': { type: 'string' },
    seed: { type: 'string' },
    calibration: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return {
    nodes: integerFlag('nodes', values.nodes, SIM_ALLREDUCE_DEFAULTS.nodes, 2, 10_000),
    tensorBytes: integerFlag('tensor', values.tensor, SIM_ALLREDUCE_DEFAULTS.tensorBytes, 1),
    linkGbps: positiveNumber('link-gbps', values['link-gbps'], SIM_ALLREDUCE_DEFAULTS.linkGbps, 0.001),
    latencyMs: positiveNumber('latency-ms', values['latency-ms'], SIM_ALLREDUCE_DEFAULTS.latencyMs, 0),
    seed: values.seed ?? SIM_ALLREDUCE_DEFAULTS.seed,
    calibrationFile: values.calibration ?? SIM_ALLREDUCE_DEFAULTS.calibrationFile,
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runSimAllReduceCli = benchCli({ name: 'sim-allreduce', parse: parseSimAllReduceArgs, run: runSimAllReduceBench, print: printSimAllReduceSummary });

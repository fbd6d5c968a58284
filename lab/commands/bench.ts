import { runThroughputCli } from './bench/throughput.ts';
import { runCpuCli } from './bench/cpu.ts';
import { runCryptoCli } from './bench/crypto.ts';
import { runFrameCostCli } from './bench/frame-cost.ts';
import { runHandshakeCli } from './bench/handshake.ts';
import { runHttpCli } from './bench/http.ts';
import { runLatencyCli } from './bench/latency.ts';
import { runReceivePathCli } from './bench/receive-path.ts';
import { runSimAllReduceCli } from './bench/sim-allreduce.ts';
import { runSimEventsCli } from './bench/sim-events.ts';
import { runSimScaleCli } from './bench/sim-scale.ts';
import { runSoakCli } from './bench/soak.ts';
import { subcommand, type Command } from './common.ts';

interface Benchmark {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

const BENCHMARKS: Benchmark[] = [
  { name: 'throughput', summary: 'every baseline vs raw TCP over loopback, like iperf3: two processes, delivery measured, ratios, targets', run: runThroughputCli },
  { name: 'crypto', summary: 'hashing, codecs, Ed25519, BLAKE3/SipHash (D2), per-frame MAC/AEAD (tinybench)', run: runCryptoCli },
  { name: 'handshake', summary: 'handshake bytes (application and wire) and handshakes/s per protocol, JWT and TLS included', run: runHandshakeCli },
  { name: 'latency', summary: 'echo latency (ping-pong and open loop at a fixed rate) per protocol, HDR percentiles, CPU, ratios to raw TCP', run: runLatencyCli },
  { name: 'cpu', summary: 'CPU % of sender and receiver while one stream is paced one way at a fixed rate (default 446 MB/s, P6), raw TCP alongside, in rounds', run: runCpuCli },
  { name: 'http', summary: 'HTTP/1.1 request rate and latency with autocannon against the http1 baseline (one POST per chunk)', run: runHttpCli },
  { name: 'receive-path', summary: "loopback TCP with no protocol, read by 'data' events or into one reused buffer: MB/s, bytes per read and mode of each run", run: runReceivePathCli },
  { name: 'frame-cost', summary: 'one DATA frame through the connection core, per profile and crypto backend, 1 KiB and 1 MiB', run: runFrameCostCli },
  { name: 'sim-events', summary: "the simulator's packet path: simulated events per wall-clock second and memory", run: runSimEventsCli },
  { name: 'sim-scale', summary: 'the simulator at 100, 1,000 and 10,000 nodes (static peers; discovery up to 1,000): wall time, events/s, peak memory', run: runSimScaleCli },
  { name: 'sim-allreduce', summary: 'a ring all-reduce of a tensor on N simulated nodes: completion time against the bandwidth-optimal bound', run: runSimAllReduceCli },
  { name: 'soak', summary: 'minutes of every kind of peer at once against one node: memory after GC, fds, every send settled, no byte lost', run: runSoakCli },
];

const width = Math.max(...BENCHMARKS.map((b) => b.name.length));
const help = `Usage: asoc-lab bench <name> [options]   (asoc-lab bench <name> --help for its options)

Benchmarks write JSON into reports/ and print a summary.
${BENCHMARKS.map((b) => `  ${b.name.padEnd(width)}  ${b.summary}`).join('\n')}`;

export const benchCommand: Command = {
  name: 'bench',
  measures: true,
  summary: `run a benchmark (${BENCHMARKS.map((b) => b.name).join(', ')}) and write its JSON into reports/`,
  help,
  async run(argv) {
    const picked = subcommand(argv, BENCHMARKS.map((b) => b.name), 'benchmark', help);
    if (typeof picked === 'number') return picked;
    return BENCHMARKS.find((b) => b.name === picked.name)!.run(picked.rest);
  },
};

/**
 * Scale benchmark of the simulated ASoc node: N nodes on one broadcast domain discover each other
 * and each dials up to K discovered peers (sim/asoc/scale.ts), then the run goes on to a virtual
 * time so the steady discovery load is measured too. Prints JSON: wall time, simulated events per
 * second, memory, and the discovery HMAC count.
 *
 *   npx tsx bench/sim-scale.ts [--nodes 1000] [--peers 10] [--virtual-ms 10000] [--seed scale] [--no-hash]
 */
import { parseArgs } from 'node:util';
import { runScale } from '../sim/asoc/scale.ts';
import { measureWallTime } from './sim-events.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    peers: { type: 'string', default: '10' },
    'virtual-ms': { type: 'string', default: '10000' },
    seed: { type: 'string', default: 'scale' },
    'no-hash': { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const { result, wallMs } = measureWallTime(() =>
  runScale({ seed: values.seed, nodes, maxDialedPeers: Number(values.peers), runUntilMs: Number(values['virtual-ms']), traceHash: !values['no-hash'] }),
);
const memory = process.memoryUsage();
const { cluster, ...figures } = result;
console.log(
  JSON.stringify(
    {
      scenario: `${nodes} nodes on one switch, discovery, each dials up to ${values.peers} discovered peers`,
      seed: values.seed,
      traceHash: values['no-hash'] ? null : cluster.sim.trace.digest(),
      ...figures,
      wallMs: Math.round(wallMs),
      eventsPerSecond: Math.round(result.events / (wallMs / 1000)),
      discoveryHmacsPerWallSecond: Math.round(result.discoveryHmacs / (wallMs / 1000)),
      heapUsedMiB: Math.round(memory.heapUsed / 2 ** 20),
      rssMiB: Math.round(memory.rss / 2 ** 20),
    },
    null,
    2,
  ),
);

/**
 * Scale benchmark of the simulated ASoc node: N nodes on one broadcast domain discover each other
 * and each dials up to K discovered peers (sim/asoc/scale.ts); the run stops when every connection
 * is up, or goes on to --virtual-ms to measure the steady discovery load too. Prints JSON: wall
 * time, simulated events per second, memory, and the discovery HMAC count.
 *
 *   npx tsx bench/sim-scale.ts [--nodes 1000] [--peers 10] [--virtual-ms 0] [--seed scale] [--no-hash] [--no-memo]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_BACKEND } from '../src/crypto/backend.ts';
import { memoizingBackend } from '../sim/asoc/memo-crypto.ts';
import { runScale } from '../sim/asoc/scale.ts';
import { measureWallTime } from './wall-time.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000' },
    peers: { type: 'string', default: '10' },
    'virtual-ms': { type: 'string', default: '0' },
    seed: { type: 'string', default: 'scale' },
    'no-hash': { type: 'boolean', default: false },
    /** Compute every HMAC instead of remembering repeats (to see what memo-crypto.ts saves). */
    'no-memo': { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const crypto = values['no-memo'] ? DEFAULT_BACKEND : memoizingBackend(DEFAULT_BACKEND);
const { result, wallMs } = measureWallTime(() =>
  runScale({
    seed: values.seed,
    nodes,
    maxDialedPeers: Number(values.peers),
    deadlineMs: 60_000,
    runUntilMs: Number(values['virtual-ms']),
    traceHash: !values['no-hash'],
    crypto,
  }),
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
      hmacs: 'hmacStats' in crypto ? crypto.hmacStats : 'all computed (--no-memo)',
      heapUsedMiB: Math.round(memory.heapUsed / 2 ** 20),
      rssMiB: Math.round(memory.rss / 2 ** 20),
    },
    null,
    2,
  ),
);

/**
 * One point of the simulator's scale curve (bench/sim-scale.ts), measured in this process: N nodes
 * on one switch, either
 * - `discovery`: they find each other by UDP broadcast and each dials up to `peers` of those it
 *   discovers (sim/asoc/scale.ts); it stops when every connection is up, or at `virtualMs`;
 * - `static-ring`: static peers in a ring (node i dials node i + 1) and one round of chunks: every
 *   node sends `chunkBytes` to its successor (sim/asoc/ring.ts).
 * Wall time, events per second, peak memory (this process's, so run one point per process) and the
 * trace hash.
 */
import { DEFAULT_BACKEND, type CryptoBackend } from '../src/crypto/backend.ts';
import { memoizingBackend } from '../sim/asoc/memo-crypto.ts';
import { runRing } from '../sim/asoc/ring.ts';
import { runScale } from '../sim/asoc/scale.ts';
import { measureWallTime } from './wall-time.ts';

export type ScalePointKind = 'discovery' | 'static-ring';

export interface ScalePointRequest {
  kind: ScalePointKind;
  nodes: number;
  seed: string;
  /** Discovery: most discovered peers each node dials. */
  peers: number;
  /** Discovery: virtual time to run on after every connection is up (0: stop then). */
  virtualMs: number;
  /** Static ring: bytes each node sends its successor. */
  chunkBytes: number;
  /** Keep the trace hash. */
  hash: boolean;
  /** Remember repeated HMACs (sim/asoc/memo-crypto.ts); false computes every one, to see what that saves. */
  memo: boolean;
}

export interface ScalePointFigures {
  kind: ScalePointKind;
  nodes: number;
  /** What was simulated, in words. */
  scenario: string;
  wallMs: number;
  /** CPU time of the point's process over the run (user + system): on a shared machine it moves less than wall time. */
  cpuMs: number;
  events: number;
  eventsPerSecond: number;
  virtualMs: number;
  /** Connections up at the end. */
  connections: number;
  /** Peak resident memory of the process, and per node. */
  peakRssMiB: number;
  peakRssPerNodeKiB: number;
  heapUsedMiB: number;
  traceHash: string | null;
  /** Discovery: signatures checked (one HMAC each, unless remembered), and what the memo computed of them. */
  discovery?: { hmacsChecked: number; hmacs: { requested: number; computed: number } | 'all computed' };
}

/** Virtual time a point may take: every node boots within 1 s; discovery needs one 3 s round more. */
const DEADLINE_MS = 60_000;

export function measureScalePoint(request: ScalePointRequest): ScalePointFigures {
  const memo = request.memo ? memoizingBackend(DEFAULT_BACKEND) : null;
  const crypto = memo ?? DEFAULT_BACKEND;
  const timed = measureWallTime(() => (request.kind === 'discovery' ? runDiscovery(request, crypto) : runStaticRing(request, crypto)));
  const { wallMs, cpuMs } = timed;
  const { cluster, scenario, connections, extra } = timed.result;
  const { scheduler, trace } = cluster.sim;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  return {
    kind: request.kind,
    nodes: request.nodes,
    scenario,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    events: scheduler.eventsExecuted,
    eventsPerSecond: Math.round(scheduler.eventsExecuted / (wallMs / 1000)),
    virtualMs: scheduler.now,
    connections,
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    peakRssPerNodeKiB: Math.round(peakRss / 1024 / request.nodes),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    traceHash: request.hash ? trace.digest() : null,
    ...(extra === null ? {} : { discovery: { hmacsChecked: extra, hmacs: memo ? { ...memo.hmacStats } : 'all computed' } }),
  };
}

function runDiscovery(request: ScalePointRequest, crypto: CryptoBackend) {
  const result = runScale({ seed: request.seed, nodes: request.nodes, maxDialedPeers: request.peers, deadlineMs: DEADLINE_MS, runUntilMs: request.virtualMs, traceHash: request.hash, crypto });
  return {
    cluster: result.cluster,
    scenario: `${request.nodes} nodes on one switch, broadcast discovery, each dials up to ${request.peers} discovered peers`,
    connections: result.expectedConnections,
    extra: result.discoveryHmacs,
  };
}

function runStaticRing(request: ScalePointRequest, crypto: CryptoBackend) {
  const result = runRing({ seed: request.seed, nodes: request.nodes, chunkBytes: request.chunkBytes, steps: 1, deadlineMs: DEADLINE_MS, traceHash: request.hash, crypto });
  return {
    cluster: result.cluster,
    scenario: `${request.nodes} nodes on one switch, static peers in a ring, each sends ${request.chunkBytes} bytes to the next`,
    connections: result.cluster.connectionCount(),
    extra: null,
  };
}

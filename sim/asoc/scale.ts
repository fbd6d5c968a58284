/**
 * The scale scenario, shared by the scale test and `asoc-lab bench sim-scale` (bench/sim-scale-point.ts): `nodes` nodes on one switch
 * find each other by discovery and each dials at most `maxDialedPeers` of the peers it discovers
 * (the core's dial rule still decides who may dial whom: only the smaller node id). Nodes boot at
 * seeded random times within the first second, so each hears the others in its own order. The node whose
 * id ranks r-th smallest can dial min(maxDialedPeers, nodes − 1 − r) peers, so the run is complete
 * when every node has discovered every other and the cluster holds Σ_r min(k, n − 1 − r)
 * connections; it may then keep running to
 * `runUntilMs` of virtual time, to measure the steady discovery load too (every node announcing
 * every 3 s to every other).
 */
import type { CryptoBackend } from '../../src/crypto/backend.ts';
import { buildCluster, type Cluster } from './cluster.ts';

export interface ScaleOptions {
  seed: string | number;
  nodes: number;
  maxDialedPeers: number;
  /** Nodes start at seeded random times within this (default 1 s; see cluster.ts for why not all at once). */
  startWithinMs?: number;
  /** Give up when the connections are not all up by then. */
  deadlineMs: number;
  /** Keep running to this virtual time once every connection is up (default: stop then). */
  runUntilMs?: number;
  /** Keep the trace hash (default true). */
  traceHash?: boolean;
  /** The nodes' crypto backend (default: the simulator's, SIM_CRYPTO). */
  crypto?: CryptoBackend;
}

export interface ScaleResult {
  cluster: Cluster;
  expectedConnections: number;
  /** Virtual time at which every node knew every other and the last expected connection was up. */
  allConnectedAtMs: number;
  virtualMs: number;
  events: number;
  /** Discovery datagrams whose signature a receiver checked (one HMAC each, unless remembered). */
  discoveryHmacs: number;
  /** Peers known per node at the end: min and max over nodes. */
  discoveredPeers: { min: number; max: number };
  connectionsPerNode: { min: number; mean: number; max: number };
  outboundPerNode: { min: number; max: number };
}

export function expectedScaleConnections(nodes: number, maxDialedPeers: number): number {
  let total = 0;
  for (let rank = 0; rank < nodes; rank++) total += Math.min(maxDialedPeers, nodes - 1 - rank);
  return total;
}

export function runScale(options: ScaleOptions): ScaleResult {
  const cluster = buildCluster({
    seed: options.seed,
    size: options.nodes,
    topology: 'discovery',
    trace: { hash: options.traceHash ?? true },
    node: options.crypto ? { maxDialedPeers: options.maxDialedPeers, crypto: options.crypto } : { maxDialedPeers: options.maxDialedPeers },
    startWithinMs: options.startWithinMs ?? 1_000,
  });
  const expectedConnections = expectedScaleConnections(options.nodes, options.maxDialedPeers);
  let up = 0;
  let discoveries = 0;
  const everyoneKnown = options.nodes * (options.nodes - 1);
  for (const node of cluster.nodes) {
    node.on('discovered', () => discoveries++);
    node.on('peer-up', (peer) => {
      if (peer.direction === 'outbound') up++;
    });
    node.on('peer-down', ({ peer }) => {
      if (peer.direction === 'outbound') up--;
    });
  }
  const { scheduler } = cluster.sim;
  cluster.start();
  if (!scheduler.runUntil(() => up === expectedConnections && discoveries === everyoneKnown, { maxTime: options.deadlineMs })) {
    throw new Error(`${up} of ${expectedConnections} connections and ${discoveries} of ${everyoneKnown} discoveries by ${scheduler.now} ms`);
  }
  const allConnectedAtMs = scheduler.now;
  scheduler.runUntilTime(Math.max(options.runUntilMs ?? 0, allConnectedAtMs));

  const discovered = cluster.nodes.map((n) => n.discoveredPeerCount);
  const degree = cluster.nodes.map((n) => n.connectionCount);
  const outbound = cluster.nodes.map((n) => n.peers().filter((p) => p.direction === 'outbound').length);
  const signatureChecked = (n: (typeof cluster.nodes)[number]): number => {
    const c = n.discoveryCounters!;
    return c.received - c.rejected['bad-length'] - c.rejected['other-community'];
  };
  return {
    cluster,
    expectedConnections,
    allConnectedAtMs,
    virtualMs: scheduler.now,
    events: scheduler.eventsExecuted,
    discoveryHmacs: cluster.nodes.reduce((sum, n) => sum + signatureChecked(n), 0),
    discoveredPeers: { min: Math.min(...discovered), max: Math.max(...discovered) },
    connectionsPerNode: { min: Math.min(...degree), mean: degree.reduce((a, b) => a + b, 0) / degree.length, max: Math.max(...degree) },
    outboundPerNode: { min: Math.min(...outbound), max: Math.max(...outbound) },
  };
}

/**
 * A ring of N nodes on one switch, passing chunks round it in steps as ring collectives do (static
 * peers: node i dials node i + 1, the last dials node 0). In a step every node sends one chunk to
 * its successor, as one ASoc stream; a node starts its next step once this step's chunk from its
 * predecessor has arrived, because in a collective the next chunk is computed from it. One step is
 * one round of a tensor's chunks; 2(N − 1) steps of tensorBytes / N each are a ring all-reduce
 * (N − 1 steps of reduce-scatter, then N − 1 of all-gather).
 */
import type { CryptoBackend } from '../../src/crypto/backend.ts';
import type { ChannelOptions } from '../channel.ts';
import { IP_HEADER_BYTES, TCP_HEADER_BYTES } from '../packet.ts';
import { buildCluster, clusterAddress, type Cluster, type ClusterNodeOptions, type ClusterOptions } from './cluster.ts';

export interface RingOptions {
  seed: string | number;
  nodes: number;
  /** Bytes each node sends per step. */
  chunkBytes: number;
  steps: number;
  /** Give up when the ring is not connected, or its steps not done, by this virtual time. */
  deadlineMs: number;
  /** Every switch port, both directions (default: the simulator's, 1 Gbit/s). */
  link?: Partial<ChannelOptions>;
  /** Every host's CPU costs and TCP settings (default: the simulator's). */
  host?: ClusterOptions['host'];
  /** Every node's settings beyond the ring's (flow windows, frame CPU costs, chunk size). */
  node?: ClusterNodeOptions;
  /** Keep the trace hash (default true). */
  traceHash?: boolean;
  /** The nodes' crypto backend (default: the simulator's, SIM_CRYPTO). */
  crypto?: CryptoBackend;
}

export interface RingResult {
  cluster: Cluster;
  /** Virtual time at which every node's connections were up (the steps start then). */
  connectedAtMs: number;
  /** Virtual time from the first step's sends to the last step's last arrival. */
  stepsMs: number;
  /** CPU time each host spent during the steps (host order), ms. */
  stepsCpuMs: number[];
  virtualMs: number;
  events: number;
}

/** The steps and chunk of a ring all-reduce of `tensorBytes` on `nodes` nodes. */
export function ringAllReduceSteps(nodes: number, tensorBytes: number): { steps: number; chunkBytes: number } {
  return { steps: 2 * (nodes - 1), chunkBytes: Math.ceil(tensorBytes / nodes) };
}

/** The bandwidth-optimal time of a ring all-reduce, ms: 2(N − 1)/N × tensor bytes / link rate. */
export function ringAllReduceBoundMs(nodes: number, tensorBytes: number, linkBps: number): number {
  return ((2 * (nodes - 1)) / nodes) * ((tensorBytes * 8) / linkBps) * 1000;
}

/**
 * The share of a switch port's rate left for payload when a node sends full segments of `mss`
 * bytes on it and, at the same rate, acknowledges the segments it receives on that same port: the
 * simulator's TCP acknowledges every segment (no delayed ACKs), so per `mss` payload bytes the port
 * carries one segment (mss + IP and TCP headers + framing) and one bare ACK (headers + framing).
 */
export function ringPortPayloadShare(mss: number, framingBytes: number): number {
  const headers = IP_HEADER_BYTES + TCP_HEADER_BYTES;
  return mss / (mss + headers + framingBytes + headers + framingBytes);
}

export function runRing(options: RingOptions): RingResult {
  const { nodes, chunkBytes, steps, deadlineMs } = options;
  if (!(Number.isInteger(nodes) && nodes >= 2)) throw new RangeError(`a ring needs at least 2 nodes, got ${nodes}`);
  if (!(Number.isSafeInteger(chunkBytes) && chunkBytes > 0)) throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
  if (!(Number.isSafeInteger(steps) && steps > 0)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const cluster = buildCluster({
    seed: options.seed,
    size: nodes,
    topology: 'ring',
    link: options.link ?? {},
    trace: { hash: options.traceHash ?? true },
    ...(options.host ? { host: options.host } : {}),
    node: { ...options.node, ...(options.crypto ? { crypto: options.crypto } : {}) },
  });
  const { scheduler } = cluster.sim;
  // With 2 nodes the one connection is both nodes' successor link; otherwise each node has one out, one in.
  const connectionsPerNode = nodes === 2 ? 1 : 2;
  const up = new Array<number>(nodes).fill(0);
  const received = new Array<number>(nodes).fill(0);
  const successorKey = new Array<string>(nodes);
  let connected = 0;
  let finished = 0;
  const failed: { error: Error | null } = { error: null };

  const send = (i: number): void => {
    cluster.nodes[i]!.transfer(successorKey[i]!, chunkBytes, { onError: (error) => (failed.error ??= error) });
  };
  cluster.nodes.forEach((node, i) => {
    node.on('peer-up', () => {
      if (++up[i]! === connectionsPerNode) connected++;
    });
    node.on('stream-end', () => {
      const done = ++received[i]!;
      if (done < steps) send(i);
      else if (done === steps) finished++;
    });
  });
  cluster.start();
  if (!scheduler.runUntil(() => connected === nodes, { maxTime: deadlineMs })) {
    throw new Error(`ring of ${nodes}: ${connected} nodes had their connections up by ${scheduler.now} ms`);
  }
  const connectedAtMs = scheduler.now;
  cluster.nodes.forEach((node, i) => {
    const successor = clusterAddress((i + 1) % nodes);
    successorKey[i] = node.peers().find((p) => p.address === successor)!.key;
  });
  const cpuAtStart = cluster.hosts.map((h) => h.cpu.busyMs);
  for (let i = 0; i < nodes; i++) send(i);
  if (!scheduler.runUntil(() => finished === nodes || failed.error !== null, { maxTime: deadlineMs })) {
    throw new Error(`ring of ${nodes}: ${finished} nodes had all ${steps} steps by ${scheduler.now} ms`);
  }
  if (failed.error !== null) throw failed.error;
  const stepsCpuMs = cluster.hosts.map((h, i) => h.cpu.busyMs - cpuAtStart[i]!);
  return { cluster, connectedAtMs, stepsMs: scheduler.now - connectedAtMs, stepsCpuMs, virtualMs: scheduler.now, events: scheduler.eventsExecuted };
}

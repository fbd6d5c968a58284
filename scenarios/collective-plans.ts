/**
 * What each collective sends, as a plan: transfers (sender, receiver, bytes), each starting once
 * the transfers it depends on have arrived, and each in a phase — transfers of one phase may run
 * together, a phase's transfers depend only on earlier phases. The ideal time of a plan on a
 * topology is the sum over phases of the busiest channel's load (bytes ÷ rate): no schedule that
 * honours the dependencies is faster, whatever the protocol (collective-ideal.ts).
 *
 * - ring-all-reduce: N participants in ring order reduce a tensor of T bytes in 2(N − 1) steps of
 *   ⌈T / N⌉; in step s participant i sends to i + 1 the chunk it received in step s − 1 (the
 *   reduce-scatter's partial sums, then the all-gather's results). On one switch the ideal is the
 *   bandwidth-optimal 2(N − 1)/N × T / rate. With `steps` only the first steps run (1: one tensor
 *   round, every participant sends one chunk to the next at once: what a cluster of thousands can
 *   afford to simulate).
 * - parameter-server: every worker sends T to the server (fan-in); once the server has all of
 *   them it sends T back to every worker (fan-out). Ideal on one switch: 2 × workers × T / rate.
 * - pipeline: stages in order pass M micro-batches of T down the line: stage i forwards
 *   micro-batch m once it received it and forwarded m − 1. Ideal: (M + K − 2) × T / rate for K stages.
 * - all-to-all: every participant sends T to every other at once. Ideal on one switch: (N − 1) × T / rate.
 */

export type CollectiveKind = 'ring-all-reduce' | 'parameter-server' | 'pipeline' | 'all-to-all';

export interface PlannedTransfer {
  from: string;
  to: string;
  bytes: number;
  phase: number;
  /** Indexes of transfers that must have arrived before this one starts. */
  after: number[];
}

export interface CollectivePlanInput {
  kind: CollectiveKind;
  /** Participants in order (ring order, pipeline stages); for parameter-server, the workers. */
  participants: readonly string[];
  bytes: number;
  /** parameter-server: the server. */
  server?: string;
  /** pipeline: micro-batches. */
  microBatches?: number;
  /** ring-all-reduce: how many of its 2(N − 1) steps run (default all). */
  steps?: number;
}

export class CollectivePlanError extends Error {
  override readonly name = 'CollectivePlanError';
}

export function planCollective(input: CollectivePlanInput): PlannedTransfer[] {
  const { participants: p, bytes } = input;
  if (p.length < 2) throw new CollectivePlanError(`${input.kind} needs at least 2 participants, got ${p.length}`);
  if (new Set(p).size !== p.length) throw new CollectivePlanError(`${input.kind}: a participant is named twice`);
  switch (input.kind) {
    case 'ring-all-reduce':
      return ringAllReduce(p, bytes, input.steps ?? 2 * (p.length - 1));
    case 'parameter-server':
      return parameterServer(p, bytes, input.server);
    case 'pipeline':
      return pipeline(p, bytes, input.microBatches ?? 1);
    case 'all-to-all':
      return p.flatMap((from) => p.filter((to) => to !== from).map((to) => ({ from, to, bytes, phase: 0, after: [] })));
  }
}

function ringAllReduce(p: readonly string[], bytes: number, steps: number): PlannedTransfer[] {
  const n = p.length;
  if (!(Number.isInteger(steps) && steps >= 1 && steps <= 2 * (n - 1))) throw new CollectivePlanError(`a ring all-reduce on ${n} participants has 1 to ${2 * (n - 1)} steps, got ${steps}`);
  const chunk = Math.ceil(bytes / n);
  const transfers: PlannedTransfer[] = [];
  // Transfer (step s, participant i) is at index s × n + i; it waits for what i received in step s − 1.
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) transfers.push({ from: p[i]!, to: p[(i + 1) % n]!, bytes: chunk, phase: s, after: s === 0 ? [] : [(s - 1) * n + ((i + n - 1) % n)] });
  }
  return transfers;
}

function parameterServer(workers: readonly string[], bytes: number, server: string | undefined): PlannedTransfer[] {
  if (server === undefined) throw new CollectivePlanError('parameter-server needs a server');
  if (workers.includes(server)) throw new CollectivePlanError(`the server "${server}" cannot also be a worker`);
  const fanIn = workers.map((w) => ({ from: w, to: server, bytes, phase: 0, after: [] as number[] }));
  const all = fanIn.map((_, i) => i);
  return [...fanIn, ...workers.map((w) => ({ from: server, to: w, bytes, phase: 1, after: all }))];
}

function pipeline(stages: readonly string[], bytes: number, microBatches: number): PlannedTransfer[] {
  if (!(Number.isInteger(microBatches) && microBatches >= 1)) throw new CollectivePlanError(`pipeline micro-batches must be a positive integer, got ${microBatches}`);
  const hops = stages.length - 1;
  const transfers: PlannedTransfer[] = [];
  // Transfer (micro-batch m, hop i) is at index m × hops + i.
  for (let m = 0; m < microBatches; m++) {
    for (let i = 0; i < hops; i++) {
      const after = [...(i > 0 ? [m * hops + i - 1] : []), ...(m > 0 ? [(m - 1) * hops + i] : [])];
      transfers.push({ from: stages[i]!, to: stages[i + 1]!, bytes, phase: m + i, after });
    }
  }
  return transfers;
}

/**
 * Runs a validated scenario in the simulator and sums it up:
 *
 *   const run = runScenario(loadScenario('scenarios/topologies/two-node-10gbe.yaml'), { seed: 7 });
 *   run.summary.traceHash; run.summary.workloads[0].aggregateGoodputMBps; run.trace.toJsonl();
 *
 * Order of a run: build the topology (network.ts), create the nodes (nodes.ts) and start them (at
 * virtual time 0, or each at a seeded random time below its entry's startWithinMs), schedule the workloads (workloads.ts) and the events, then run until the stop
 * condition: every stream settled (`until: workloads-done`) or `maxMs`, whichever comes first
 * (`until: max-time`: always maxMs). The run is a pure function of the scenario and the seed; only
 * `wallMs` (measured here, outside sim/) differs between two runs.
 */
import { performance } from 'node:perf_hooks';
import type { DiscoveryCounters } from '../src/core/discovery-agent.ts';
import type { SimAsocNodeCounters } from '../sim/asoc/index.ts';
import { Simulation } from '../sim/simulation.ts';
import type { Trace } from '../sim/trace.ts';
import { DEFAULT_CALIBRATION_FILE } from '../bench/calibration-file.ts';
import { CalibrationSource } from './calibration.ts';
import { StreamIntegrity, type StreamCounts } from './integrity.ts';
import { Network } from './network.ts';
import { createNodes } from './nodes.ts';
import type { Scenario } from './schema.ts';
import { spreadOrNull, type Spread } from '../bench/stats.ts';
import { Workloads, type WorkloadResult } from './workloads.ts';
import { Collectives, type CollectiveResult } from './collectives.ts';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: string | number;
  /** Overrides stop.maxMs. */
  untilMs?: number;
  /** Keep every trace entry (for JSONL output); the hash is kept either way. */
  recordTrace?: boolean;
  /** Where `cpu: calibrated` hosts read their costs (default reports/calibration.json). */
  calibrationFile?: string;
  /** Called every PROGRESS_EVENTS events and once at the end. */
  onProgress?: (progress: RunProgress) => void;
  /** Things the user should know (e.g. no calibration file: defaults used). */
  onNotice?: (text: string) => void;
}

export interface RunProgress {
  virtualMs: number;
  maxMs: number;
  events: number;
}

export type StopReason = 'workloads-done' | 'max-time' | 'idle';

export interface NodeResult {
  name: string;
  address: string;
  /** Established connections (peers) at the end, and how many of them this node dialed. */
  peers: number;
  dialedPeers: number;
  counters: SimAsocNodeCounters;
  /** Streams this node received: complete with the right SHA-256, complete but different, aborted. */
  streams: StreamCounts;
  discovery: DiscoveryCounters | null;
  cpuBusyMs: number;
  /** cpuBusyMs ÷ virtual duration. */
  cpuUtilisation: number;
}

export interface ScenarioSummary {
  scenario: string;
  description: string;
  claims: string[];
  seed: string | number;
  traceHash: string;
  virtualMs: number;
  stop: { maxMs: number; until: Scenario['stop']['until']; reason: StopReason };
  /** Simulator events executed. */
  events: number;
  wallMs: number;
  /** Where the CPU costs of `cpu: calibrated` hosts came from; null when no host asked for them. */
  calibration: string | null;
  workloads: WorkloadResult[];
  collectives: CollectiveResult[];
  /** Leaf-spine fabrics: racks, spines, and hosts per rack × port rate ÷ (spines × trunk rate). */
  fabrics: { name: string; racks: number; spines: number; oversubscription: number }[];
  totals: {
    nodes: number;
    peersPerNode: Spread | null;
    /** Of those, the ones each node dialed itself. */
    dialedPerNode: Spread | null;
    /** Peers each node's discovery agent accepted an announcement from; null without discovery. */
    discoveredPerNode: Spread | null;
    handshakes: number;
    authFailures: number;
    dialAttempts: number;
    streamsIntact: number;
    streamsCorrupt: number;
    streamsAborted: number;
  };
  nodes: NodeResult[];
}

export interface ScenarioRun {
  summary: ScenarioSummary;
  trace: Trace;
}

/** Events between two progress reports (and two checks of the wall clock: none). */
const PROGRESS_EVENTS = 250_000;

export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioRun {
  const seed = options.seed ?? scenario.seed;
  const maxMs = options.untilMs ?? scenario.stop.maxMs;
  const sim = new Simulation({ seed, trace: { record: options.recordTrace ?? false } });
  const calibration = new CalibrationSource(options.calibrationFile ?? DEFAULT_CALIBRATION_FILE, options.onNotice);
  const started = performance.now();
  const network = new Network(sim, scenario, () => calibration.get());
  const nodes = createNodes(network, scenario);
  const workloads = new Workloads(scenario.workloads, network, nodes);
  const collectives = new Collectives(scenario.collectives, network, nodes);
  const integrity = new StreamIntegrity([...new Set([...workloads.chunkSizes, ...collectives.chunkSizes])]);
  const streamCounts = new Map([...nodes].map(([name, { node }]) => [name, integrity.watch(node)]));
  const actions = scenario.events.map((event) => ({ at: event.atMs, run: network.eventAction(event) }));
  const startTimes = sim.random.stream('scenario:node-start');
  for (const { node, spec } of nodes.values()) {
    if (spec.startWithinMs === 0) node.start();
    else sim.scheduler.at(startTimes.between(0, spec.startWithinMs), () => node.start());
  }
  workloads.schedule();
  collectives.schedule();
  for (const action of actions) sim.scheduler.at(action.at, action.run);

  const reason = runToStop(sim, maxMs, scenario.stop.until === 'workloads-done' ? () => workloads.settled && collectives.settled : () => false, options.onProgress);
  const wallMs = performance.now() - started;
  const virtualMs = sim.scheduler.now;
  const nodeResults = [...nodes.values()].map(({ name, node }): NodeResult => {
    const peers = node.peers();
    return {
      name,
      address: node.host.addressText,
      peers: peers.length,
      dialedPeers: peers.filter((p) => p.direction === 'outbound').length,
      counters: node.counters(),
      streams: streamCounts.get(name)!,
      discovery: node.discoveryCounters,
      cpuBusyMs: node.host.cpu.busyMs,
      cpuUtilisation: virtualMs > 0 ? node.host.cpu.busyMs / virtualMs : 0,
    };
  });
  const total = (pick: (n: NodeResult) => number) => nodeResults.reduce((sum, n) => sum + pick(n), 0);
  const summary: ScenarioSummary = {
    scenario: scenario.name,
    description: scenario.description,
    claims: scenario.claims,
    seed,
    traceHash: sim.trace.digest(),
    virtualMs,
    stop: { maxMs, until: scenario.stop.until, reason },
    events: sim.scheduler.eventsExecuted,
    wallMs,
    calibration: calibration.loaded?.source ?? null,
    workloads: workloads.results(),
    collectives: collectives.results(),
    fabrics: network.fabrics.map((f) => ({ name: f.options.name, racks: f.leaves.length, spines: f.spines.length, oversubscription: f.oversubscription })),
    totals: {
      nodes: nodeResults.length,
      peersPerNode: spreadOrNull(nodeResults.map((n) => n.peers)),
      dialedPerNode: spreadOrNull(nodeResults.map((n) => n.dialedPeers)),
      discoveredPerNode: spreadOrNull(nodeResults.flatMap((n) => (n.discovery === null ? [] : [n.discovery.discovered]))),
      handshakes: total((n) => n.counters.handshakes),
      authFailures: total((n) => n.counters.authFailures),
      dialAttempts: total((n) => n.counters.dialAttempts),
      streamsIntact: total((n) => n.streams.intact),
      streamsCorrupt: total((n) => n.streams.corrupt),
      streamsAborted: total((n) => n.streams.aborted),
    },
    nodes: nodeResults,
  };
  return { summary, trace: sim.trace };
}

/** Runs in slices of PROGRESS_EVENTS until `done()` or `maxMs`; says which stopped it. */
function runToStop(sim: Simulation, maxMs: number, done: () => boolean, onProgress: RunOptions['onProgress']): StopReason {
  const scheduler = sim.scheduler;
  const report = () => onProgress?.({ virtualMs: scheduler.now, maxMs, events: scheduler.eventsExecuted });
  for (;;) {
    const sliceEnd = scheduler.eventsExecuted + PROGRESS_EVENTS;
    const stopped = scheduler.runUntil(() => done() || scheduler.eventsExecuted >= sliceEnd, { maxTime: maxMs });
    if (done()) {
      report();
      return 'workloads-done';
    }
    if (!stopped) {
      const idle = scheduler.pendingEvents === 0;
      if (!idle) scheduler.runUntilTime(maxMs);
      report();
      return idle ? 'idle' : 'max-time';
    }
    report();
  }
}

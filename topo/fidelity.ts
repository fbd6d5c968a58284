/**
 * The simulator's fidelity: a topology's per-peer delivered throughput on real containers (or
 * network namespaces) next to the simulator's prediction for the same file, and their ratio
 * (real ÷ simulator). Both
 * sides use one definition: each stream's goodput from its first byte sent to the receiver's
 * receipt; per peer is the median over streams; aggregate, per workload, every delivered byte over
 * the time from its first stream's start to its last receipt, summed over workloads.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { BACKEND_PLACES, type Backend } from './backends.ts';
import type { TopoFigures } from './figures.ts';

export interface ThroughputFigures {
  streams: number;
  perPeerMBps: number;
  aggregateMBps: number;
}

/** A collective's completion on the real side next to the simulator's for the same file. */
export interface CollectiveFidelity {
  name: string;
  kind: string;
  nodes: number;
  bytes: number;
  realMs: number | null;
  simulatedMs: number | null;
  /** The bandwidth-optimal bound on the file's topology (the simulator's idealMs). */
  idealMs: number;
  /** real ÷ simulated completion time (above 1: the real run took longer); null when either did not complete. */
  timeRatio: number | null;
}

export interface FidelityLine {
  topology: string;
  /** Where the real side ran (lines written before namespaces could be measured have none: containers). */
  backend?: Backend;
  claims: string[];
  /** The real side's figures (on containers, or in namespaces: see backend). */
  containers: ThroughputFigures;
  simulator: ThroughputFigures;
  /** real ÷ simulator, per peer. */
  ratio: number;
  /** The collectives the real side played (older lines have none). */
  collectives?: CollectiveFidelity[];
  /** How links were shaped, what the containers did not play (latency, loss …: the simulator's alone), where the simulator's CPU costs came from. */
  notes: string[];
  measuredAt: string;
}

export const FIDELITY_FILE_NAME = 'fidelity.json';
/** Where `asoc-lab topo fidelity` writes by default (in its --out, reports/topo) and verify reads. */
export const DEFAULT_FIDELITY_FILE = `reports/topo/${FIDELITY_FILE_NAME}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One delivered stream: its workload, bytes, and when it started and ended (ms, any common origin). */
interface Delivered {
  workload: string;
  bytes: number;
  startMs: number;
  endMs: number;
}

function figures(streams: readonly Delivered[]): ThroughputFigures {
  const workloads = [...new Set(streams.map((s) => s.workload))].map((name) => streams.filter((s) => s.workload === name));
  const aggregate = workloads.reduce((sum, w) => {
    const span = Math.max(...w.map((s) => s.endMs)) - Math.min(...w.map((s) => s.startMs));
    return sum + (span > 0 ? w.reduce((b, s) => b + s.bytes, 0) / 1e6 / (span / 1000) : 0);
  }, 0);
  return { streams: streams.length, perPeerMBps: median(streams.map((s) => s.bytes / 1e6 / ((s.endMs - s.startMs) / 1000))), aggregateMBps: aggregate };
}

/** The calibration the simulator gets: this machine's (reports/calibration.json), else the reference report's. */
export function defaultCalibrationFile(): string | undefined {
  return ['reports/calibration.json', 'reports/reference/calibration.json'].find((file) => existsSync(file));
}

export interface SimulatedFigures extends ThroughputFigures {
  /** Where the CPU costs came from (the run's own words). */
  calibration: string;
  /** Each collective's completion and its ideal, simulated. */
  collectives: { name: string; completionMs: number | null; idealMs: number }[];
}

/** The simulator's figures for the same file (its seed; calibrated CPU costs from `calibrationFile`, see defaultCalibrationFile). */
export function simulatedFigures(scenario: Scenario, calibrationFile = defaultCalibrationFile()): SimulatedFigures {
  const notices: string[] = [];
  const { summary } = runScenario(scenario, { calibrationFile, onNotice: (text) => notices.push(text) });
  const delivered = summary.workloads.flatMap((w) => w.results.flatMap((r) => (r.outcome === 'done' && r.startedMs !== null && r.finishedMs !== null ? [{ workload: w.name, bytes: r.bytesDelivered, startMs: r.startedMs, endMs: r.finishedMs }] : [])));
  const collectives = summary.collectives.map((c) => ({ name: c.name, completionMs: c.completionMs, idealMs: c.idealMs }));
  return { ...figures(delivered), calibration: [summary.calibration ?? 'no calibrated host', ...notices].join('; '), collectives };
}

export function fidelityLine(scenario: Scenario, run: TopoFigures, simulated: SimulatedFigures, measuredAt: string, backend: Backend): FidelityLine {
  // A collective's transfers are compared as its completion time, not as streams.
  const inCollective = new Set(run.collectives.map((c) => c.name));
  const containers = figures(run.streams.filter((s) => s.error === null && !inCollective.has(s.workload)).map((s) => ({ workload: s.workload, bytes: s.bytes, startMs: s.startedAtMs, endMs: s.startedAtMs + s.ms })));
  const shaping = [...new Set(run.hosts.map((h) => h.shaping))].join('; ');
  const { calibration, collectives: simulatedCollectives, ...simulator } = simulated;
  const collectives = run.collectives.map((c): CollectiveFidelity => {
    const sim = simulatedCollectives.find((s) => s.name === c.name);
    const simulatedMs = sim?.completionMs ?? null;
    return { name: c.name, kind: c.kind, nodes: c.participants.length, bytes: c.bytes, realMs: c.completionMs, simulatedMs, idealMs: sim?.idealMs ?? 0, timeRatio: c.completionMs !== null && simulatedMs ? c.completionMs / simulatedMs : null };
  });
  return {
    topology: run.topology,
    backend,
    claims: scenario.claims,
    containers,
    simulator,
    ratio: simulator.perPeerMBps > 0 ? containers.perPeerMBps / simulator.perPeerMBps : 0,
    collectives,
    notes: [`shaping: ${shaping}`, ...run.simulatorOnly, `simulator CPU costs: ${calibration}`],
    measuredAt,
  };
}

export function fidelityText(line: FidelityLine): string {
  const f = (x: number) => x.toFixed(1);
  const place = BACKEND_PLACES[line.backend ?? 'container'];
  const seconds = (ms: number | null) => (ms === null ? 'not completed' : `${(ms / 1000).toFixed(3)} s`);
  const parts = [
    ...(line.containers.streams > 0 || (line.collectives ?? []).length === 0
      ? [`per peer ${f(line.containers.perPeerMBps)} MB/s on ${place}, ${f(line.simulator.perPeerMBps)} MB/s simulated, ratio ${line.ratio.toFixed(2)} (aggregate ${f(line.containers.aggregateMBps)} vs ${f(line.simulator.aggregateMBps)} MB/s, ${line.containers.streams} streams)`]
      : []),
    ...(line.collectives ?? []).map((c) => `${c.kind} ${c.name} of ${(c.bytes / 2 ** 20).toFixed(0)} MiB on ${c.nodes} nodes: ${seconds(c.realMs)} on ${place}, ${seconds(c.simulatedMs)} simulated, real ÷ simulated time ${c.timeRatio === null ? '-' : c.timeRatio.toFixed(2)} (bandwidth-optimal bound ${seconds(c.idealMs)})`),
  ];
  return `${line.claims.join('/') || '-'} ${line.topology}: ${parts.join('; ')}`;
}

/** Reads the fidelity file (one line per topology); empty when there is none. */
export function readFidelity(file = DEFAULT_FIDELITY_FILE): FidelityLine[] {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { lines: FidelityLine[] }).lines;
  } catch {
    return [];
  }
}

/** Adds or replaces the lines for their topologies and back-ends in the fidelity file. */
export function writeFidelity(lines: readonly FidelityLine[], file = DEFAULT_FIDELITY_FILE): void {
  const key = (l: FidelityLine) => `${l.topology} ${l.backend ?? 'container'}`;
  const kept = readFidelity(file).filter((old) => !lines.some((l) => key(l) === key(old)));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ lines: [...kept, ...lines] }, null, 2)}\n`);
}

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
}

/** The simulator's figures for the same file (its seed; calibrated CPU costs from `calibrationFile`, see defaultCalibrationFile). */
export function simulatedFigures(scenario: Scenario, calibrationFile = defaultCalibrationFile()): SimulatedFigures {
  const notices: string[] = [];
  const { summary } = runScenario(scenario, { calibrationFile, onNotice: (text) => notices.push(text) });
  const delivered = summary.workloads.flatMap((w) => w.results.flatMap((r) => (r.outcome === 'done' && r.startedMs !== null && r.finishedMs !== null ? [{ workload: w.name, bytes: r.bytesDelivered, startMs: r.startedMs, endMs: r.finishedMs }] : [])));
  return { ...figures(delivered), calibration: [summary.calibration ?? 'no calibrated host', ...notices].join('; ') };
}

export function fidelityLine(scenario: Scenario, run: TopoFigures, simulated: SimulatedFigures, measuredAt: string, backend: Backend): FidelityLine {
  const containers = figures(run.streams.filter((s) => s.error === null).map((s) => ({ workload: s.workload, bytes: s.bytes, startMs: s.startedAtMs, endMs: s.startedAtMs + s.ms })));
  const shaping = [...new Set(run.hosts.map((h) => h.shaping))].join('; ');
  const { calibration, ...simulator } = simulated;
  return {
    topology: run.topology,
    backend,
    claims: scenario.claims,
    containers,
    simulator,
    ratio: simulator.perPeerMBps > 0 ? containers.perPeerMBps / simulator.perPeerMBps : 0,
    notes: [`shaping: ${shaping}`, ...run.simulatorOnly, `simulator CPU costs: ${calibration}`],
    measuredAt,
  };
}

export function fidelityText(line: FidelityLine): string {
  const f = (x: number) => x.toFixed(1);
  return `${line.claims.join('/') || '-'} ${line.topology}: per peer ${f(line.containers.perPeerMBps)} MB/s on ${BACKEND_PLACES[line.backend ?? 'container']}, ${f(line.simulator.perPeerMBps)} MB/s simulated, ratio ${line.ratio.toFixed(2)} (aggregate ${f(line.containers.aggregateMBps)} vs ${f(line.simulator.aggregateMBps)} MB/s, ${line.containers.streams} streams)`;
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

/**
 * The simulator's fidelity: a topology's per-peer delivered throughput on real containers next to
 * the simulator's prediction for the same file, and their ratio (containers ÷ simulator). Both
 * sides use one definition: each stream's goodput from its first byte sent to the receiver's
 * receipt; per peer is the median over streams, aggregate the sum over streams running at once.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import type { TopoRunResult } from './run.ts';

export interface ThroughputFigures {
  streams: number;
  perPeerMBps: number;
  aggregateMBps: number;
}

export interface FidelityLine {
  topology: string;
  claims: string[];
  containers: ThroughputFigures;
  simulator: ThroughputFigures;
  /** containers ÷ simulator, per peer. */
  ratio: number;
  /** What the containers did not play (latency, loss …: the simulator's alone) and how links were shaped. */
  notes: string[];
  measuredAt: string;
}

export const DEFAULT_FIDELITY_FILE = 'reports/topo/fidelity.json';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function figures(goodputs: readonly number[]): ThroughputFigures {
  return { streams: goodputs.length, perPeerMBps: median(goodputs), aggregateMBps: goodputs.reduce((a, b) => a + b, 0) };
}

/** The simulator's figures for the same file (its seed; calibrated CPU costs from `calibrationFile` or reports/calibration.json). */
export function simulatedFigures(scenario: Scenario, calibrationFile?: string): ThroughputFigures {
  const { summary } = runScenario(scenario, { calibrationFile, onNotice: () => {} });
  return figures(summary.workloads.flatMap((w) => w.results.flatMap((r) => (r.outcome === 'done' && r.goodputMBps !== null ? [r.goodputMBps] : []))));
}

export function fidelityLine(scenario: Scenario, run: TopoRunResult, simulator: ThroughputFigures, measuredAt: string): FidelityLine {
  const containers = figures(run.streams.filter((s) => s.error === null).map((s) => s.mbps));
  const shaping = [...new Set(run.hosts.map((h) => h.shaping))].join('; ');
  return {
    topology: run.topology,
    claims: scenario.claims,
    containers,
    simulator,
    ratio: simulator.perPeerMBps > 0 ? containers.perPeerMBps / simulator.perPeerMBps : 0,
    notes: [`shaping: ${shaping}`, ...run.simulatorOnly],
    measuredAt,
  };
}

export function fidelityText(line: FidelityLine): string {
  const f = (x: number) => x.toFixed(1);
  return `${line.claims.join('/') || '-'} ${line.topology}: per peer ${f(line.containers.perPeerMBps)} MB/s on containers, ${f(line.simulator.perPeerMBps)} MB/s simulated, ratio ${line.ratio.toFixed(2)} (aggregate ${f(line.containers.aggregateMBps)} vs ${f(line.simulator.aggregateMBps)} MB/s, ${line.containers.streams} streams)`;
}

/** Reads the fidelity file (one line per topology); empty when there is none. */
export function readFidelity(file = DEFAULT_FIDELITY_FILE): FidelityLine[] {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { lines: FidelityLine[] }).lines;
  } catch {
    return [];
  }
}

/** Adds or replaces the lines for their topologies in the fidelity file. */
export function writeFidelity(lines: readonly FidelityLine[], file = DEFAULT_FIDELITY_FILE): void {
  const kept = readFidelity(file).filter((old) => !lines.some((l) => l.topology === old.topology));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ lines: [...kept, ...lines] }, null, 2)}\n`);
}

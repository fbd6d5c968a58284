/**
 * Claims decided in the simulator: the RFC testbed's throughput figures (P3, P4, P9), by running
 * the shipped scenarios with the real ASoc core on simulated hosts whose CPU costs were calibrated
 * on this machine. The simulator is deterministic for a seed, so what moves a figure is the
 * calibration: each scenario runs at both ends of the calibration's intervals (every cost at its
 * high end, then at its low end), and a part is decided only when both ends fall on the same side
 * of its threshold (judge()). A calibration rejected as unstable decides nothing. Beside each
 * verdict, P3 and P9 say what CPU a host needs for the claim (sim-budget.ts), next to this
 * machine's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrationAtEnd, readCalibrationFile, type CalibrationEnd, type CalibrationFile } from '../../bench/calibration-file.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { runScenario, type ScenarioSummary } from '../../scenarios/runner.ts';
import type { WorkloadResult } from '../../scenarios/workloads.ts';
import { DEFAULT_TCP_OPTIONS } from '../../sim/tcp/tcp-options.ts';
import { cpuBudget, type BudgetShape, type ClaimBudget } from './sim-budget.ts';
import { judge, verdictOf, type ClaimResult, type Figure, type Interval } from './verdict.ts';

/** 10 GbE goodput ceiling: 1460 payload bytes per 1538 on the wire (TCP/IP headers, Ethernet framing). */
export const TEN_GBE_GOODPUT_MBPS = (10e9 / 8 / 1e6) * (1460 / 1538);
/** "Saturate" taken as at least this share of the goodput ceiling. */
const SATURATED = 0.9;

const scenarioPath = (name: string) => fileURLToPath(new URL(`../../scenarios/topologies/${name}.yaml`, import.meta.url));

export interface SimClaimOptions {
  calibrationFile: string;
  /** Where the files of the calibration's two ends are written. */
  workDir: string;
  /** Every stream carries its scenario's bytes ÷ this (verify --quick: 8). Default 1. */
  bytesDivisor?: number;
  onNotice?: (text: string) => void;
  /** Before each simulation: which, and how many there are. */
  onStep?: (label: string, index: number, total: number) => void;
}

/** One end of the calibration and the three simulations run with it. */
export interface EndRun {
  end: CalibrationEnd | 'point';
  file: string;
  testbed: ScenarioSummary;
  oneWay: ScenarioSummary;
  fanout: ScenarioSummary;
}

/** Every stream of the workload delivered, in full, with the right SHA-256 at the receiver. */
function deliveredInFull(summary: ScenarioSummary, w: WorkloadResult): boolean {
  const planned = w.to.length * w.results.reduce((batches, r) => Math.max(batches, r.batch + 1), 0);
  return (
    planned > 0 &&
    w.results.length === planned &&
    w.results.every((r) => r.outcome === 'done' && r.bytesDelivered === w.bytesPerStream) &&
    summary.totals.streamsCorrupt === 0 &&
    summary.totals.streamsAborted === 0
  );
}

/** All bytes the workloads delivered over the span from the first request to the last delivery. */
function aggregateMBps(workloads: WorkloadResult[]): number {
  const results = workloads.flatMap((w) => w.results);
  const bytes = results.reduce((sum, r) => sum + r.bytesDelivered, 0);
  const start = Math.min(...results.map((r) => r.requestedMs));
  const end = Math.max(...results.map((r) => r.finishedMs ?? Infinity));
  return bytes / 1e6 / ((end - start) / 1000);
}

function workload(summary: ScenarioSummary, name: string): WorkloadResult {
  const found = summary.workloads.find((w) => w.name === name);
  if (!found) throw new Error(`scenario ${summary.scenario} has no workload ${name}`);
  return found;
}

const mbps = (n: number | null | undefined) => (n ?? 0).toFixed(0);

function describe(w: WorkloadResult): string {
  return `${w.from}→${w.to.join(',')} ${mbps(w.aggregateGoodputMBps)} MB/s (bottleneck ${w.bottleneck ?? 'n/a'}, link ${((w.utilisation?.link ?? 0) * 100).toFixed(0)} %, CPU ${((w.utilisation?.cpu ?? 0) * 100).toFixed(0)} %)`;
}

/**
 * The bottlenecks that explain a shortfall (bottleneck.ts): a saturated link, CPU or window, or
 * loss on the path; or, where the claim has a CPU budget, costs past it at that end (a host that
 * drops packets off its CPU backlog counts as 'none' in bottleneck.ts: those are not path drops).
 * A figure below its threshold with none of these was set by the simulated TCP's own dynamics, which
 * move with the smallest change of the costs (the two-way testbed fast-retransmits without a drop);
 * such a shortfall is UNDECIDED, not FAILS, since neither ASoc's measured costs nor the testbed's
 * link made it.
 */
const EXPLAINED: ReadonlySet<string> = new Set(['link', 'cpu', 'window', 'loss']);

/** What one figure of a claim is at one end: 0 when a stream was not delivered intact. */
interface FigureSpec {
  name: string;
  threshold: number;
  at(run: EndRun): number;
}

interface ClaimSpec {
  id: 'P3' | 'P4' | 'P9';
  setup: string;
  figures: FigureSpec[];
  /** What the simulation showed at one end, in a phrase. */
  observed(run: EndRun): string;
  /** The workloads the claim's simulations ran (for the bottleneck note). */
  workloads(run: EndRun): WorkloadResult[];
  /** What the claim asks of each host, for its CPU budget (none for P4, which the link decides). */
  budget?: BudgetShape;
}

/** The testbeds' frames (every workload's chunk) and TCP segments. */
const FRAME_BYTES = 1024 ** 2;
const P3_PER_PEER_MBPS = 446;
const P9_MBPS = SATURATED * TEN_GBE_GOODPUT_MBPS;
const shape = (rate: string, loads: Array<[string, number, number]>): BudgetShape => ({
  rate,
  loads: loads.map(([host, sendMBps, receiveMBps]) => ({ host, sendBytesPerSec: sendMBps * 1e6, receiveBytesPerSec: receiveMBps * 1e6 })),
  frameBytes: FRAME_BYTES,
  mss: DEFAULT_TCP_OPTIONS.mss,
});

const testbedDirections = (run: EndRun) => [workload(run.testbed, 'a-to-b'), workload(run.testbed, 'b-to-a')];
const intact = (summary: ScenarioSummary, list: WorkloadResult[]) => list.every((w) => deliveredInFull(summary, w));

const CLAIMS: readonly ClaimSpec[] = [
  {
    id: 'P3',
    setup: 'Simulated RFC testbed (2 hosts, 10 GbE, RTT ~0.14 ms, CPU calibrated on this machine), a stream each way at once',
    figures: [
      { name: 'P3 slower direction (both ways at once)', threshold: P3_PER_PEER_MBPS, at: (r) => (intact(r.testbed, testbedDirections(r)) ? Math.min(...testbedDirections(r).map((w) => w.aggregateGoodputMBps ?? 0)) : 0) },
      { name: 'P3 aggregate (both ways at once)', threshold: 2 * P3_PER_PEER_MBPS, at: (r) => (intact(r.testbed, testbedDirections(r)) ? aggregateMBps(testbedDirections(r)) : 0) },
    ],
    observed: (r) => `${testbedDirections(r).map(describe).join(', ')}${intact(r.testbed, testbedDirections(r)) ? '' : '; NOT every stream delivered intact'}`,
    workloads: testbedDirections,
    budget: shape(`${P3_PER_PEER_MBPS} MB/s each way at once`, [['a', P3_PER_PEER_MBPS, P3_PER_PEER_MBPS], ['b', P3_PER_PEER_MBPS, P3_PER_PEER_MBPS]]),
  },
  {
    id: 'P9',
    setup: `Same testbed, one direction only ("saturate" taken as ≥ ${SATURATED * 100} % of 10 GbE's goodput ceiling, ${mbps(TEN_GBE_GOODPUT_MBPS)} MB/s)`,
    figures: [{ name: 'P9 one-way goodput', threshold: P9_MBPS, at: (r) => (intact(r.oneWay, [workload(r.oneWay, 'a-to-b')]) ? (workload(r.oneWay, 'a-to-b').aggregateGoodputMBps ?? 0) : 0) }],
    observed: (r) => describe(workload(r.oneWay, 'a-to-b')),
    workloads: (r) => [workload(r.oneWay, 'a-to-b')],
    budget: shape(`${mbps(P9_MBPS)} MB/s one way`, [['a', P9_MBPS, 0], ['b', 0, P9_MBPS]]),
  },
  {
    id: 'P4',
    setup: `Simulated 8 nodes on a 10 GbE switch, one sender to the 7 others at once (the claim's own figures disagree: 7 × 100 MB/s is 700, not 803; a NIC-limited sender gives about ${mbps(TEN_GBE_GOODPUT_MBPS)})`,
    figures: [
      { name: 'P4 slowest peer', threshold: 100, at: (r) => (intact(r.fanout, [workload(r.fanout, 'fanout')]) ? (workload(r.fanout, 'fanout').goodputMBps?.min ?? 0) : 0) },
      { name: 'P4 aggregate', threshold: 803, at: (r) => (intact(r.fanout, [workload(r.fanout, 'fanout')]) ? aggregateMBps([workload(r.fanout, 'fanout')]) : 0) },
    ],
    observed: (r) => {
      const w = workload(r.fanout, 'fanout');
      return `${mbps(w.goodputMBps?.median)} MB/s per peer (min ${mbps(w.goodputMBps?.min)}), bottleneck ${w.bottleneck ?? 'n/a'}`;
    },
    workloads: (r) => [workload(r.fanout, 'fanout')],
  },
];

/**
 * A figure from its values at the calibration's ends: the interval runs from the lower to the
 * higher (normally the figure at the high-cost end to the one at the low-cost end).
 */
export function figureAtEnds(name: string, threshold: number, values: ReadonlyArray<{ end: EndRun['end']; value: number }>, method: string): Figure {
  const samples = values.map((v) => v.value);
  const interval: Interval | null = values.length > 1 ? { low: Math.min(...samples), high: Math.max(...samples), confidence: 0.95, method } : null;
  const estimate = (Math.min(...samples) + Math.max(...samples)) / 2;
  const figure: Figure = {
    name,
    unit: 'MB/s',
    estimate,
    interval,
    samples,
    statistic: values.length > 1 ? `midpoint of the figures at the ${values.map((v) => `${v.end}-cost`).join(' and ')} ends (the simulator is deterministic; only the calibration moves it)` : 'the figure at the calibration file’s costs (a file without an interval)',
    threshold: { atLeast: threshold },
  };
  return { ...figure, verdict: judge(figure, { atLeast: threshold }) };
}

const range = (f: Figure) => (f.interval && mbps(f.interval.low) !== mbps(f.interval.high) ? `${mbps(f.interval.low)}–${mbps(f.interval.high)}` : mbps(f.estimate));

function decide(spec: ClaimSpec, runs: EndRun[], budget: ClaimBudget | null, calibration: CalibrationFile): ClaimResult {
  const method = `the simulation at each end of the calibration's ${calibration.bounds ? `${calibration.bounds.confidence * 100} % intervals (${calibration.bounds.method})` : 'costs'}`;
  const cpuShare = (run: EndRun) => (budget === null ? null : run.end === 'point' ? budget.evidence.share.median : budget.evidence.share[run.end]);
  const unexplained = runs.filter((run) => spec.workloads(run).some((w) => !EXPLAINED.has(w.bottleneck ?? 'none')) && !((cpuShare(run) ?? 0) > 1));
  const figures = spec.figures.map((f) => {
    const figure = figureAtEnds(f.name, f.threshold, runs.map((run) => ({ end: run.end, value: f.at(run) })), method);
    const shortUnexplained = unexplained.some((run) => f.at(run) < f.threshold);
    return figure.verdict !== 'HOLDS' && shortUnexplained ? { ...figure, verdict: 'UNDECIDED' as const } : figure;
  });
  const verdict = verdictOf(figures.map((f) => f.verdict!));
  const unexplainedNote = verdict === 'UNDECIDED' && unexplained.some((run) => spec.figures.some((f) => f.at(run) < f.threshold))
    ? ` At the ${unexplained.map((r) => r.end).join(' and ')} end(s) the simulated transfer fell short with no resource saturated (bottleneck none): neither the link nor a calibrated cost set that figure, so it decides nothing (a FAILS needs a cause).`
    : '';
  const ends = runs.map((run) => `at the ${run.end === 'point' ? "file's" : `${run.end}-cost end`}: ${spec.observed(run)}`).join('; ');
  const against = figures.map((f, i) => `${f.name} ${range(f)} MB/s against ≥ ${mbps(spec.figures[i]!.threshold)} (${f.verdict})`).join('; ');
  const notCpu = verdict !== 'HOLDS' && budget !== null && budget.fitsAtBothEnds ? ` The CPU budget holds at both ends, so what stops the simulated transfer is not the CPU (bottleneck ${[...new Set(runs.flatMap((r) => spec.workloads(r).map((w) => w.bottleneck ?? 'n/a')))].join(', ')}).` : '';
  return {
    id: spec.id,
    verdict,
    summary: `${spec.setup}: ${ends}. ${against}.${unexplainedNote}${budget ? ` ${budget.text}` : ''}${notCpu}${calibration.bounds ? '' : ' The calibration file has no interval (it predates them): the verdict does not account for the calibration’s own spread.'}`,
    measured: `${figures.map((f, i) => `${range(f)} MB/s (≥ ${mbps(spec.figures[i]!.threshold)} needed)`).join(', ')}${budget ? `; ${budget.short}` : ''}`,
    figures,
    ...(verdict === 'UNDECIDED' ? { toDecide: toDecide(notCpu !== '') } : {}),
    evidence: {
      calibration: { source: calibration.source, bounds: calibration.bounds ?? null, stability: calibration.stability ?? null },
      ends: runs.map((run) => ({ end: run.end, calibrationFile: run.file, ...Object.fromEntries(spec.figures.map((f) => [f.name, f.at(run)])), scenarios: scenarioEvidenceFor(spec, run) })),
      ...(budget ? { cpuBudget: budget.evidence } : {}),
    },
  };
}

function toDecide(cpuNotTheLimit: boolean): string {
  const narrower = 'a narrower calibration (more rounds: asoc-lab calibrate --rounds 11, on a quieter machine), then asoc-lab verify --calibration FILE';
  return cpuNotTheLimit
    ? `The figures at the two ends of the calibration fall on both sides of a threshold although the CPU budget holds at both: the simulated transfer is limited by its own TCP dynamics, which move with small changes of the costs. ${narrower[0]!.toUpperCase()}${narrower.slice(1)} narrows the ends; the simulator's two-way transfer is what to look at.`
    : `The figures at the two ends of the calibration fall on both sides of a threshold: ${narrower} decides it.`;
}

function scenarioEvidenceFor(spec: ClaimSpec, run: EndRun) {
  const summary = spec.id === 'P3' ? run.testbed : spec.id === 'P9' ? run.oneWay : run.fanout;
  return {
    scenario: summary.scenario,
    seed: summary.seed,
    traceHash: summary.traceHash,
    virtualMs: summary.virtualMs,
    workloads: summary.workloads.map(({ results: _perStream, ...w }) => w),
    cpuUtilisation: Object.fromEntries(summary.nodes.map((n) => [n.name, n.cpuUtilisation])),
  };
}

/** Every claim UNDECIDED: the calibration was rejected as unstable. */
function undecidedByCalibration(calibration: CalibrationFile, file: string): ClaimResult[] {
  const problems = calibration.stability!.problems;
  return CLAIMS.map((spec) => ({
    id: spec.id,
    verdict: 'UNDECIDED' as const,
    summary: `${spec.setup}: not simulated. The CPU calibration (${file}) was rejected as unstable after its attempts: ${problems.join('; ')}. A verdict from it would say more about the calibration run than about ASoc.`,
    measured: 'calibration unstable: not simulated',
    toDecide: 'A stable calibration: asoc-lab calibrate on a quieter machine (or with more --attempts), then asoc-lab verify --calibration FILE.',
    evidence: { calibration: { file, source: calibration.source, stability: calibration.stability } },
  }));
}

/** The calibration's ends as files the simulator (and asoc-lab sim --calibration) reads. */
function endFiles(calibration: CalibrationFile, file: string, workDir: string): Array<{ end: EndRun['end']; file: string }> {
  if (!calibration.bounds) return [{ end: 'point', file }];
  mkdirSync(workDir, { recursive: true });
  return (['high', 'low'] as const).map((end) => {
    const path = join(workDir, `calibration-${end}.json`);
    writeFileSync(path, `${JSON.stringify(calibrationAtEnd(calibration, end), null, 2)}\n`);
    return { end, file: path };
  });
}

/** Runs a shipped scenario, optionally with only some of its workloads, every stream's bytes ÷ divisor. */
function simulate(name: string, calibrationFile: string, divisor: number, onNotice: SimClaimOptions['onNotice'], onlyWorkloads?: string[]): ScenarioSummary {
  const scenario = loadScenario(scenarioPath(name));
  const workloads = scenario.workloads.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w.name)).map((w) => ({ ...w, bytes: Math.round(w.bytes / divisor) }));
  return runScenario({ ...scenario, workloads }, { calibrationFile, onNotice }).summary;
}

/** Throws when the calibration file is missing: P3/P4/P9 are about this machine's costs, never the placeholders. */
export function decideSimulatedClaims(options: SimClaimOptions): { claims: ClaimResult[]; runs: EndRun[] } {
  const calibration = readCalibrationFileOrExplain(options.calibrationFile);
  if (calibration.stability && !calibration.stability.accepted) return { claims: undecidedByCalibration(calibration, options.calibrationFile), runs: [] };
  const divisor = options.bytesDivisor ?? 1;
  const ends = endFiles(calibration, options.calibrationFile, options.workDir);
  const total = ends.length * 3;
  let step = 0;
  const sim = (label: string, end: string, run: () => ScenarioSummary) => {
    options.onStep?.(`${label} at the ${end} end`, step++, total);
    return run();
  };
  const runs: EndRun[] = ends.map(({ end, file }) => ({
    end,
    file,
    testbed: sim('two-node-10gbe, both ways', end, () => simulate('two-node-10gbe', file, divisor, options.onNotice)),
    oneWay: sim('two-node-10gbe, one way', end, () => simulate('two-node-10gbe', file, divisor, options.onNotice, ['a-to-b'])),
    fanout: sim('eight-node-fanout', end, () => simulate('eight-node-fanout', file, divisor, options.onNotice)),
  }));
  const claims = CLAIMS.map((spec) => decide(spec, runs, spec.budget ? cpuBudget(spec.budget, calibration) : null, calibration));
  return { claims, runs };
}

function readCalibrationFileOrExplain(file: string): CalibrationFile {
  try {
    return readCalibrationFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).message?.includes('ENOENT')) throw new Error(`no calibration file at ${file}: run asoc-lab calibrate first`);
    throw err;
  }
}

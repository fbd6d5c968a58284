/**
 * The throughput report: built from the runs (summary per protocol, ratios to raw TCP in the same
 * rounds, the bench's targets), validated against bench/throughput-schema.ts, printed like iperf3's
 * final summary, written as JSON.
 */
import { formatBytes } from '../src/commands/common.ts';
import { machineInfo } from './machine.ts';
import { printTable } from './bench-cli.ts';
import { median, relativeSpread } from './stats.ts';
import { countedRuns, RUN_MODES } from './throughput-modes.ts';
import { REFERENCE_PROTOCOL, TARGETS, throughputReportSchema, type Interval, type ProtocolSummary, type ThroughputReport, type ThroughputRun } from './throughput-schema.ts';

type Config = ThroughputReport['config'];

export function buildReport(config: Config, runs: ThroughputRun[]): ThroughputReport {
  const measured = runs.filter((r) => !r.warmup);
  const counted = config.protocols.flatMap((p) => countedRuns(measured.filter((r) => r.protocol === p)));
  const ratios: ThroughputReport['ratios'] = {};
  const summary: ThroughputReport['summary'] = {};
  for (const protocol of config.protocols) {
    const ratio = pairedRatio(counted, protocol, REFERENCE_PROTOCOL);
    if (ratio !== null && protocol !== REFERENCE_PROTOCOL) ratios[`${protocol}/${REFERENCE_PROTOCOL}`] = ratio;
    const own = measured.filter((r) => r.protocol === protocol);
    summary[protocol] = summarize(
      counted.filter((r) => r.protocol === protocol),
      own.length - own.filter((r) => !r.disturbed).length,
      ratio,
    );
  }
  const allVerified = runs.every((r) => r.verified);
  const targets = TARGETS.map((t) => {
    const ratio = pairedRatio(counted, t.numerator, t.denominator);
    return { ...t, ratio, met: ratio === null ? null : ratio >= t.threshold && allVerified };
  });
  return throughputReportSchema.parse({
    kind: 'throughput',
    date: new Date().toISOString(),
    unit: 'MB/s, MB = 10^6 bytes',
    machine: machineInfo(),
    config,
    runs,
    summary,
    ratios,
    targets,
  });
}

function summarize(runs: ThroughputRun[], disturbedRuns: number, ratioToRawTcp: number | null): ProtocolSummary {
  const rates = runs.map((r) => r.MBps);
  const perGB = (side: 'client' | 'server') => median(runs.map((r) => r.cpuSeconds[side] / (r.bytes / 1e9)));
  const medianMBps = median(rates);
  return {
    medianMBps,
    minMBps: Math.min(...rates),
    maxMBps: Math.max(...rates),
    spread: medianMBps > 0 ? relativeSpread(rates) : 0,
    runs: runs.length,
    disturbedRuns,
    cpuSecondsPerGB: { client: perGB('client'), server: perGB('server') },
    ratioToRawTcp,
    modes: summarizeModes(runs),
    setupBytes: runs[0]?.setupBytes[0] ?? null,
  };
}

function summarizeModes(runs: ThroughputRun[]): ProtocolSummary['modes'] {
  const modes: ProtocolSummary['modes'] = {};
  for (const mode of RUN_MODES) {
    const rates = runs.filter((r) => r.mode === mode).map((r) => r.MBps);
    if (rates.length > 0) modes[mode] = { runs: rates.length, medianMBps: median(rates), spread: median(rates) > 0 ? relativeSpread(rates) : 0 };
  }
  return modes;
}

/** Two runs of one round can be compared: the same mode, or a mode nobody could tell. */
export const comparableRuns = (a: ThroughputRun, b: ThroughputRun): boolean => a.mode === b.mode || a.mode === 'unknown' || b.mode === 'unknown';

/** Median over rounds of a's MB/s ÷ b's MB/s in the same round and mode; null unless some round has both. */
function pairedRatio(measured: ThroughputRun[], a: string, b: string): number | null {
  const run = (protocol: string, round: number) => measured.find((r) => r.protocol === protocol && r.run === round);
  const ratios: number[] = [];
  for (const round of new Set(measured.map((r) => r.run))) {
    const x = run(a, round);
    const y = run(b, round);
    if (x && y && y.MBps > 0 && comparableRuns(x, y)) ratios.push(x.MBps / y.MBps);
  }
  return ratios.length > 0 ? median(ratios) : null;
}

/** Each protocol's runs by mode (bench/throughput-modes.ts), when the runs were not all of one. */
function printModes(report: ThroughputReport): void {
  const protocols = report.config.protocols.filter((p) => Object.keys(report.summary[p]!.modes).length > 1);
  if (protocols.length === 0) return;
  console.log('runs by mode (which CPU was the bottleneck; ratios pair only runs of the same mode):');
  printTable([
    ['protocol', 'mode', 'runs', 'median MB/s', 'spread'],
    ...protocols.flatMap((p) =>
      Object.entries(report.summary[p]!.modes).map(([mode, m]) => [p, mode, String(m.runs), m.medianMBps.toFixed(1), `${(100 * m.spread).toFixed(0)}%`]),
    ),
  ]);
}

/** One iperf3-style interval line: `[label]  0.00-1.00 s  1.05 GB  1050.3 MB/s`. */
export function formatInterval(label: string, i: Interval): string {
  const bytes = i.forwardBytes + i.reverseBytes;
  return `[${label}]  ${i.from.toFixed(2)}-${i.to.toFixed(2)} s  ${(bytes / 1e9).toFixed(3)} GB  ${i.MBps.toFixed(1)} MB/s`;
}

export function printThroughputSummary(report: ThroughputReport): void {
  const { machine: m, config: c } = report;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion} ${m.platform}/${m.arch}, kernel ${m.kernel}`);
  const placement = c.pinning ? `client on CPU ${c.pinning.client}, server on CPU ${c.pinning.server}` : 'not pinned';
  const amount = c.totalBytes !== null ? `${formatBytes(c.totalBytes)} per way per run` : `${c.durationMs! / 1000} s per run`;
  console.log(
    `loopback, ${c.direction}, ${c.parallel} session(s), ${amount} in ${formatBytes(c.chunkSize)} chunks, verify ${c.verify}, ${placement}, ` +
      `${c.runs} run(s) per protocol after ${c.warmupRuns} warm-up, alternating (MB = 10^6 bytes)`,
  );
  const rows = [
    ['protocol', 'runs', 'median MB/s', 'min', 'max', 'spread', '÷ raw-tcp', 'CPU s/GB client', 'CPU s/GB server', 'setup B c→s/s→c'],
    ...c.protocols.map((p) => {
      const s = report.summary[p]!;
      const setup = s.setupBytes ? `${s.setupBytes.clientToServer}/${s.setupBytes.serverToClient}` : '-';
      return [p, `${s.runs}${s.disturbedRuns > 0 ? ` (+${s.disturbedRuns} disturbed)` : ''}`, s.medianMBps.toFixed(1), s.minMBps.toFixed(1), s.maxMBps.toFixed(1), `${(100 * s.spread).toFixed(0)}%`, s.ratioToRawTcp?.toFixed(3) ?? '-', s.cpuSecondsPerGB.client.toFixed(3), s.cpuSecondsPerGB.server.toFixed(3), setup];
    }),
  ];
  printTable(rows);
  printModes(report);
  for (const r of report.runs.filter((run) => !run.verified)) {
    const bad = r.transfers.filter((t) => !t.verified).map((t) => `${t.way} ${t.bytes} B`);
    console.log(`NOT VERIFIED: ${r.protocol} ${r.warmup ? 'warm-up' : `run ${r.run}`}: ${bad.join(', ')} (length or SHA-256 differs from what was sent)`);
  }
  for (const t of report.targets.filter((target) => target.ratio !== null)) {
    console.log(`target ${t.name}: ratio ${t.ratio!.toFixed(3)} (median of per-round ratios): ${t.met ? 'met' : 'NOT met'}`);
  }
}

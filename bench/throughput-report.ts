/**
 * The throughput report: built from the runs (summary per protocol, ratios to raw TCP in the same
 * rounds, the issue's targets), validated against bench/throughput-schema.ts, printed like iperf3's
 * final summary, written as JSON.
 */
import { formatBytes } from '../src/commands/common.ts';
import { machineInfo } from './machine.ts';
import { printTable } from './bench-cli.ts';
import { median } from './stats.ts';
import { REFERENCE_PROTOCOL, TARGETS, throughputReportSchema, type Interval, type ProtocolSummary, type ThroughputReport, type ThroughputRun } from './throughput-schema.ts';

type Config = ThroughputReport['config'];

export function buildReport(config: Config, runs: ThroughputRun[]): ThroughputReport {
  const measured = runs.filter((r) => !r.warmup);
  const ratios: ThroughputReport['ratios'] = {};
  const summary: ThroughputReport['summary'] = {};
  for (const protocol of config.protocols) {
    const ratio = pairedRatio(measured, protocol, REFERENCE_PROTOCOL);
    if (ratio !== null && protocol !== REFERENCE_PROTOCOL) ratios[`${protocol}/${REFERENCE_PROTOCOL}`] = ratio;
    summary[protocol] = summarize(
      measured.filter((r) => r.protocol === protocol),
      ratio,
    );
  }
  const allVerified = runs.every((r) => r.verified);
  const targets = TARGETS.map((t) => {
    const ratio = pairedRatio(measured, t.numerator, t.denominator);
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

function summarize(runs: ThroughputRun[], ratioToRawTcp: number | null): ProtocolSummary {
  const rates = runs.map((r) => r.MBps);
  const perGB = (side: 'client' | 'server') => median(runs.map((r) => r.cpuSeconds[side] / (r.bytes / 1e9)));
  const medianMBps = median(rates);
  return {
    medianMBps,
    minMBps: Math.min(...rates),
    maxMBps: Math.max(...rates),
    spread: medianMBps > 0 ? (Math.max(...rates) - Math.min(...rates)) / medianMBps : 0,
    runs: runs.length,
    cpuSecondsPerGB: { client: perGB('client'), server: perGB('server') },
    ratioToRawTcp,
    setupBytes: runs[0]?.setupBytes[0] ?? null,
  };
}

/** Median over rounds of a's MB/s ÷ b's MB/s in the same round; null unless both ran in some round. */
function pairedRatio(measured: ThroughputRun[], a: string, b: string): number | null {
  const rate = (protocol: string, run: number) => measured.find((r) => r.protocol === protocol && r.run === run)?.MBps;
  const ratios: number[] = [];
  for (const run of new Set(measured.map((r) => r.run))) {
    const x = rate(a, run);
    const y = rate(b, run);
    if (x !== undefined && y !== undefined && y > 0) ratios.push(x / y);
  }
  return ratios.length > 0 ? median(ratios) : null;
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
      return [p, String(s.runs), s.medianMBps.toFixed(1), s.minMBps.toFixed(1), s.maxMBps.toFixed(1), `${(100 * s.spread).toFixed(0)}%`, s.ratioToRawTcp?.toFixed(3) ?? '-', s.cpuSecondsPerGB.client.toFixed(3), s.cpuSecondsPerGB.server.toFixed(3), setup];
    }),
  ];
  printTable(rows);
  for (const r of report.runs.filter((run) => !run.verified)) {
    const bad = r.transfers.filter((t) => !t.verified).map((t) => `${t.way} ${t.bytes} B`);
    console.log(`NOT VERIFIED: ${r.protocol} ${r.warmup ? 'warm-up' : `run ${r.run}`}: ${bad.join(', ')} (length or SHA-256 differs from what was sent)`);
  }
  for (const t of report.targets.filter((target) => target.ratio !== null)) {
    console.log(`target ${t.name}: ratio ${t.ratio!.toFixed(3)} (median of per-round ratios): ${t.met ? 'met' : 'NOT met'}`);
  }
}

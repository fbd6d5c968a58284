/**
 * The throughput report: built from the runs (summary per protocol, ratios to raw TCP in the same
 * rounds, the issue's targets), validated against bench/throughput-schema.ts, written as JSON
 * (`asoc-lab bench throughput` prints it like iperf3's final summary).
 */
import { machineInfo } from './machine.ts';
import { median } from './stats.ts';
import { REFERENCE_PROTOCOL, TARGETS, throughputReportSchema, type ProtocolSummary, type ThroughputReport, type ThroughputRun } from './throughput-schema.ts';

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

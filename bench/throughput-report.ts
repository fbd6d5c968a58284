/**
 * The throughput report: built from the runs (summary per protocol, ratios to raw TCP in the same
 * rounds, the bench's targets), validated against bench/throughput-schema.ts, written as JSON
 * (`asoc-lab bench throughput` prints it like iperf3's final summary).
 */
import { machineInfo } from './machine.ts';
import { median, relativeSpread } from './stats.ts';
import { countedRuns, RUN_MODES } from './throughput-modes.ts';
import { REFERENCE_PROTOCOL, TARGETS, throughputReportSchema, type ProtocolSummary, type ThroughputReport, type ThroughputRun } from './throughput-schema.ts';

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

/** Median over rounds of a's MB/s ÷ b's MB/s in the same round; null unless some round has both. */
function pairedRatio(measured: ThroughputRun[], a: string, b: string): number | null {
  const run = (protocol: string, round: number) => measured.find((r) => r.protocol === protocol && r.run === round);
  const ratios: number[] = [];
  for (const round of new Set(measured.map((r) => r.run))) {
    const x = run(a, round);
    const y = run(b, round);
    if (x && y && y.MBps > 0) ratios.push(x.MBps / y.MBps);
  }
  return ratios.length > 0 ? median(ratios) : null;
}

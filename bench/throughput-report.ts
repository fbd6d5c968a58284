/**
 * The throughput report: built from the runs (summary per protocol, the paired ratio, the target),
 * validated against bench/throughput-schema.ts, printed as a table, written as JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatBytes } from '../src/commands/common.ts';
import { machineInfo } from './machine.ts';
import { median } from './stats.ts';
import {
  RATIO_NAME,
  TARGET_NAME,
  TARGET_RATIO,
  throughputReportSchema,
  type Protocol,
  type ProtocolSummary,
  type ThroughputReport,
  type ThroughputRun,
} from './throughput-schema.ts';

type Config = ThroughputReport['config'];

export function buildReport(config: Config, runs: ThroughputRun[]): ThroughputReport {
  const measured = runs.filter((r) => !r.warmup);
  const summary: ThroughputReport['summary'] = {};
  for (const protocol of config.protocols) summary[protocol] = summarize(measured.filter((r) => r.protocol === protocol));
  const ratio = pairedRatio(measured, config.runs);
  const ratios: ThroughputReport['ratios'] = ratio === null ? {} : { [RATIO_NAME]: ratio };
  return throughputReportSchema.parse({
    kind: 'throughput',
    date: new Date().toISOString(),
    unit: 'MB/s, MB = 10^6 bytes',
    machine: machineInfo(),
    config,
    runs,
    summary,
    ratios,
    target: { name: TARGET_NAME, threshold: TARGET_RATIO, met: ratio === null ? null : ratio >= TARGET_RATIO && runs.every((r) => r.verified) },
  });
}

function summarize(runs: ThroughputRun[]): ProtocolSummary {
  const rates = runs.map((r) => r.MBps);
  const perGB = (side: 'sender' | 'receiver') => median(runs.map((r) => r.cpuSeconds[side] / (r.bytes / 1e9)));
  return {
    medianMBps: median(rates),
    minMBps: Math.min(...rates),
    maxMBps: Math.max(...rates),
    runs: runs.length,
    cpuSecondsPerGB: { sender: perGB('sender'), receiver: perGB('receiver') },
  };
}

/** Median over rounds 1..runs of asoc-v1 MB/s ÷ raw-tcp MB/s in the same round; null unless both ran. */
function pairedRatio(measured: ThroughputRun[], runs: number): number | null {
  const rate = (protocol: Protocol, run: number) => measured.find((r) => r.protocol === protocol && r.run === run)?.MBps;
  const ratios: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const asoc = rate('asoc-v1', run);
    const raw = rate('raw-tcp', run);
    if (asoc !== undefined && raw !== undefined && raw > 0) ratios.push(asoc / raw);
  }
  return ratios.length > 0 ? median(ratios) : null;
}

export function printThroughputSummary(report: ThroughputReport): void {
  const { machine: m, config: c } = report;
  console.log(`${m.cpuModel} ×${m.cores}, node ${m.nodeVersion} ${m.platform}/${m.arch}, kernel ${m.kernel}`);
  const placement = c.pinning ? `sender on CPU ${c.pinning.sender}, receiver on CPU ${c.pinning.receiver}` : 'not pinned';
  console.log(
    `loopback, ${formatBytes(c.totalBytes)} per run in ${formatBytes(c.chunkSize)} chunks, verify ${c.verify}, ${placement}, ` +
      `${c.runs} run(s) per protocol after ${c.warmupRuns} warm-up, alternating (MB = 10^6 bytes)`,
  );
  const rows = [
    ['protocol', 'runs', 'median MB/s', 'min MB/s', 'max MB/s', 'CPU s/GB send', 'CPU s/GB recv'],
    ...c.protocols.map((p) => {
      const s = report.summary[p]!;
      const cpu = s.cpuSecondsPerGB;
      return [p, String(s.runs), s.medianMBps.toFixed(1), s.minMBps.toFixed(1), s.maxMBps.toFixed(1), cpu.sender.toFixed(3), cpu.receiver.toFixed(3)];
    }),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  for (const row of rows) console.log(row.map((text, col) => (col === 0 ? text.padEnd(widths[col]!) : text.padStart(widths[col]!))).join('  '));
  for (const r of report.runs.filter((run) => !run.verified)) {
    console.log(`NOT VERIFIED: ${r.protocol} ${r.warmup ? 'warm-up' : `run ${r.run}`} delivered ${r.bytes} of ${c.totalBytes} bytes${c.verify === 'sha256' ? ' or a different SHA-256' : ''}`);
  }
  const ratio = report.ratios[RATIO_NAME];
  if (ratio !== undefined) {
    const verdict = report.target.met ? 'met' : 'NOT met';
    console.log(`${RATIO_NAME} (median of per-run ratios): ${ratio.toFixed(3)}; target ${report.target.name}: ${verdict}`);
  }
}

/** Writes DIR/bench-throughput-<ISO time, ':' as '-'>.json (creating DIR); returns the path. */
export async function writeThroughputReport(report: ThroughputReport, dir = 'reports'): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `bench-throughput-${report.date.replace(/:/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/**
 * CPU cost per protocol at a fixed offered rate (claim P6: "under 2 % CPU while streaming", at the
 * 446 MB/s per peer P3 implies): the latency bench's open loop with one message size, its rate set
 * from MB/s. Each message is echoed, so the link carries the offered rate both ways; CPU % is each
 * process's CPU seconds ÷ wall seconds (100 % = one logical CPU, described in the report's `cores`),
 * and CPU seconds per GB count both directions' bytes.
 *
 *   asoc-lab bench cpu [--protocols raw-tcp,asoc-v1,…] [--rate-mbps 446] [--size 1MiB] [--duration 5]
 *
 * writes reports/bench-cpu-<ISO time>.json (the latency report's shape, kind "cpu").
 */
import { formatBytes, integerFlag, parseFlags, parseSize, UsageError } from '../src/commands/common.ts';
import { BASELINE_NAMES } from '../src/baselines/index.ts';
import { protocolList, runLatencyBench, someEchoCorrupted, type LatencyBenchOptions } from './latency.ts';
import type { LatencyReport } from './latency-schema.ts';
import { benchCli, printTable } from './bench-cli.ts';

export const P3_RATE_MBPS = 446;
const P6_LIMIT_PERCENT = 2;
const DEFAULT_SIZE = 1024 * 1024;
const DEFAULT_SECONDS = 5;

export interface CpuBenchOptions {
  protocols?: string[];
  /** Offered rate one way, MB/s (10^6 B). Default 446. */
  rateMBps?: number;
  messageBytes?: number;
  maxSeconds?: number;
  pin?: boolean;
}

export function runCpuBench(options: CpuBenchOptions = {}): Promise<LatencyReport> {
  const messageBytes = options.messageBytes ?? DEFAULT_SIZE;
  const perSecond = ((options.rateMBps ?? P3_RATE_MBPS) * 1e6) / messageBytes;
  const latency: LatencyBenchOptions = {
    kind: 'cpu',
    sizes: [messageBytes],
    modes: ['open'],
    openRate: () => perSecond,
    maxSeconds: options.maxSeconds ?? DEFAULT_SECONDS,
    maxMessages: Math.ceil(perSecond * (options.maxSeconds ?? DEFAULT_SECONDS)),
    ...(options.protocols ? { protocols: options.protocols } : {}),
    ...(options.pin === undefined ? {} : { pin: options.pin }),
  };
  return runLatencyBench(latency);
}

export function printCpuSummary(report: LatencyReport): void {
  const c = report.cores;
  console.log(`one core = one logical CPU of ${c.logical}: ${c.model}${c.hypervisor ? ' (virtual CPU)' : ''}; node ${report.machine.nodeVersion}`);
  const rows = [
    ['protocol', 'message', 'offered MB/s', 'achieved MB/s', 'client %', 'server %', 'CPU s/GB', `P6 (< ${P6_LIMIT_PERCENT} % per process)`],
    ...report.runs.map((r) => {
      const MBps = (perSecond: number) => ((perSecond * r.messageBytes) / 1e6).toFixed(0);
      const worst = Math.max(r.cpu.clientPercent, r.cpu.serverPercent);
      return [
        r.intact ? r.protocol : `${r.protocol} (CORRUPT)`,
        formatBytes(r.messageBytes),
        MBps(r.offeredPerSecond ?? 0),
        `${MBps(r.achievedPerSecond)}${r.saturated ? ' SAT' : ''}`,
        r.cpu.clientPercent.toFixed(1),
        r.cpu.serverPercent.toFixed(1),
        r.cpu.secondsPerGB.toFixed(2),
        worst < P6_LIMIT_PERCENT ? 'holds' : `fails (${worst.toFixed(0)} %)`,
      ];
    }),
  ];
  printTable(rows);
}

const help = `Usage: asoc-lab bench cpu [options]

CPU % of client and server, and CPU seconds per GB, at a fixed offered rate (echoed messages, so
both directions carry it). Writes reports/bench-cpu-<time>.json.
  --protocols LIST  comma-separated (default all): ${BASELINE_NAMES.join(', ')}
  --rate-mbps N     offered rate one way in MB/s (default ${P3_RATE_MBPS}, P3's per-peer figure)
  --size SIZE       message size (default 1MiB)
  --duration S      seconds per protocol (default ${DEFAULT_SECONDS})
  --no-pin          do not put client and server on two CPUs
  --out DIR         report directory (default reports)`;

export function parseCpuArgs(argv: string[]): (CpuBenchOptions & { out?: string }) | undefined {
  const { values } = parseFlags(
    argv,
    { protocols: { type: 'string' }, 'rate-mbps': { type: 'string' }, size: { type: 'string' }, duration: { type: 'string' }, 'no-pin': { type: 'boolean' }, out: { type: 'string' } },
    help,
  );
  if (values.help) {
    console.log(help);
    return undefined;
  }
  const size = values.size === undefined ? DEFAULT_SIZE : parseSize(values.size);
  if (!Number.isSafeInteger(size) || size < 1) throw new UsageError(`--size: a size like 64KiB or 1MiB, got "${values.size}"`);
  const protocols = protocolList(values.protocols);
  return {
    ...(protocols ? { protocols } : {}),
    rateMBps: integerFlag('rate-mbps', values['rate-mbps'], P3_RATE_MBPS, 1),
    messageBytes: size,
    maxSeconds: integerFlag('duration', values.duration, DEFAULT_SECONDS, 1),
    pin: !values['no-pin'],
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runCpuCli = benchCli({ name: 'cpu', parse: parseCpuArgs, run: runCpuBench, print: printCpuSummary, failed: someEchoCorrupted });

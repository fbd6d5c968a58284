/** `asoc-lab bench cpu`: its flags and its summary table (the measuring is bench/cpu.ts). */
import { CPU_DEFAULTS, measuredRuns, P3_RATE_MBPS, runCpuBench, type CpuBenchOptions } from '../../../bench/cpu.ts';
import type { CpuReport } from '../../../bench/cpu-schema.ts';
import { median } from '../../../bench/stats.ts';
import { formatBytes, parseByteSize } from '../../../bench/units.ts';
import { BASELINE_NAMES } from '../../../src/baselines/index.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';
import { protocolList } from './latency.ts';

export function printCpuSummary(report: CpuReport): void {
  const { cores: c, config } = report;
  console.log(`one core = one logical CPU of ${c.logical}: ${c.model}${c.hypervisor ? ' (virtual CPU)' : ''}; node ${report.machine.nodeVersion}`);
  console.log(`paced one way at ${config.rateMBps} MB/s, ${formatBytes(config.chunkBytes)} chunks, ${config.seconds} s per run, ${config.rounds} round(s) after ${config.warmupRounds} warm-up; medians over rounds:`);
  const m = (values: number[], digits: number) => median(values).toFixed(digits);
  const rows = [
    ['protocol', 'rounds', 'delivered MB/s', 'sender %', 'receiver %', 'CPU s/GB', 'max lag ms'],
    ...config.protocols.map((protocol) => {
      const runs = measuredRuns(report, protocol);
      return [protocol, String(runs.length), m(runs.map((r) => r.deliveredMBps), 0), m(runs.map((r) => r.cpu.clientPercent), 1), m(runs.map((r) => r.cpu.serverPercent), 1), m(runs.map((r) => r.cpu.secondsPerGB), 2), m(runs.map((r) => r.maxLagMs), 1)];
    }),
  ];
  printTable(rows);
}

const help = `Usage: asoc-lab bench cpu [options]

CPU % of the sending and the receiving process while one transfer streams one way at a fixed
rate (open loop: chunks leave on a schedule; every byte is counted at the receiver), raw TCP paced
the same way in every round. Claim P6 is "under 2 % CPU while streaming" at P3's 446 MB/s.
Writes reports/bench-cpu-<time>.json.
  --protocols LIST  comma-separated, besides raw-tcp (default ${CPU_DEFAULTS.protocols.join(',')}):
                    ${BASELINE_NAMES.join(', ')}
  --rate-mbps N     offered rate in MB/s, MB = 10^6 B (default ${P3_RATE_MBPS})
  --chunk SIZE      bytes per chunk handed to the protocol (default 1MiB)
  --duration S      the paced interval of each run, seconds (default ${CPU_DEFAULTS.seconds})
  --rounds N        measured rounds, protocols interleaved in each (default ${CPU_DEFAULTS.rounds})
  --no-pin          do not put sender and receiver on two CPUs
  --out DIR         report directory (default reports)`;

export function parseCpuArgs(argv: string[]): (CpuBenchOptions & { out?: string }) | undefined {
  const { values } = parseFlags(
    argv,
    { protocols: { type: 'string' }, 'rate-mbps': { type: 'string' }, chunk: { type: 'string' }, duration: { type: 'string' }, rounds: { type: 'string' }, 'no-pin': { type: 'boolean' }, out: { type: 'string' } },
  );
  if (values.help) {
    console.log(help);
    return undefined;
  }
  const chunk = values.chunk === undefined ? CPU_DEFAULTS.chunkBytes : parseByteSize(values.chunk);
  if (!Number.isSafeInteger(chunk) || chunk < 1) throw new UsageError(`--chunk: a size like 64KiB or 1MiB, got "${values.chunk}"`);
  const protocols = protocolList(values.protocols);
  return {
    ...(protocols ? { protocols } : {}),
    rateMBps: integerFlag('rate-mbps', values['rate-mbps'], P3_RATE_MBPS, 1),
    chunkBytes: chunk,
    seconds: integerFlag('duration', values.duration, CPU_DEFAULTS.seconds, 1),
    rounds: integerFlag('rounds', values.rounds, CPU_DEFAULTS.rounds, 1),
    pin: !values['no-pin'],
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runCpuCli = benchCli({ name: 'cpu', parse: parseCpuArgs, run: runCpuBench, print: printCpuSummary });

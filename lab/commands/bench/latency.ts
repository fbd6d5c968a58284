/** `asoc-lab bench latency`: its flags and its summary table (the measuring is bench/latency.ts). */
import { DEFAULT_OPEN_RATE, LATENCY_DEFAULTS, runLatencyBench, type LatencyBenchOptions, type LatencyMode } from '../../../bench/latency.ts';
import { LATENCY_MODES, type LatencyReport } from '../../../bench/latency-schema.ts';
import { formatBytes, parseByteSize } from '../../../bench/units.ts';
import { BASELINE_NAMES } from '../../../src/baselines/index.ts';
import { integerFlag, parseFlags, UsageError } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';

const us = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v.toFixed(0)} µs`);

export function printLatencySummary(report: LatencyReport): void {
  const m = report.machine;
  console.log(`${report.cores.model} ×${report.cores.logical}${report.cores.hypervisor ? ' (virtual)' : ''}, node ${m.nodeVersion}; pinning: ${report.config.pinning ? `client CPU ${report.config.pinning.client}, server CPU ${report.config.pinning.server}` : 'none'}`);
  const rows = [
    ['protocol', 'round', 'size', 'mode', 'msgs', 'p50', 'p90', 'p99', 'p99.9', 'max', '×raw p50', 'cpu cli/srv %', 'cpu s/GB'],
    ...report.runs.map((r) => {
      const ratio = report.ratios.find((x) => x.protocol === r.protocol && x.messageBytes === r.messageBytes && x.mode === r.mode && x.round === r.round);
      const mode = r.mode === 'open' ? `open@${r.offeredPerSecond}/s${r.saturated ? ' SAT' : ''}` : 'closed';
      return [
        r.intact ? r.protocol : `${r.protocol} (CORRUPT)`,
        String(r.round),
        formatBytes(r.messageBytes),
        mode,
        String(r.messages),
        us(r.latencyUs.p50),
        us(r.latencyUs.p90),
        us(r.latencyUs.p99),
        us(r.latencyUs.p999),
        us(r.latencyUs.max),
        ratio ? ratio.p50.toFixed(2) : '-',
        `${r.cpu.clientPercent.toFixed(0)}/${r.cpu.serverPercent.toFixed(0)}`,
        r.cpu.secondsPerGB.toFixed(2),
      ];
    }),
  ];
  printTable(rows);
  if (report.target) console.log(`target: ${report.target.name}: measured ${report.target.measured.toFixed(2)}× (median over rounds) — ${report.target.met ? 'met' : 'MISSED'}`);
}

export function sizeList(flag: string, text: string): number[] {
  const sizes = text.split(',').map((s) => parseByteSize(s));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new UsageError(`--${flag}: sizes like 1KiB,64KiB,1MiB, got "${text}"`);
  return sizes;
}

export function protocolList(text: string | undefined): string[] | undefined {
  const names = text?.split(',').map((p) => p.trim());
  for (const name of names ?? []) if (!BASELINE_NAMES.includes(name)) throw new UsageError(`unknown protocol "${name}" (expected: ${BASELINE_NAMES.join(', ')})`);
  return names;
}

const help = `Usage: asoc-lab bench latency [options]

Echo latency per protocol and message size, raw TCP in the same run; HDR percentiles and CPU time.
Writes reports/bench-latency-<time>.json.
  --protocols LIST  comma-separated (default all): ${BASELINE_NAMES.join(', ')}
  --sizes LIST      message sizes (default 1KiB,64KiB,1MiB)
  --mode LIST       closed (ping-pong), open (fixed offered rate) or both (default closed,open)
  --rate N          open loop: messages per second (default ${DEFAULT_OPEN_RATE})
  --messages N      per run: at most N messages (default ${LATENCY_DEFAULTS.maxMessages})
  --duration S      per run: at most S seconds (default ${LATENCY_DEFAULTS.maxSeconds})
  --rounds N        rounds of every size and protocol, interleaved (default ${LATENCY_DEFAULTS.rounds})
  --warmup-rounds N rounds run first and not recorded (default ${LATENCY_DEFAULTS.warmupRounds})
  --no-pin          do not put client and server on two CPUs
  --out DIR         report directory (default reports)`;

export interface LatencyCliOptions extends LatencyBenchOptions {
  out?: string;
}

export function parseLatencyArgs(argv: string[]): LatencyCliOptions | undefined {
  const { values } = parseFlags(
    argv,
    {
      protocols: { type: 'string' },
      sizes: { type: 'string' },
      mode: { type: 'string' },
      rate: { type: 'string' },
      messages: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      'warmup-rounds': { type: 'string' },
      'no-pin': { type: 'boolean' },
      out: { type: 'string' },
    },
  );
  if (values.help) {
    console.log(help);
    return undefined;
  }
  const modes = values.mode?.split(',').map((m) => m.trim());
  if (modes?.some((m) => !(LATENCY_MODES as readonly string[]).includes(m))) throw new UsageError(`--mode: closed and/or open, got "${values.mode}"`);
  const rate = integerFlag('rate', values.rate, DEFAULT_OPEN_RATE, 1);
  const protocols = protocolList(values.protocols);
  return {
    ...(protocols ? { protocols } : {}),
    ...(values.sizes ? { sizes: sizeList('sizes', values.sizes) } : {}),
    ...(modes ? { modes: modes as LatencyMode[] } : {}),
    openRate: () => rate,
    maxMessages: integerFlag('messages', values.messages, LATENCY_DEFAULTS.maxMessages, 1),
    maxSeconds: integerFlag('duration', values.duration, LATENCY_DEFAULTS.maxSeconds, 1),
    rounds: integerFlag('rounds', values.rounds, LATENCY_DEFAULTS.rounds, 1),
    warmupRounds: integerFlag('warmup-rounds', values['warmup-rounds'], LATENCY_DEFAULTS.warmupRounds, 0),
    pin: !values['no-pin'],
    ...(values.out ? { out: values.out } : {}),
  };
}

/** A corrupted echo in any run: exit status 1. */
export const someEchoCorrupted = (report: LatencyReport): boolean => report.runs.some((r) => !r.intact);

export const runLatencyCli = benchCli({ name: 'latency', parse: parseLatencyArgs, run: runLatencyBench, print: printLatencySummary, failed: someEchoCorrupted });

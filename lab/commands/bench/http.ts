/** `asoc-lab bench http`: its flags and its summary table (the measuring is bench/http.ts). */
import { HTTP_DEFAULTS, runHttpBench, type HttpBenchOptions, type HttpReport } from '../../../bench/http.ts';
import { formatBytes } from '../../../bench/units.ts';
import { integerFlag, parseFlags } from '../common.ts';
import { benchCli, printTable } from './bench-cli.ts';
import { sizeList } from './latency.ts';

export function printHttpSummary(report: HttpReport): void {
  console.log(`${report.cores.model} ×${report.cores.logical}, node ${report.machine.nodeVersion}; ${report.config.tool}`);
  const rows = [
    ['chunk', 'conns', 'requests', 'req/s', 'MB/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'server CPU %', 'bytes'],
    ...report.runs.map((r) => [
      formatBytes(r.chunkBytes),
      String(r.connections),
      String(r.ok),
      r.requestsPerSecond.mean.toFixed(0),
      r.bodyMBps.toFixed(1),
      r.latencyMs.p50.toFixed(2),
      r.latencyMs.p90.toFixed(2),
      r.latencyMs.p99.toFixed(2),
      r.latencyMs.p999.toFixed(2),
      r.latencyMs.max.toFixed(2),
      String(r.errors + r.non2xx + r.timeouts),
      r.serverCpuPercent.toFixed(0),
      r.intact ? 'intact' : 'MISMATCH',
    ]),
  ];
  printTable(rows, 0);
}

const help = `Usage: asoc-lab bench http [options]

HTTP/1.1 request rate (autocannon) against the http1 baseline's server: one POST per chunk.
Writes reports/bench-http-<time>.json.
  --sizes LIST       chunk (request body) sizes (default 1KiB,64KiB,1MiB)
  --connections N    keep-alive connections (default ${HTTP_DEFAULTS.connections})
  --duration S       per size: at most S seconds (default ${HTTP_DEFAULTS.maxSeconds})
  --requests N       per size: at most N requests (default ${HTTP_DEFAULTS.maxRequests})
  --no-pin           do not put autocannon and the server on two CPUs
  --out DIR          report directory (default reports)`;

export function parseHttpArgs(argv: string[]): (HttpBenchOptions & { out?: string }) | undefined {
  const { values } = parseFlags(
    argv,
    { sizes: { type: 'string' }, connections: { type: 'string' }, duration: { type: 'string' }, requests: { type: 'string' }, 'no-pin': { type: 'boolean' }, out: { type: 'string' } },
  );
  if (values.help) {
    console.log(help);
    return undefined;
  }
  return {
    ...(values.sizes ? { sizes: sizeList('sizes', values.sizes) } : {}),
    connections: integerFlag('connections', values.connections, HTTP_DEFAULTS.connections, 1),
    maxSeconds: integerFlag('duration', values.duration, HTTP_DEFAULTS.maxSeconds, 1),
    maxRequests: integerFlag('requests', values.requests, HTTP_DEFAULTS.maxRequests, 1),
    pin: !values['no-pin'],
    ...(values.out ? { out: values.out } : {}),
  };
}

export const runHttpCli = benchCli({ name: 'http', parse: parseHttpArgs, run: runHttpBench, print: printHttpSummary, failed: (report) => report.runs.some((r) => !r.intact) });

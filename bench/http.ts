/**
 * HTTP/1.1 request rate with autocannon: POST /transfer of one chunk per request against the http1
 * baseline's server (src/baselines/http1.ts) in sink role, in a child process on its own CPU where it
 * can be pinned (autocannon runs here). Per chunk size: requests/s, latency percentiles and body
 * MB/s as autocannon measures them, and the bytes the server's sink counted (every 2xx body arrived).
 *
 *   asoc-lab bench http [--sizes 1KiB,64KiB,1MiB] [--connections 1] [--duration 5] [--requests 100000]
 *
 * writes reports/bench-http-<ISO time>.json and prints a table.
 */
import autocannon from 'autocannon';
import { z } from 'zod';
import { runSecrets } from '../src/baselines/index.ts';
import { LOOPBACK } from '../src/baselines/types.ts';
import { choosePinning, pinSelf } from './cpu-pinning.ts';
import { withDeadline } from './deadline.ts';
import { EchoServerProcess } from './echo-server.ts';
import { coreDescription, machineInfo, machineSchema } from './machine.ts';
import { progressBar, showsProgress } from './progress.ts';
import { formatBytes } from './units.ts';

const msPercentiles = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), p999: z.number(), max: z.number(), mean: z.number() });

export const httpRunSchema = z.object({
  chunkBytes: z.number().int().positive(),
  connections: z.number().int().positive(),
  seconds: z.number().positive(),
  /** 2xx responses, and everything else autocannon counted as a failure. */
  ok: z.number().int().nonnegative(),
  non2xx: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  /** Requests per second: autocannon's per-second samples. */
  requestsPerSecond: z.object({ mean: z.number().nonnegative(), p50: z.number().nonnegative(), min: z.number().nonnegative(), max: z.number().nonnegative() }),
  /** Request → response, ms (autocannon's latency histogram, whole milliseconds: µs figures are the latency bench's, http1 echo). */
  latencyMs: msPercentiles,
  /** Request bodies delivered, MB/s (10^6 B): 2xx × chunk ÷ seconds. */
  bodyMBps: z.number().nonnegative(),
  /** Body bytes the server's sink counted, and whether they match the 2xx responses (± requests still in flight at the end). */
  serverReceivedBytes: z.number().int().nonnegative(),
  intact: z.boolean(),
  /** Errors the server saw (a request cut off when autocannon stops shows up here as a reset). */
  serverErrors: z.array(z.string()),
  serverCpuPercent: z.number().nonnegative(),
});
export type HttpRun = z.infer<typeof httpRunSchema>;

export const httpReportSchema = z.object({
  kind: z.literal('http'),
  date: z.iso.datetime(),
  machine: machineSchema,
  cores: z.object({ model: z.string(), logical: z.number().int().positive(), hypervisor: z.boolean().nullable() }),
  config: z.object({
    sizes: z.array(z.number().int().positive()).min(1),
    connections: z.number().int().positive(),
    maxSeconds: z.number().positive(),
    maxRequests: z.number().int().positive(),
    pinning: z.object({ client: z.number().int(), server: z.number().int() }).nullable(),
    tool: z.string(),
  }),
  runs: z.array(httpRunSchema).min(1),
});
export type HttpReport = z.infer<typeof httpReportSchema>;

export interface HttpBenchOptions {
  sizes?: number[];
  /** Concurrent keep-alive connections autocannon opens. Default 1 (the http1 baseline's shape). */
  connections?: number;
  /** Per size: at most this long, s (autocannon stops on its next whole-second tick)… Default 5. */
  maxSeconds?: number;
  /** …and at most this many requests. Default 100,000. */
  maxRequests?: number;
  pin?: boolean;
}

export const HTTP_DEFAULTS = { sizes: [1024, 64 * 1024, 1024 * 1024], connections: 1, maxSeconds: 5, maxRequests: 100_000, pin: true };
const RUN_GRACE_MS = 30_000;

/**
 * autocannon for at most `amount` requests and `seconds`: given an amount it ignores its own duration,
 * so a timer stops it (autocannon acts on stop() at its next once-a-second tick).
 */
function runAutocannon(options: autocannon.Options, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const instance = autocannon(options, (err, result) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(result);
    });
    timer = setTimeout(() => instance.stop(), seconds * 1000);
  });
}

async function measureSize(chunkBytes: number, config: typeof HTTP_DEFAULTS, cpu: number | null): Promise<HttpRun> {
  const { server, port } = await EchoServerProcess.start('http1', runSecrets(), cpu, 'sink');
  try {
    const before = await server.cpu();
    const body = Buffer.alloc(chunkBytes, 0x68);
    const target = { url: `http://${LOOPBACK}:${port}/transfer`, method: 'POST' as const, body, headers: { 'content-type': 'application/octet-stream' } };
    const work = runAutocannon({ ...target, connections: config.connections, amount: config.maxRequests }, config.maxSeconds);
    const result = await withDeadline(work, config.maxSeconds * 1000 + RUN_GRACE_MS, `autocannon at ${chunkBytes} B did not finish`, () => {});
    const after = await server.cpu();
    const seconds = result.duration;
    const ok = result['2xx'];
    const received = after.received.bytes - before.received.bytes;
    return {
      chunkBytes,
      connections: config.connections,
      seconds,
      ok,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      requestsPerSecond: { mean: result.requests.mean, p50: result.requests.p50, min: result.requests.min, max: result.requests.max },
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, p999: result.latency.p99_9, max: result.latency.max, mean: result.latency.mean },
      bodyMBps: (ok * chunkBytes) / 1e6 / seconds,
      serverReceivedBytes: received,
      // Requests cut off when autocannon stopped may have delivered their body without a counted response.
      intact: received >= ok * chunkBytes && received <= (ok + config.connections) * chunkBytes,
      serverErrors: after.errors,
      serverCpuPercent: (100 * (after.cpuUs - before.cpuUs)) / 1e6 / seconds,
    };
  } finally {
    await server.stop();
  }
}

export async function runHttpBench(options: HttpBenchOptions = {}): Promise<HttpReport> {
  const config = { ...HTTP_DEFAULTS, ...options };
  const pinning = config.pin ? choosePinning() : null;
  const unpin = pinning ? pinSelf(pinning.sender) : () => {};
  const bar = showsProgress() ? progressBar() : undefined;
  const runs: HttpRun[] = [];
  try {
    for (const [i, size] of config.sizes.entries()) {
      bar?.update(i, config.sizes.length, `http1 ${formatBytes(size)} × ${config.connections} connection(s)`);
      runs.push(await measureSize(size, config, pinning?.receiver ?? null));
    }
  } finally {
    unpin();
    bar?.stop();
  }
  return {
    kind: 'http',
    date: new Date().toISOString(),
    machine: machineInfo(),
    cores: coreDescription(),
    config: {
      sizes: config.sizes,
      connections: config.connections,
      maxSeconds: config.maxSeconds,
      maxRequests: config.maxRequests,
      pinning: pinning ? { client: pinning.sender, server: pinning.receiver } : null,
      tool: 'autocannon (in this process), POST /transfer with a chunk-sized body, keep-alive, no pipelining',
    },
    runs,
  };
}

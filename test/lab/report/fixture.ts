/**
 * A small verdict report for the report tests: four claims (one with a quoted source and a figure
 * with a tolerance), and measurements whose data holds what every plot reads — two throughput runs,
 * a latency run, a handshake bench, a goodput sweep and the challenge-birthday scenario. Each call
 * returns a fresh copy, so a test may change it.
 */
import { validateReport, type VerdictReport } from '../../../lab/report/schema.ts';

const noise = { stealFraction: 0.01, busyFraction: 0.4, loadAverage: { start: 0.5, end: 1.2 }, cpus: 2, seconds: 30 };

const throughput = (chunkSize: number, runs: number, summary: Record<string, number>) => ({
  kind: 'throughput',
  config: { chunkSize, runs },
  summary: Object.fromEntries(Object.entries(summary).map(([protocol, MBps]) => [protocol, { medianMBps: MBps, minMBps: MBps * 0.9, maxMBps: MBps * 1.1, runs }])),
});

const latencyRun = (protocol: string, messageBytes: number, mode: string, p50: number) => ({
  protocol,
  messageBytes,
  mode,
  messages: 500,
  intact: true,
  latencyUs: { min: p50 / 2, p50, p90: p50 * 1.5, p99: p50 * 3, p999: p50 * 5, max: p50 * 8, mean: p50 * 1.1 },
});

const sweepPoints = [0, 0.01].flatMap((loss) => [1, 50].flatMap((rttMs) => [1, 2, 3].map((seed) => ({ loss, rttMs, seed, goodputMBps: (100 / rttMs) * (loss ? 0.2 : 1) * (1 + seed / 100), bottleneck: loss ? 'loss' : 'window', virtualMs: 1000, traceHash: `h${seed}` }))));

export function fixtureReport(): VerdictReport {
  return validateReport(
    structuredClone({
      kind: 'asoc-lab-report',
      version: 1,
      generatedAt: '2025-06-01T12:30:05.000Z',
      mode: 'quick',
      machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 8, platform: 'linux-x64', kernel: '6.1', virtual: true },
      versions: { node: 'v20.0.0', package: '0.1.0', gitCommit: '0123456789abcdef0123456789abcdef01234567', gitDirty: false },
      seeds: { 'threat scenarios: challenge-birthday': 1 },
      noise: { run: noise, steps: [{ name: 'throughput', title: 'loopback throughput', seconds: 30, noise }] },
      skippedSteps: [],
      claims: [
        {
          id: 'P1',
          text: 'Handshake is 52 bytes',
          source: 'seed 000, RFC-0001 §7',
          quoted: '52-byte handshake',
          verdict: 'HOLDS',
          summary: 'HELLO+ACCEPT payloads are 52 B.',
          measured: '52 B (exact)',
          figures: [{ name: 'HELLO + ACCEPT payloads', unit: 'B', estimate: 52, interval: null, samples: [52], threshold: { atMost: 52 }, verdict: 'HOLDS' }],
          evidence: { rule: 'codec payloads' },
        },
        {
          id: 'P7',
          text: '10× faster than gRPC',
          verdict: 'HOLDS',
          summary: 'ASoc v1 streams at 0.93 of raw TCP.',
          figures: [
            { name: 'asoc-v1 ÷ raw-tcp, 1 MiB chunks', unit: 'ratio', estimate: 0.93, interval: { low: 0.91, high: 0.95, confidence: 0.95, method: 'percentile bootstrap of the median of 5 samples, 4000 resamples' }, samples: [0.9, 0.92, 0.93, 0.94, 0.95], threshold: { atLeast: 0.9 }, verdict: 'HOLDS', tolerance: 0.1 },
          ],
          evidence: {},
        },
        { id: 'S2', text: 'Replay is prevented', verdict: 'FAILS', summary: 'A replayed HELLO was <accepted> & answered.', evidence: { scenarios: ['hello-replay'] } },
        { id: 'D1', text: 'Subduction handshake', verdict: 'PENDING', summary: 'Not decided in this run: needs a Subduction-style comparison protocol.', evidence: {} },
      ],
      measurements: [
        { name: 'loopback throughput', summary: 'ASoc v1 at 0.93 of raw TCP.', data: throughput(1048576, 5, { 'raw-tcp': 3000, 'asoc-v1': 2790 }) },
        {
          name: 'benchmarks',
          summary: 'short benches',
          data: {
            throughput: throughput(1048576, 2, { 'raw-tcp': 2500, 'asoc-v1': 2000, 'grpc-stream': 400 }),
            latency: { kind: 'latency', runs: [latencyRun('raw-tcp', 1024, 'closed', 30), latencyRun('asoc-v1', 1024, 'closed', 40), latencyRun('asoc-v1', 1024, 'open', 99), latencyRun('asoc-v1', 1048576, 'closed', 900)] },
            handshake: {
              kind: 'handshake',
              protocols: [
                { name: 'asoc-v1', samples: [{}, {}], applicationBytes: 80, wireBytes: 400 },
                { name: 'jwt-hs256', samples: [{}], applicationBytes: 600, wireBytes: null },
              ],
            },
          },
        },
        {
          name: 'simulated goodput against loss and RTT',
          summary: 'sweep',
          figures: [{ name: 'goodput at 0 % loss, RTT 1 ms', unit: 'MB/s', estimate: 102, interval: { low: 101, high: 103, confidence: 0.95, method: 'test' }, samples: [101, 102, 103] }],
          seeds: { 'each loss × RTT point': '1, 2, 3' },
          data: { kind: 'goodput-sweep', topology: 'two-node-10gbe', bytes: 16 * 2 ** 20, chunkBytes: 2 ** 20, calibration: 'test', points: sweepPoints, wallMs: 1 },
        },
        {
          name: 'threat scenarios',
          summary: 'scenarios',
          data: [
            {
              scenario: 'challenge-birthday',
              attack: { kind: 'challenge-birthday', description: '', params: { nodes: 1000, intervalMs: 3000 } },
              runs: [
                { profile: 'asoc-v1', figures: { profileAnalyticHours: 0.35, profileMeasuredHoursToFirstRejection: 0.33, holdsFromHours: 24 } },
                { profile: 'asoc-hardened', figures: { profileAnalyticHours: 5000, profileMeasuredHoursToFirstRejectionLowerBound: 1, holdsFromHours: 24 } },
              ],
            },
          ],
        },
      ],
    }),
    'the test fixture',
  );
}

/** The fixture without any measurement: every plot lacks its data. */
export function reportWithoutMeasurements(): VerdictReport {
  return { ...fixtureReport(), measurements: [] };
}

/**
 * Goodput against loss and RTT: the RFC testbed's two hosts (scenarios/topologies/two-node-10gbe.yaml,
 * 10 GbE, CPU from the calibration file) with one stream a → b, run at every loss rate × RTT of a
 * grid, once per seed. Each point changes only the link: one-way latency RTT/2 without jitter, and
 * the loss probability on each direction (so data and ACKs both suffer). Deterministic per seed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CALIBRATION_FILE } from '../bench/calibration-file.ts';
import { loadScenario } from './load.ts';
import { runScenario } from './runner.ts';
import type { Scenario } from './schema.ts';
import type { Bottleneck } from './bottleneck.ts';

export const SWEEP_TOPOLOGY = 'two-node-10gbe';
const TOPOLOGY_FILE = fileURLToPath(new URL(`topologies/${SWEEP_TOPOLOGY}.yaml`, import.meta.url));
/** Virtual-time cap per point: a 64 MiB stream at 3 % loss and 100 ms RTT needs well under this. */
const POINT_MAX_MS = 30 * 60_000;

/** A loss probability as the report writes it: 0.001 → "0.1 %". */
export const formatLoss = (loss: number) => `${Number((loss * 100).toPrecision(3))} %`;

export interface SweepSettings {
  /** Packet loss probabilities, each direction, e.g. [0, 0.001, 0.01]. */
  lossRates: readonly number[];
  /** Round-trip times, ms. */
  rttsMs: readonly number[];
  seeds: readonly number[];
  /** Bytes of the one stream a → b. */
  bytes: number;
  /** Where the hosts' CPU costs come from (absent: the simulator's default file, else its placeholders, with a notice). */
  calibrationFile?: string;
  onNotice?: (text: string) => void;
  /** After each point: how many of how many are done. */
  onPoint?: (done: number, total: number) => void;
}

export interface SweepPoint {
  loss: number;
  rttMs: number;
  seed: number;
  /** Delivered bytes over virtual time from request to delivery, MB/s; null when not delivered in full. */
  goodputMBps: number | null;
  bottleneck: Bottleneck | null;
  virtualMs: number;
  traceHash: string;
}

export interface SweepResult {
  kind: 'goodput-sweep';
  topology: string;
  bytes: number;
  chunkBytes: number;
  /** The calibration file the hosts' CPU costs came from; null: the simulator's placeholder costs. */
  calibrationFile: string | null;
  /** Where the CPU costs came from, as the runner describes it. */
  calibration: string | null;
  points: SweepPoint[];
  wallMs: number;
}

/** The testbed with one a → b stream of `bytes` and the link set to `loss` and `rttMs`. */
export function sweepScenario(base: Scenario, loss: number, rttMs: number, bytes: number): Scenario {
  const [link, ...others] = base.topology.links;
  const [stream] = base.workloads;
  if (link === undefined || others.length > 0 || stream === undefined) throw new Error(`${SWEEP_TOPOLOGY}: the sweep expects one link and a first workload, found ${base.topology.links.length} link(s) and ${base.workloads.length} workload(s)`);
  return {
    ...base,
    name: `${base.name}-loss-${loss}-rtt-${rttMs}`,
    description: `${base.description}; swept: loss ${loss}, RTT ${rttMs} ms, one ${bytes}-byte stream ${stream.from} → ${String(stream.to)}`,
    stop: { ...base.stop, maxMs: POINT_MAX_MS },
    topology: { ...base.topology, links: [{ ...link, latencyMs: rttMs / 2, jitterMs: 0, loss }] },
    workloads: [{ ...stream, bytes, repeat: undefined, retries: 0 }],
  };
}

export function runGoodputSweep(settings: SweepSettings): SweepResult {
  const started = performance.now();
  const base = loadScenario(TOPOLOGY_FILE);
  const total = settings.lossRates.length * settings.rttsMs.length * settings.seeds.length;
  const points: SweepPoint[] = [];
  let calibration: string | null = null;
  // Every point reads the calibration afresh; a notice (placeholder costs) is worth saying once.
  const noticed = new Set<string>();
  const onNotice = (text: string) => {
    if (!noticed.has(text)) settings.onNotice?.(text);
    noticed.add(text);
  };
  for (const loss of settings.lossRates) {
    for (const rttMs of settings.rttsMs) {
      for (const seed of settings.seeds) {
        const { summary } = runScenario(sweepScenario(base, loss, rttMs, settings.bytes), { seed, calibrationFile: settings.calibrationFile, onNotice });
        const workload = summary.workloads[0]!;
        const delivered = workload.completed === workload.streams && summary.totals.streamsCorrupt === 0;
        calibration = summary.calibration;
        points.push({ loss, rttMs, seed, goodputMBps: delivered ? workload.aggregateGoodputMBps : null, bottleneck: workload.bottleneck, virtualMs: summary.virtualMs, traceHash: summary.traceHash });
        settings.onPoint?.(points.length, total);
      }
    }
  }
  const calibrationFile = settings.calibrationFile ?? DEFAULT_CALIBRATION_FILE;
  return {
    kind: 'goodput-sweep',
    topology: SWEEP_TOPOLOGY,
    bytes: settings.bytes,
    chunkBytes: base.workloads[0]!.chunkBytes ?? base.nodes[0]!.chunkBytes,
    calibrationFile: existsSync(calibrationFile) ? calibrationFile : null,
    calibration,
    points,
    wallMs: performance.now() - started,
  };
}

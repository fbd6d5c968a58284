/**
 * What one DATA frame costs through the real connection core, per profile and crypto backend:
 * the sender queues it (v1: a header; hardened: a header and an AES-256-GCM tag, plus encryption in
 * the encrypted suite) and the receiver takes it (v1: parses and passes the bytes on; hardened:
 * assembles the frame and checks its tag, or decrypts it). Both sides run in this process, one
 * after the other, so a figure is the CPU time of send + receive for one frame. 1 KiB and 1 MiB
 * frames, node:crypto and noble (v1 DATA frames use no crypto, so they are timed once).
 * `asoc-lab bench frame-cost` gives it flags and prints it (lab/commands/bench/frame-cost.ts).
 */
import { Bench } from 'tinybench';
import { AsocConnection } from '../src/core/connection.ts';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_V1, type AsocProfile } from '../src/core/profile.ts';
import { pumpUntilIdle } from '../src/core/memory-pair.ts';
import { BACKENDS, nodeBackend, type CryptoBackend } from '../src/crypto/backend.ts';
import { ReplayCache } from '../src/crypto/replay-cache.ts';
import { systemRandom } from '../src/net/system.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { fixedKey } from '../sim/asoc/cluster.ts';

const SIZES = [1024, 1024 * 1024];
const KEY = fixedKey('frame-cost benchmark key');

interface Case {
  profile: AsocProfile;
  backend: CryptoBackend;
  frameBytes: number;
}

/** An established pair, and a function that moves one DATA frame from client to server. */
function framePump({ profile, backend, frameBytes }: Case): () => void {
  const common = { profile, crypto: backend, random: systemRandom, now: 0, apiKey: KEY, limits: { chunkSize: frameBytes, streamIdleTimeoutMs: Infinity } };
  const client = new AsocConnection({ ...common, role: 'client', nodeId: new Uint8Array(16).fill(1) });
  const server = new AsocConnection({ ...common, role: 'server', nodeId: new Uint8Array(16).fill(2), helloReplay: new ReplayCache(profile.helloReplay!) });
  pumpUntilIdle(client, server, 0);
  if (client.state !== 'established' || server.state !== 'established') throw new Error(`${profile.name}: handshake did not complete`);
  const stream = client.openStream();
  const payload = new Uint8Array(frameBytes).fill(0x5a);
  return () => {
    client.sendData(stream, payload, 0);
    for (const part of client.pollTransmit()!) server.receive(part, 0);
    while (server.pollEvent()) {
      // stream-opened and stream-data: taken and dropped, as a consumer that counts would
    }
  };
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const frameBytes of SIZES) {
    out.push({ profile: ASOC_V1, backend: nodeBackend, frameBytes });
    for (const profile of [ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED]) {
      for (const backend of Object.values(BACKENDS)) out.push({ profile, backend, frameBytes });
    }
  }
  return out;
}

export interface FrameCostEntry {
  profile: string;
  backend: string;
  frameBytes: number;
  /** Send + receive of one frame, median over the samples. */
  microsecondsPerFrame: number;
  payloadMBps: number;
  /** Microseconds this entry adds to v1's cost at the same frame size (v1 DATA frames use no crypto). */
  addedMicrosecondsVsV1: number;
  samples: number;
  rme: number;
}

export interface FrameCostOptions {
  /** Time per case, in ms (tinybench's `time`). */
  timeMs: number;
}

export const FRAME_COST_DEFAULTS: FrameCostOptions = { timeMs: 1000 };

export interface FrameCostReport {
  date: string;
  machine: MachineInfo;
  timeMs: number;
  results: FrameCostEntry[];
}

export async function runFrameCostBench({ timeMs }: FrameCostOptions = FRAME_COST_DEFAULTS): Promise<FrameCostReport> {
  if (!(timeMs > 0)) throw new RangeError(`timeMs must be positive, got ${timeMs}`);
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(250, timeMs), throws: true });
  const planned = cases().map((c) => ({ ...c, task: `${c.profile.name} [${c.backend.name}] ${c.frameBytes} B` }));
  for (const c of planned) bench.add(c.task, framePump(c));
  await bench.run();
  const measured = planned.map((c) => {
    const result = bench.getTask(c.task)?.result;
    if (result?.state !== 'completed') throw new Error(`benchmark task "${c.task}" did not complete (${result?.state})`);
    return { c, microseconds: result.latency.p50 * 1000, samples: result.latency.samplesCount, rme: result.latency.rme };
  });
  const v1At = (bytes: number) => measured.find((m) => m.c.profile === ASOC_V1 && m.c.frameBytes === bytes)!.microseconds;
  const results = measured.map(({ c, microseconds, samples, rme }) => ({
    profile: c.profile.name,
    backend: c.backend.name,
    frameBytes: c.frameBytes,
    microsecondsPerFrame: microseconds,
    payloadMBps: c.frameBytes / microseconds,
    addedMicrosecondsVsV1: microseconds - v1At(c.frameBytes),
    samples,
    rme,
  }));
  return { date: new Date().toISOString(), machine: machineInfo(), timeMs, results };
}

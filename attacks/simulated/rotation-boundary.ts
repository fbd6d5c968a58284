/**
 * The key-rotation boundary (T3, S3). Where a session's keys rotate, the receiver holds two keys for
 * a moment (the current one and the next): a man in the middle may hope that a frame of the old
 * epoch still opens after the boundary, or one of the new epoch before it.
 *
 * The profile's keys rotate every `rotateEveryFrames` frames each way (scaled down from the
 * profile's own thresholds; the same code path). The client dials the attacker's address, and a
 * TCP-splicing relay (adversary/mitm-relay.ts) carries everything to the real server. The client
 * sends `streams` streams, `sendEveryMs` apart, each with its own SHA-256. The body of every frame
 * after the handshake starts with its key epoch (docs/stt.md §5), so the relay sees the boundary:
 * the last frame of epoch 0 (L) and the first of epoch 1 (F). Each manipulation gets its own run,
 * on a fresh network:
 *   - clean:        nothing changed; the control for T3;
 *   - replay-old:   L sent again right after F (an old-epoch frame after the boundary);
 *   - early-epoch:  L's epoch byte set to 1 (claims the next key one frame early);
 *   - late-epoch:   F's epoch byte set back to 0 (claims the old key one frame late);
 *   - swap:         F sent before L (the two frames across the boundary reordered);
 *   - inject-next:  after L, a forged frame of epoch 1 (the relay has no key: a zero tag).
 *
 * T3 HOLDS when the clean run delivered every stream intact with at least 2 rotations seen on the
 * wire and the connection never closed; FAILS otherwise. S3 HOLDS when every manipulation was
 * rejected (the server closed with a protocol reason and delivered nothing altered or forged),
 * FAILS when all went through, PARTIAL otherwise.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../src/core/connection.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { FrameType, encodeHeader } from '../../src/wire/frame.ts';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { verdictOf, type DecidedVerdict } from '../../bench/verdict.ts';
import { frameBytes, type SniffedFrame } from './adversary/frame-sniffer.ts';
import { MitmRelay, type RelayPolicy } from './adversary/mitm-relay.ts';
import { closeReasonsText } from './support/close-reasons.ts';
import { tagSizeOfWireVersion, withRotationEvery } from './support/profile-kind.ts';
import { ATTACKER_ADDRESS, PORT, buildStage, forgedBytes } from './support/stage.ts';
import { defineAttack, type TraceExcerptEntry } from './types.ts';

const MANIPULATIONS = ['clean', 'replay-old', 'early-epoch', 'late-epoch', 'swap', 'inject-next'] as const;
type Manipulation = (typeof MANIPULATIONS)[number];
const SEALED_TYPES = new Set<number>([FrameType.DATA, FrameType.END, FrameType.CONTROL]);
const FORGED_STREAM_ID = 1001;
/** Closes that are not the server rejecting something. */
const NOT_A_REJECTION = new Set(['local', 'transport-closed', 'handshake-timeout', 'send-timeout']);
const TRACE_PER_RUN = 8;

const params = z.strictObject({
  rotateEveryFrames: z.number().int().min(2).max(1_000).default(4),
  streams: z.number().int().min(4).max(64).default(8),
  streamBytes: z.number().int().positive().max(2 ** 20).default(2_048),
  sendEveryMs: z.number().positive().max(1_000).default(20),
});
type Params = z.output<typeof params>;

interface RunResult {
  manipulation: Manipulation;
  /** Rotations seen on the wire, client to server (the highest epoch byte). */
  rotations: number;
  framesAltered: number;
  /** Streams the server delivered intact, of those sent. */
  intact: number;
  /** A stream delivered with other bytes than sent, or the forged one. */
  wentThrough: boolean;
  rejected: boolean;
  closes: string;
  delivered: string;
  traceHash: string;
  trace: TraceExcerptEntry[];
}

/** A frame's bytes with its key-epoch byte (the body's first) set to `epoch`. */
function withEpoch(frame: SniffedFrame, epoch: number): Uint8Array {
  const bytes = frameBytes(frame).slice();
  bytes[bytes.length - frame.payload.length] = epoch;
  return bytes;
}

/** A DATA frame a relay without the key makes for `epoch`: the epoch byte, the forged bytes, and zeros where the tag goes. */
function forgedFrame(version: number, epoch: number, payload: Uint8Array): Uint8Array {
  const tag = new Uint8Array(tagSizeOfWireVersion(version) - 1);
  return concatBytes(encodeHeader(FrameType.DATA, FORGED_STREAM_ID, 0, 1 + payload.length + tag.length, version), Uint8Array.of(epoch), payload, tag);
}

/**
 * The relay's policy: counts the client's sealed frames, checks that L and F are where the
 * thresholds put them, and changes them as `manipulation` says.
 */
function policyFor(manipulation: Manipulation, p: Params, forged: Uint8Array, seen: { maxEpoch: number }): RelayPolicy {
  const last = p.rotateEveryFrames - 1;
  let index = -1;
  let held: Uint8Array | null = null;
  return (direction, frame) => {
    if (direction !== 'to-server' || !SEALED_TYPES.has(frame.header.type)) return 'pass';
    index++;
    const epoch = frame.payload[0]!;
    seen.maxEpoch = Math.max(seen.maxEpoch, epoch);
    if (index === last && epoch !== 0) throw new Error(`rotation-boundary: the client's frame ${index} has epoch ${epoch}, expected 0 (a lab bug)`);
    if (index === last + 1 && epoch !== 1) throw new Error(`rotation-boundary: the client's frame ${index} has epoch ${epoch}, expected 1 (a lab bug)`);
    if (index === last) {
      switch (manipulation) {
        case 'early-epoch':
          return [withEpoch(frame, 1)];
        case 'swap':
        case 'replay-old':
          held = frameBytes(frame);
          return manipulation === 'swap' ? [] : 'pass';
        case 'inject-next':
          return [frameBytes(frame), forged];
        default:
          return 'pass';
      }
    }
    if (index === last + 1) {
      switch (manipulation) {
        case 'late-epoch':
          return [withEpoch(frame, 0)];
        case 'swap':
        case 'replay-old':
          return [frameBytes(frame), held!];
        default:
          return 'pass';
      }
    }
    return 'pass';
  };
}

function runOne(manipulation: Manipulation, profile: AsocProfile, seed: number, p: Params): RunResult {
  const stage = buildStage({ seed, profile, clientDials: ATTACKER_ADDRESS });
  const { cluster, server, client, excerpt } = stage;
  const { sim } = cluster;
  const forged = forgedBytes(512);
  const seen = { maxEpoch: 0 };
  const relay = new MitmRelay({ host: stage.attacker, port: PORT, server: { address: server.host.addressText, port: PORT }, policy: policyFor(manipulation, p, forgedFrame(profile.wireVersion, 1, forged.bytes), seen), excerpt });
  const sizes = Array.from({ length: p.streams }, (_, i) => p.streamBytes + 100 * i);
  let started = false;
  client.on('peer-up', (peer) => {
    if (started) return; // a reconnection after a detected manipulation sends nothing new
    started = true;
    sizes.forEach((size, i) => sim.scheduler.after(i * p.sendEveryMs, () => client.transfer(peer.key, size, { confirm: false })));
  });
  server.on('peer-down', (down) => excerpt.add(sim.scheduler.now, 'n0', 'peer-down', `connection with ${down.peer.address} closed: ${down.reason} (${down.detail})`));
  stage.start();
  sim.scheduler.runUntilTime(p.streams * p.sendEveryMs + 3_000);

  const atServer = stage.delivered.filter((d) => d.node === 'n0');
  const expected = new Set(sizes.map((size) => generatedStreamSha256(size, DEFAULT_LIMITS.chunkSize)));
  const intact = atServer.filter((d) => d.sha256 !== undefined && expected.has(d.sha256)).length;
  const wentThrough = atServer.some((d) => d.sha256 === undefined || !expected.has(d.sha256));
  const closed = server.counters().connectionsClosed;
  const rejected = Object.entries(closed).some(([reason, n]) => !NOT_A_REJECTION.has(reason) && (n ?? 0) > 0);
  if (manipulation !== 'clean' && relay.counts.framesAltered === 0) throw new Error(`rotation-boundary: the ${manipulation} manipulation never happened (${relay.counts.framesRelayed} frames relayed)`);
  return {
    manipulation,
    rotations: seen.maxEpoch,
    framesAltered: relay.counts.framesAltered,
    intact,
    wentThrough,
    rejected,
    closes: closeReasonsText(closed),
    delivered: `${intact} of ${sizes.length} streams intact${wentThrough ? `, ${atServer.length - intact} altered or forged` : ''}`,
    traceHash: sim.trace.digest(),
    trace: excerpt.entries,
  };
}

export default defineAttack({
  description: 'a man in the middle replays, re-labels, reorders or forges frames at the boundary where the session keys rotate',
  params,
  run({ profile, seed, params: p }) {
    const rotating = withRotationEvery(profile, p.rotateEveryFrames);
    if (rotating === null) throw new Error(`rotation-boundary: ${profile.name}'s keys do not rotate on a frame threshold with an epoch on the wire`);
    const results = MANIPULATIONS.map((m) => runOne(m, rotating, seed, p));
    const clean = results[0]!;
    const attacks = results.slice(1);
    const t3: DecidedVerdict = clean.intact === p.streams && !clean.wentThrough && clean.closes === 'none' && clean.rotations >= 2 ? 'HOLDS' : 'FAILS';
    const s3 = verdictOf(attacks.map((r) => (r.wentThrough ? 'FAILS' : r.rejected ? 'HOLDS' : 'PARTIAL')));
    const fate = (r: RunResult) => (r.wentThrough ? 'went through' : r.rejected ? 'rejected' : 'neither delivered nor rejected');
    const counts: Record<string, number> = { cleanRotations: clean.rotations, cleanStreamsIntact: clean.intact, manipulations: attacks.length, rejected: attacks.filter((r) => !r.wentThrough && r.rejected).length };
    for (const r of attacks) counts[`${r.manipulation}FramesAltered`] = r.framesAltered;
    return {
      observations: [
        {
          claim: 'T3',
          verdict: t3,
          evidence: `Keys rotating every ${p.rotateEveryFrames} frames each way, the client's ${p.streams} streams crossed ${clean.rotations} rotations (epoch bytes on the wire): ${clean.delivered}, server closes: ${clean.closes}.`,
        },
        {
          claim: 'S3',
          verdict: s3,
          evidence: `At the first rotation (L, the last frame of epoch 0; F, the first of epoch 1), a keyless relay: ${attacks.map((r) => `${r.manipulation}: ${fate(r)} (${r.delivered}; closes: ${r.closes})`).join('; ')}.`,
        },
      ],
      counts,
      figures: { rotateEveryFrames: p.rotateEveryFrames, streamBytes: p.streamBytes },
      trace: results.flatMap((r) => [{ time: 0, where: 'run', what: r.manipulation, detail: `a fresh network for the ${r.manipulation} run` }, ...r.trace.filter((e) => e.what === 'relay' || e.what === 'peer-down').slice(0, TRACE_PER_RUN)]),
      // One hash for the attack: over each run's, in order.
      traceHash: createHash('sha256').update(results.map((r) => r.traceHash).join('')).digest('hex'),
    };
  },
});

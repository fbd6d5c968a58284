/**
 * A man in the middle that rewrites the frame stream (S3). The client dials the attacker's address
 * (ARP or DNS spoofing), and a TCP-splicing relay (attacks/simulated/adversary/mitm-relay.ts) carries the
 * handshake and every frame to the real server, manipulating the client's frames. Each manipulation
 * gets its own run, on a fresh network:
 *   - modify:  one byte of the second stream's DATA payload is flipped;
 *   - drop:    the second stream's frames (DATA and END) are dropped;
 *   - reorder: the second stream is held back until the third has ended, then sent;
 *   - inject:  a forged stream follows the first stream's END.
 * The client sends four streams 50 ms apart (ids 1, 3, 5, 7; sizes differ, so each has its own
 * SHA-256); the fourth is never touched.
 *
 * Observed per manipulation: how many frames the relay changed (none: the manipulation never
 * happened, and the run throws), what the server delivered to its application (each stream's SHA-256
 * against the one sent, the order, forged streams) and whether it closed the connection for it. A
 * manipulation went through when the server delivered its effect (altered bytes, a silent gap, a
 * swapped order, forged bytes) as normal data; it was rejected when the server did not, and closed
 * the connection with a protocol reason (`integrity-failed` in asoc-hardened). S3 HOLDS when every
 * manipulation was rejected, FAILS when all went through, PARTIAL otherwise (including one that
 * neither went through nor was rejected).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../src/core/connection.ts';
import { FrameType } from '../../src/wire/frame.ts';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { frameBytes, type SniffedFrame } from './adversary/frame-sniffer.ts';
import { MitmRelay, type RelayPolicy } from './adversary/mitm-relay.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { closeReasonsText } from './support/close-reasons.ts';
import { ATTACKER_ADDRESS, PORT, buildStage, forgedBytes, forgedStream } from './support/stage.ts';
import { defineAttack, type ObservedVerdict, type TraceExcerptEntry } from './types.ts';

const MANIPULATIONS = ['modify', 'drop', 'reorder', 'inject'] as const;
type Manipulation = (typeof MANIPULATIONS)[number];

/** The client's streams, in the order it sends them; the target of every manipulation is the second. */
const STREAM_IDS = [1, 3, 5, 7] as const;
const TARGET = 3;
const HOLD_UNTIL_END_OF = 5;
const FORGED_STREAM_ID = 1001;
const SEND_EVERY_MS = 50;
/** Trace entries of the whole attack, shared equally by the manipulations. */
const TRACE_BUDGET = 60;
/** Closes that are not the server rejecting something: its own close, the peer's, a timeout. */
const NOT_A_REJECTION = new Set(['local', 'transport-closed', 'handshake-timeout', 'send-timeout']);

const params = z.strictObject({
  manipulations: z.array(z.enum(MANIPULATIONS)).min(1).default([...MANIPULATIONS]),
  /** Bytes of the first stream; each next one is 1,000 bytes longer. */
  streamBytes: z.number().int().positive().max(2 ** 20).default(64 * 1024),
});

type Params = z.output<typeof params>;

interface ManipulationResult {
  manipulation: Manipulation;
  wentThrough: boolean;
  /** The server closed the connection for a protocol reason (it detected something). */
  rejected: boolean;
  /** What the server delivered, in order: stream id and whether it matched what was sent. */
  delivered: string;
  closes: string;
  framesAltered: number;
  traceHash: string;
  trace: TraceExcerptEntry[];
}

/** A frame with one payload byte flipped (same length, same header). */
function flipped(frame: SniffedFrame): Uint8Array {
  const bytes = frameBytes(frame).slice();
  const at = bytes.length - Math.max(1, Math.floor(frame.header.length / 2));
  bytes[at]! ^= 0xff;
  return bytes;
}

function policyFor(manipulation: Manipulation, forgedStream: Uint8Array): RelayPolicy {
  const held: Uint8Array[] = [];
  let injected = false;
  return (direction, frame) => {
    if (direction !== 'to-server') return 'pass';
    const { type, streamId } = frame.header;
    switch (manipulation) {
      case 'modify':
        return streamId === TARGET && type === FrameType.DATA && frame.header.seq === 0 ? [flipped(frame)] : 'pass';
      case 'drop':
        return streamId === TARGET ? [] : 'pass';
      case 'reorder':
        if (streamId === TARGET) {
          held.push(frameBytes(frame));
          return [];
        }
        return streamId === HOLD_UNTIL_END_OF && type === FrameType.END ? [frameBytes(frame), ...held.splice(0)] : 'pass';
      case 'inject':
        if (injected || streamId !== STREAM_IDS[0] || type !== FrameType.END) return 'pass';
        injected = true;
        return [frameBytes(frame), forgedStream];
    }
  };
}

/** At most `budget` entries of one manipulation's trace, in time order: the relay's changes and the server's closes first, then the rest. */
function decisiveFirst(trace: TraceExcerptEntry[], budget: number): TraceExcerptEntry[] {
  const decisive = (e: TraceExcerptEntry) => e.what === 'relay' || e.what === 'peer-down';
  const keep = new Set([...trace.filter(decisive), ...trace.filter((e) => !decisive(e))].slice(0, budget));
  return trace.filter((e) => keep.has(e));
}

function runOne(manipulation: Manipulation, profile: AsocProfile, seed: number, p: Params): ManipulationResult {
  const stage = buildStage({ seed, profile, clientDials: ATTACKER_ADDRESS });
  const { cluster, server, client, excerpt } = stage;
  const { sim } = cluster;
  const forged = forgedBytes(4096);
  const relay = new MitmRelay({ host: stage.attacker, port: PORT, server: { address: server.host.addressText, port: PORT }, policy: policyFor(manipulation, forgedStream(profile, FORGED_STREAM_ID, forged.bytes)), excerpt });
  const sizes = new Map<number, number>(STREAM_IDS.map((id, i) => [id, p.streamBytes + 1000 * i]));
  let started = false;
  client.on('peer-up', (peer) => {
    if (started) return; // a reconnection after a detected manipulation sends nothing new
    started = true;
    STREAM_IDS.forEach((_, i) => sim.scheduler.after(i * SEND_EVERY_MS, () => client.send(peer.key, p.streamBytes + 1000 * i, { confirm: false })));
  });
  server.on('peer-down', (down) => excerpt.add(sim.scheduler.now, 'n0', 'peer-down', `connection with ${down.peer.address} closed: ${down.reason} (${down.detail})`));
  stage.start();
  sim.scheduler.runUntilTime(STREAM_IDS.length * SEND_EVERY_MS + 3_000);

  const atServer = stage.delivered.filter((d) => d.node === 'n0');
  const intact = (id: number) => atServer.some((d) => d.streamId === id && d.sha256 === generatedStreamSha256(sizes.get(id)!, DEFAULT_LIMITS.chunkSize));
  const order = atServer.map((d) => d.streamId);
  const wentThrough = {
    modify: () => atServer.some((d) => d.streamId === TARGET && d.bytes === sizes.get(TARGET) && !intact(TARGET)),
    drop: () => !order.includes(TARGET) && order.some((id) => id > TARGET && intact(id)),
    reorder: () => intact(TARGET) && intact(HOLD_UNTIL_END_OF) && order.indexOf(HOLD_UNTIL_END_OF) < order.indexOf(TARGET),
    inject: () => atServer.some((d) => d.sha256 === forged.sha256),
  }[manipulation]();
  if (relay.counts.framesAltered === 0) throw new Error(`mitm-frames: the ${manipulation} manipulation never happened (the relay changed no frame; ${relay.counts.framesRelayed} frames relayed)`);
  const closed = server.counters().connectionsClosed;
  const rejected = Object.entries(closed).some(([reason, n]) => !NOT_A_REJECTION.has(reason) && (n ?? 0) > 0);
  return {
    manipulation,
    wentThrough,
    rejected,
    delivered:
      atServer
        .map((d) => (d.sha256 === forged.sha256 ? `${d.streamId} (forged)` : sizes.has(d.streamId) ? `${d.streamId}${intact(d.streamId) ? '' : ' (ALTERED)'}` : `${d.streamId} (?)`))
        .join(', ') || 'nothing',
    closes: closeReasonsText(closed),
    framesAltered: relay.counts.framesAltered,
    traceHash: sim.trace.digest(),
    trace: excerpt.entries,
  };
}

export default defineAttack({
  description: 'a TCP-splicing man in the middle modifies, drops, reorders or injects frames between an authenticated client and server',
  params,
  run({ profile, seed, params: p }) {
    const results = p.manipulations.map((m) => runOne(m, profile, seed, p));
    const through = results.filter((r) => r.wentThrough);
    const rejected = results.filter((r) => !r.wentThrough && r.rejected);
    const verdict: ObservedVerdict = rejected.length === results.length ? 'HOLDS' : through.length === results.length ? 'FAILS' : 'PARTIAL';
    const fate = (r: ManipulationResult) => (r.wentThrough ? 'went through' : r.rejected ? 'rejected' : 'neither delivered nor rejected');
    const lines = results.map((r) => `${r.manipulation} (${r.framesAltered} frame(s) changed by the relay): ${fate(r)} (server delivered ${r.delivered}; closes: ${r.closes})`);
    const counts: Record<string, number> = { manipulations: results.length, wentThrough: through.length, rejected: rejected.length };
    for (const r of results) {
      counts[`${r.manipulation}WentThrough`] = r.wentThrough ? 1 : 0;
      counts[`${r.manipulation}Rejected`] = r.rejected ? 1 : 0;
      counts[`${r.manipulation}FramesAltered`] = r.framesAltered;
    }
    const perManipulation = Math.floor(TRACE_BUDGET / results.length) - 1;
    return {
      observations: [
        {
          claim: 'S3',
          verdict,
          evidence: `${through.length} of ${results.length} manipulations by a keyless relay were delivered as normal data, ${rejected.length} were rejected by the server. ${lines.join('; ')}. Sent: streams ${STREAM_IDS.join(', ')} in that order, each with its own SHA-256.`,
        },
      ],
      counts,
      figures: { streamBytes: p.streamBytes },
      trace: results.flatMap((r) => [{ time: 0, where: 'run', what: r.manipulation, detail: `a fresh network for the ${r.manipulation} manipulation` }, ...decisiveFirst(r.trace, perManipulation)]),
      // One hash for the attack: over each manipulation's run, in order.
      traceHash: createHash('sha256').update(results.map((r) => r.traceHash).join('')).digest('hex'),
    };
  },
});

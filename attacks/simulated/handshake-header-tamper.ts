/**
 * Handshake headers altered on the path (H4). The client dials the attacker's address (ARP or DNS
 * spoofing) and a TCP-splicing relay (adversary/mitm-relay.ts) carries everything to the real
 * server, rewriting the header of a handshake message that travels in the clear: stream 0 becomes
 * `streamId`, seq 0 becomes `seq`. One run alters the client's HELLO, another (on a fresh network)
 * the server's ACCEPT. Payloads are left alone, so every MAC still verifies: only a receiver that
 * checks the header notices.
 *
 * H4 HOLDS when no handshake with an altered message completed (each side refused the frame it was
 * given); FAILS when a handshake completed with altered messages, and the client's stream reached
 * the server as if nothing had happened.
 */
import { z } from 'zod';
import type { AsocProfile } from '../../src/core/profile.ts';
import { FrameType, encodeHeader, frameTypeName } from '../../src/wire/frame.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { MitmRelay } from './adversary/mitm-relay.ts';
import { closeReasonsText } from './support/close-reasons.ts';
import { ATTACKER_ADDRESS, PORT, buildStage } from './support/stage.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack, type TraceExcerptEntry } from './types.ts';

const params = z.strictObject({
  streamId: z.number().int().min(0).max(0xffffffff).default(7),
  seq: z.number().int().min(0).max(0xffffffff).default(9),
  observeMs: z.number().positive().max(60_000).default(3_000),
});

interface RunResult {
  message: string;
  altered: number;
  sessions: number;
  delivered: number;
  closes: { server: string; client: string };
  trace: TraceExcerptEntry[];
  traceHash: string;
}

/** One run on a fresh network: the relay alters every frame of `type` that comes in the clear on stream 0, seq 0. */
function runOne(type: number, profile: AsocProfile, seed: number, p: z.output<typeof params>): RunResult {
  const stage = buildStage({ seed, profile, clientDials: ATTACKER_ADDRESS });
  const { cluster, server, client, excerpt } = stage;
  const { sim } = cluster;
  const relay = new MitmRelay({
    host: stage.attacker,
    port: PORT,
    server: { address: server.host.addressText, port: PORT },
    excerpt,
    policy: (_, frame) => {
      const { streamId, seq, length, version } = frame.header;
      if (frame.header.type !== type || streamId !== 0 || seq !== 0) return 'pass';
      return [concatBytes(encodeHeader(type, p.streamId, p.seq, length, version), frame.payload)];
    },
  });
  let sessions = 0;
  client.on('peer-up', (peer) => {
    if (sessions++ === 0) client.send(peer.key, 4096, { confirm: false });
  });
  stage.start();
  sim.scheduler.runUntilTime(p.observeMs);
  if (relay.counts.framesAltered === 0) throw new Error(`handshake-header-tamper: the relay altered no ${frameTypeName(type)} frame`);
  return {
    message: frameTypeName(type),
    altered: relay.counts.framesAltered,
    sessions,
    delivered: stage.delivered.filter((d) => d.node === 'n0').length,
    closes: { server: closeReasonsText(server.counters().connectionsClosed), client: closeReasonsText(client.counters().connectionsClosed) },
    trace: excerpt.entries,
    traceHash: sim.trace.digest(),
  };
}

export default defineAttack({
  description: 'a man in the middle rewrites the stream id and seq of HELLO, then (on a fresh network) of ACCEPT, leaving their payloads (and MACs) alone',
  params,
  run({ profile, seed, params: p }) {
    const runs = [FrameType.HELLO, FrameType.ACCEPT].map((type) => runOne(type, profile, seed, p));
    const completed = runs.filter((r) => r.sessions > 0);
    const verdict: DecidedVerdict = completed.length === 0 ? 'HOLDS' : 'FAILS';
    const outcome = (r: RunResult) =>
      r.sessions === 0
        ? `${r.message} moved to stream ${p.streamId}, seq ${p.seq} (${r.altered}×): no handshake completed (server closes: ${r.closes.server}; client: ${r.closes.client})`
        : `${r.message} moved to stream ${p.streamId}, seq ${p.seq} (${r.altered}×): the handshake completed all the same and the server delivered ${r.delivered} stream(s) from the client`;
    return {
      observations: [{ claim: 'H4', verdict, evidence: `Payloads untouched, so every MAC still verifies. ${runs.map(outcome).join('; ')}.` }],
      counts: Object.fromEntries(runs.flatMap((r) => [[`${r.message.toLowerCase()}FramesAltered`, r.altered], [`${r.message.toLowerCase()}HandshakesCompleted`, r.sessions]])),
      figures: {},
      trace: runs.flatMap((r) => r.trace.slice(0, 20)),
      traceHash: runs.map((r) => r.traceHash).join(':'),
    };
  },
});

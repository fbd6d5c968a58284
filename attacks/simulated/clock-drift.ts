/**
 * Clock drift (S2: "Old challenge (>60s) → message rejected"): the handshake's drift window, from
 * both sides of its edge, and the replay only the window can stop.
 *
 * Clients with the key dial the server (10.0.0.1) from hosts whose Unix clocks are off the server's
 * by −(window + margin), −(window − margin), +(window − margin) and +(window + margin), the window
 * being the profile's (subduction's drift window, stt's and asoc-hardened's HELLO freshness). A tap
 * on the client's uplink records the first message of the client ahead by (window − margin). Once the
 * server's record of nonces has forgotten it (the record's window plus `replayAfterRecordMs`), the
 * attacker, without the key, sends it again from its own address: only its timestamp can refuse it.
 *
 * The clients inside the window are the control: they must be served (a run where they are not
 * throws). S2 HOLDS when every first message dated outside the window (the two clients beyond it,
 * the late replay) was refused and none established a session or got the server's handshake message;
 * FAILS when none was refused; PARTIAL otherwise. v1's HELLO carries no timestamp, so there is no
 * window to test there.
 */
import { z } from 'zod';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { SIM_EPOCH_MS } from '../../sim/asoc/sim-transport.ts';
import { verdictOf } from '../../bench/verdict.ts';
import { ARENA_SERVER_ADDRESS, buildArena } from './adversary/arena.ts';
import { CoreClient } from './adversary/core-client.ts';
import { FrameSniffer, frameBytes, handshakeFrames } from './adversary/frame-sniffer.ts';
import { Replayer } from './adversary/replayer.ts';
import { addTap } from './adversary/taps.ts';
import { closeReasonsText } from './support/close-reasons.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { firstMessageType, handshakeFreshnessMs } from './support/profile-kind.ts';
import { defineAttack } from './types.ts';

const params = z.strictObject({
  /** How far inside and outside the window the clients' clocks are. */
  marginMs: z.number().int().positive().max(30_000).default(5_000),
  /** How long after the record of nonces forgot the recorded message it is replayed. */
  replayAfterRecordMs: z.number().int().positive().max(600_000).default(10_000),
});

interface Attempt {
  label: string;
  skewMs: number;
  inside: boolean;
  client: CoreClient;
}

interface LateReplay {
  /** The server sent its own handshake message back. */
  answered: boolean;
  /** Payload bytes of anything else it sent (subduction's Rejection). */
  refusedBytes: number;
  closesBefore: Partial<Record<string, number>>;
}

export default defineAttack({
  description: "clients whose clocks are just inside and just outside the handshake's drift window dial the server; a recorded first message is replayed once the server's record of nonces has forgotten it",
  params,
  run({ profile, seed, params: p }) {
    const windowMs = handshakeFreshnessMs(profile);
    if (windowMs === null) throw new Error(`clock-drift: ${profile.name}'s first handshake message carries no timestamp, so there is no drift window to test`);
    const recordMs = profile.helloReplay?.kind === 'window' ? profile.helloReplay.windowMs : 0;
    if (p.marginMs >= windowMs) throw new RangeError(`clock-drift: marginMs (${p.marginMs}) must be below the ${windowMs} ms window`);
    const excerpt = new FloodExcerpt();
    const arena = buildArena({ seed, profile });
    const { sim, server, client } = arena;
    const helloType = firstMessageType(profile, 'client');
    const answerType = firstMessageType(profile, 'server');

    const recorded = new FrameSniffer((packet) => packet.dstPort === arena.port);
    addTap(arena.uplinkOf(client), recorded.tap);
    const random = sim.random.stream('clock-drift:clients');
    const attempts: Attempt[] = [];
    const dial = (skewMs: number, atMs: number): void =>
      void sim.scheduler.at(atMs, () => {
        const inside = Math.abs(skewMs) < windowMs;
        const label = `a client ${Math.abs(skewMs) / 1000} s ${skewMs < 0 ? 'behind' : 'ahead'} (${inside ? 'inside' : 'outside'} the ±${windowMs / 1000} s window)`;
        const conn = new CoreClient({ host: client, address: ARENA_SERVER_ADDRESS, port: arena.port, profile, apiKey: CLUSTER_API_KEY, nodeId: random.bytes(16), random, unixOffsetMs: SIM_EPOCH_MS + skewMs });
        attempts.push({ label, skewMs, inside, client: conn });
        conn.whenEstablished(() => excerpt.add(sim.scheduler.now, 'client', 'established', `${label}: handshake completed`));
        conn.whenClosed(() => conn.established || excerpt.add(sim.scheduler.now, 'client', 'refused', `${label}: closed before the handshake completed (${conn.record.coreCloseReason ?? conn.record.tcpCloseReason})`));
      });
    // The client recorded first (ahead, inside the window), then the others, one at a time.
    const skews = [windowMs - p.marginMs, -(windowMs - p.marginMs), windowMs + p.marginMs, -(windowMs + p.marginMs)];
    skews.forEach((skew, i) => dial(skew, 100 + 500 * i));
    server.start();

    const replayAtMs = 100 + recordMs + p.replayAfterRecordMs;
    const replayer = new Replayer(arena.attackers[0]!);
    let replay: LateReplay | null = null;
    sim.scheduler.at(replayAtMs, () => {
      const first = handshakeFrames(recorded.parser.frames).find((f) => f.header.type === helloType);
      if (first === undefined) throw new Error('clock-drift: no first message was recorded (a lab bug)');
      const state: LateReplay = { answered: false, refusedBytes: 0, closesBefore: { ...server.counters().connectionsClosed } };
      replay = state;
      const session = replayer.replay('late replay', ARENA_SERVER_ADDRESS, arena.port, [frameBytes(first)]);
      session.onFrame = (frame) => {
        if (frame.header.type === answerType) state.answered = true;
        else state.refusedBytes += frame.payload.length;
        excerpt.add(sim.scheduler.now, 'attacker', 'answer', `the server sent frame type ${frame.header.type} to the replay`);
      };
      excerpt.add(sim.scheduler.now, 'attacker', 'replay', `the first message of the client ${(windowMs - p.marginMs) / 1000} s ahead, sent again ${(replayAtMs - 100) / 1000} s after it was recorded (the server remembers nonces ${recordMs / 1000} s)`);
    });
    sim.scheduler.runUntilTime(replayAtMs + 2_000);

    const failedControls = attempts.filter((a) => a.inside && !a.client.established);
    if (failedControls.length > 0) throw new Error(`clock-drift: clients inside the window were not served (the control failed): ${failedControls.map((a) => a.label).join('; ')}`);
    const outside = attempts.filter((a) => !a.inside);
    const late = replay!;
    const refusals = [...outside.map((a) => !a.client.established), !late.answered];
    const verdict = verdictOf(refusals);
    const replayCloses = closeReasonsText(server.counters().connectionsClosed, late.closesBefore);
    const describe = (a: Attempt) => `${a.label}: ${a.client.established ? 'served' : `refused (${a.client.record.coreCloseReason ?? a.client.record.tcpCloseReason ?? 'left open'})`}`;
    return {
      observations: [
        {
          claim: 'S2',
          verdict,
          evidence:
            `${attempts.map(describe).join('; ')}. ` +
            `The recorded first message, replayed ${(replayAtMs - 100) / 1000} s later (the server remembers nonces ${recordMs / 1000} s): ${late.answered ? 'answered with the server\'s handshake message' : `refused (server closes: ${replayCloses}${late.refusedBytes > 0 ? `, after a ${late.refusedBytes}-byte refusal` : ''})`}.`,
        },
      ],
      counts: {
        clientsInsideServed: attempts.filter((a) => a.inside && a.client.established).length,
        clientsOutside: outside.length,
        clientsOutsideServed: outside.filter((a) => a.client.established).length,
        replaysSent: 1,
        replayAnswered: late.answered ? 1 : 0,
        staleCloses: server.counters().connectionsClosed.stale ?? 0,
      },
      figures: { driftWindowMs: windowMs, nonceRecordMs: recordMs, replayAfterMs: replayAtMs - 100, marginMs: p.marginMs },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

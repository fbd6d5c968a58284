/**
 * A HELLO replayed after the wall clock stepped (H5). Clocks step: a bad NTP answer moves every
 * node of a cluster forward, and the next good one moves it back. A replay cache that ages its
 * entries on the wall clock forgets, during the step, what it must still remember afterwards.
 *
 * A client with the key completes a handshake with the server (10.0.0.1) at 0.1 s, while a tap on
 * its uplink records its HELLO. At `stepAtMs` the Unix clocks of the server and of the cluster's
 * clients step forward by `stepMs`; a second client connects then (its clock stepped too, so its
 * HELLO is fresh), which makes the server look at its replay cache at the stepped time. At
 * `stepBackAtMs` the clocks step back. At `replayAtMs` the attacker, without the key, sends the
 * recorded HELLO again from its own address: by its timestamp it is fresh again.
 *
 * H5 HOLDS when the server refused the replayed HELLO without answering it (it still remembered it);
 * FAILS when it answered with an ACCEPT (it had forgotten it). The server's monotonic clock, which
 * the simulation's time is, never steps.
 */
import { z } from 'zod';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { SIM_EPOCH_MS } from '../../sim/asoc/sim-transport.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';
import { ARENA_SERVER_ADDRESS, buildArena } from './adversary/arena.ts';
import { CoreClient } from './adversary/core-client.ts';
import { FrameSniffer, frameBytes, handshakeFrames } from './adversary/frame-sniffer.ts';
import { addTap } from './adversary/taps.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { firstMessageType } from './support/profile-kind.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack } from './types.ts';

const params = z.strictObject({
  stepMs: z.number().int().positive().max(3_600_000).default(70_000),
  stepAtMs: z.number().positive().default(1_000),
  stepBackAtMs: z.number().positive().default(2_000),
  replayAtMs: z.number().positive().default(3_000),
  observeMs: z.number().positive().max(60_000).default(5_000),
});

export default defineAttack({
  description: 'a recorded HELLO replayed after the cluster\'s wall clocks stepped forward and back, past the replay window and within the HELLO\'s freshness',
  params,
  run({ profile, seed, params: p }) {
    if (!(p.stepAtMs < p.stepBackAtMs && p.stepBackAtMs < p.replayAtMs && p.replayAtMs < p.observeMs)) throw new RangeError('wall-clock-step: expected stepAtMs < stepBackAtMs < replayAtMs < observeMs');
    const excerpt = new FloodExcerpt();
    // The cluster's Unix clock: the simulation's epoch plus virtual time, plus the step while it lasts.
    let sim!: ReturnType<typeof buildArena>['sim'];
    const stepNow = (): number => (sim.scheduler.now >= p.stepAtMs && sim.scheduler.now < p.stepBackAtMs ? p.stepMs : 0);
    const arena = buildArena({ seed, profile, server: { unixClock: () => SIM_EPOCH_MS + sim.scheduler.now + stepNow() } });
    sim = arena.sim;
    const { server, client } = arena;
    const attacker = arena.attackers[0]!;

    const recorded = new FrameSniffer((packet) => packet.dstPort === arena.port);
    addTap(arena.uplinkOf(client), recorded.tap);
    const clients: CoreClient[] = [];
    const random = sim.random.stream('wall-clock-step:clients');
    const dial = (label: string): void => {
      const conn = new CoreClient({ host: client, address: ARENA_SERVER_ADDRESS, port: arena.port, profile, apiKey: CLUSTER_API_KEY, nodeId: random.bytes(16), random, unixOffsetMs: SIM_EPOCH_MS + stepNow() });
      clients.push(conn);
      conn.whenEstablished(() => excerpt.add(sim.scheduler.now, 'client', 'established', `${label}: handshake completed`));
    };
    server.start();
    sim.scheduler.at(100, () => dial('the recorded client'));
    sim.scheduler.at(p.stepAtMs, () => excerpt.add(sim.scheduler.now, 'cluster', 'clock-step', `every Unix clock steps forward by ${p.stepMs / 1000} s`));
    sim.scheduler.at(p.stepAtMs + 100, () => dial('a client during the step'));
    sim.scheduler.at(p.stepBackAtMs, () => excerpt.add(sim.scheduler.now, 'cluster', 'clock-step', `every Unix clock steps back by ${p.stepMs / 1000} s`));

    // The replay counts as answered when the server sends its own first handshake message (v1's ACCEPT,
    // subduction's RESPONSE …); a refusal it sends instead (subduction's unsigned Rejection) is not an answer.
    const helloType = firstMessageType(profile, 'client');
    const answerType = firstMessageType(profile, 'server');
    let replay: { answered: number; bytesBack: number; firstTypeBack: number | null; closedAt: number | null } | null = null;
    sim.scheduler.at(p.replayAtMs, () => {
      const hello = handshakeFrames(recorded.parser.frames).find((f) => f.header.type === helloType);
      if (hello === undefined) throw new Error('wall-clock-step: no HELLO was recorded (a lab bug)');
      const state = (replay = { answered: 0, bytesBack: 0, firstTypeBack: null as number | null, closedAt: null as number | null });
      const socket = attacker.tcp.connect(ARENA_SERVER_ADDRESS, arena.port);
      socket.onConnect = () => socket.write(frameBytes(hello));
      socket.onData = (bytes) => {
        // The type byte of the first frame back (the second byte of its header) says what the server sent.
        if (state.bytesBack < 2 && state.bytesBack + bytes.length >= 2) state.firstTypeBack = bytes[1 - state.bytesBack]!;
        state.bytesBack += bytes.length;
        if (state.firstTypeBack === answerType && state.bytesBack >= HEADER_SIZE) state.answered = state.bytesBack;
      };
      socket.onClose = () => (state.closedAt = sim.scheduler.now);
      excerpt.add(sim.scheduler.now, 'attacker', 'replay', 'the recorded HELLO, sent again from the attacker\'s address');
    });
    sim.scheduler.runUntilTime(p.observeMs);

    const established = clients.filter((c) => c.established).length;
    if (established < 2) throw new Error(`wall-clock-step: only ${established} of the 2 honest handshakes completed (the control failed)`);
    const { answered, bytesBack } = replay!;
    const verdict: DecidedVerdict = answered === 0 ? 'HOLDS' : 'FAILS';
    const replayCloses = server.counters().connectionsClosed;
    return {
      observations: [
        {
          claim: 'H5',
          verdict,
          evidence:
            `The cluster's Unix clocks stepped forward by ${p.stepMs / 1000} s for ${(p.stepBackAtMs - p.stepAtMs) / 1000} s, and a client connected meanwhile; ${(p.replayAtMs - 100) / 1000} s after it was first sent, the recorded HELLO came again from the attacker. ` +
            (answered === 0
              ? `The server still remembered it and closed the replay ${bytesBack === 0 ? 'without a byte' : `after a ${bytesBack}-byte refusal`} (replay closes: ${replayCloses.replay ?? 0}).`
              : `The server answered the replay with its handshake message (${answered} bytes): it did not remember the HELLO.`),
        },
      ],
      counts: { honestHandshakes: established, replaysSent: 1, replayBytesAnswered: answered, replayBytesBack: bytesBack, replayCloses: replayCloses.replay ?? 0 },
      figures: { stepMs: p.stepMs },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

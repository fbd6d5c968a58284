/**
 * On-path TCP injection after the handshake (S3, S5). The attacker taps the client's and the
 * server's switch ports. Once the client has authenticated and sent a first stream, and sits idle
 * between frames, the attacker injects a forged stream (a DATA frame and its END) into the
 * client → server direction, with the sequence and acknowledgement numbers it has just seen, and
 * keeps both ends in step afterwards (attacks/simulated/adversary/on-path-injector.ts). The client then sends a
 * second stream, to show whether the connection noticed anything.
 *
 * Observed: forged bytes the server delivered to its application (streams whose SHA-256 is the
 * forged bytes'), whether both legitimate streams arrived intact, and how the server's connection
 * ended. S3 and S5 FAIL when forged bytes were delivered (no 32-bit guess was needed: the numbers
 * were on the wire), and HOLD when none were and the server closed the connection for it. The
 * forged stream must go in between two frames of the client's (else it would corrupt a frame rather
 * than add one: not this attack) and must actually be injected; a run where either did not happen,
 * or where the server neither delivered the forgery nor closed, throws.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../src/core/connection.ts';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { FrameSniffer } from './adversary/frame-sniffer.ts';
import { OnPathInjector } from './adversary/on-path-injector.ts';
import { addTap } from './adversary/taps.ts';
import { closeCount, closeReasonsText } from './support/close-reasons.ts';
import { PORT, buildStage, forgedBytes, forgedStream } from './support/stage.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

/** A stream id the client has not used (client streams are odd). */
const FORGED_STREAM_ID = 1001;
/** Forged segments carry at most an Ethernet MSS, as real ones do. */
const SEGMENT_BYTES = 1460;

const params = z.strictObject({
  legitBytes: z.number().int().positive().max(4 * 2 ** 20).default(256 * 1024),
  forgedBytes: z.number().int().positive().max(4 * 2 ** 20).default(8 * 1024),
  injectAtMs: z.number().positive().default(1_000),
  secondStreamAtMs: z.number().positive().default(2_000),
});

export default defineAttack({
  description: 'an on-path attacker injects a forged stream into an authenticated connection using the sequence numbers it sees',
  params,
  run({ profile, seed, params: p }) {
    if (p.secondStreamAtMs <= p.injectAtMs) throw new RangeError('secondStreamAtMs must come after injectAtMs');
    const stage = buildStage({ seed, profile });
    const { cluster, server, client, excerpt } = stage;
    const { sim } = cluster;
    const forged = forgedBytes(p.forgedBytes);
    const clientToServer = (packet: { src: number; dst: number; dstPort: number }) => packet.src === client.host.address && packet.dst === server.host.address && packet.dstPort === PORT;

    const sniffer = new FrameSniffer(clientToServer);
    addTap(stage.portOf(client).uplink, sniffer.tap);
    const injector = new OnPathInjector({ flow: clientToServer, senderChannel: stage.portOf(client).uplink, receiverChannel: stage.portOf(server).uplink, now: stage.now, excerpt });

    let peerKey: string | null = null;
    client.on('peer-up', (peer) => {
      peerKey = peer.key;
      client.send(peer.key, p.legitBytes, { confirm: false });
    });
    server.on('peer-down', (down) => excerpt.add(sim.scheduler.now, 'n0', 'peer-down', `connection with ${down.peer.address} closed: ${down.reason} (${down.detail})`));
    let injectedAtBoundary = false;
    sim.scheduler.at(p.injectAtMs, () => {
      if (!injector.ready) throw new Error('inject-after-handshake: the connection was not seen by the attacker (a lab bug)');
      injectedAtBoundary = sniffer.parser.atFrameBoundary;
      const stream = forgedStream(profile, FORGED_STREAM_ID, forged.bytes);
      for (let at = 0; at < stream.length; at += SEGMENT_BYTES) injector.inject(stream.subarray(at, at + SEGMENT_BYTES));
    });
    sim.scheduler.at(p.secondStreamAtMs, () => {
      if (peerKey !== null) client.send(peerKey, p.legitBytes, { confirm: false });
    });
    stage.start();
    sim.scheduler.runUntilTime(p.secondStreamAtMs + 3_000);

    const legitSha = generatedStreamSha256(p.legitBytes, DEFAULT_LIMITS.chunkSize);
    const atServer = stage.delivered.filter((d) => d.node === 'n0');
    const forgedDelivered = atServer.filter((d) => d.sha256 === forged.sha256).reduce((sum, d) => sum + d.bytes, 0);
    const legitIntact = atServer.filter((d) => d.sha256 === legitSha).length;
    const closed = server.counters().connectionsClosed;
    if (!injectedAtBoundary) throw new Error(`inject-after-handshake: at ${p.injectAtMs} ms the client was in the middle of a frame, so the forged stream would have corrupted that frame instead of following it: the attack did not happen as designed (inject when the client is idle)`);
    if (injector.counts.injectedSegments === 0) throw new Error('inject-after-handshake: no forged segment was injected');
    const serverClosed = closeCount(closed);
    if (forgedDelivered === 0 && serverClosed === 0) {
      throw new Error(`inject-after-handshake: the server neither delivered the ${injector.counts.injectedSegments} injected segments' forged stream nor closed the connection: the run did not observe what became of them`);
    }
    const counts = {
      ...injector.counts,
      forgedBytesDelivered: forgedDelivered,
      legitStreamsSent: 2,
      legitStreamsDeliveredIntact: legitIntact,
      serverConnectionsClosed: serverClosed,
    };
    const closes = closeReasonsText(closed);
    const verdict: ObservedVerdict = forgedDelivered > 0 ? 'FAILS' : 'HOLDS';
    const what =
      forgedDelivered > 0
        ? `The server delivered ${forgedDelivered} forged bytes (SHA-256 of the forged stream) as the client's, from ${injector.counts.injectedSegments} injected segments`
        : `The server delivered none of the ${p.forgedBytes} forged bytes from ${injector.counts.injectedSegments} injected segments (injected between two of the client's frames) and closed the connection`;
    const after = `${legitIntact} of 2 legitimate streams arrived intact; server connection closes: ${closes}`;
    return {
      observations: [
        { claim: 'S3', verdict, evidence: `${what}; ${after}. ${forgedDelivered > 0 ? 'Nothing after the handshake is authenticated.' : ''}`.trim() },
        {
          claim: 'S5',
          verdict,
          evidence: `The on-path attacker read the sequence numbers off the wire (no guess) and shifted ${injector.counts.shiftedSegments} later segments and ${injector.counts.shiftedAcks} ACKs to keep both ends in step. ${what}; ${after}.`,
        },
      ],
      counts,
      figures: { forgedBytes: p.forgedBytes, legitBytes: p.legitBytes },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

/**
 * Off-path blind injection (S5). While an authenticated client → server connection sits idle, an
 * attacker elsewhere on the network sends `guesses` segments that claim to come from the client,
 * each with a guessed sequence and acknowledgement number (attacks/simulated/adversary/blind-injector.ts). The
 * server's TCP counters say how many it dropped as outside its window or as acknowledging unsent
 * data; the rest it accepted. Then the client sends a stream longer than the window, so every
 * accepted forged byte that TCP kept meets the real stream.
 *
 * Figures: acceptances per guess, measured, against the analytic (W + L − 1)/2^32 × P(ack passes)
 * for window W and payload L (this TCP, like stacks before RFC 5961, accepts any ACK number not
 * beyond what it sent: about half of all guesses). S5 FAILS when a stream was delivered to the
 * application altered (the blind attacker changed data with ~1/p guesses, p far above 2^-32), and
 * HOLDS when no altered byte reached it although guesses landed: a run in which no guess reached the
 * server's TCP, or TCP accepted none, tested nothing and throws.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../src/core/connection.ts';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { BlindInjector } from './adversary/blind-injector.ts';
import type { TcpSocket } from '../../sim/tcp/tcp-socket.ts';
import { closeCount, closeReasonsText } from './support/close-reasons.ts';
import { PORT, buildStage, forgedBytes } from './support/stage.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

const TWO_32 = 2 ** 32;
/** Far more than a segment's trip across the switch. */
const SETTLE_MS = 10;

const params = z.strictObject({
  guesses: z.number().int().positive().max(1_000_000).default(65_536),
  /** Bytes per forged segment (an Ethernet MSS by default). */
  payloadBytes: z.number().int().positive().max(1460).default(1460),
  everyMs: z.number().positive().default(0.02),
  guessAtMs: z.number().positive().default(500),
  /** The stream the client sends after the guesses; longer than the window, so every accepted byte meets it. */
  legitBytes: z.number().int().positive().max(8 * 2 ** 20).default(5 * 2 ** 20),
});

/** What the target's TCP did with segments so far: received at all, and dropped by its checks. */
function tcpCounts(socket: TcpSocket): { received: number; dropped: number } {
  const stats = socket.stats;
  return { received: stats.segmentsReceived, dropped: stats.segmentsOutOfWindow + stats.segmentsAckingUnsent };
}

export default defineAttack({
  description: 'an off-path attacker sends spoofed segments with guessed sequence and ACK numbers into an idle authenticated connection',
  params,
  run({ profile, seed, params: p }) {
    const stage = buildStage({ seed, profile });
    const { cluster, server, client, excerpt } = stage;
    const { sim } = cluster;
    let peerKey: string | null = null;
    client.on('peer-up', (peer) => (peerKey = peer.key));
    server.on('peer-down', (down) => excerpt.add(sim.scheduler.now, 'n0', 'peer-down', `connection with ${down.peer.address} closed: ${down.reason} (${down.detail})`));

    const measured = { windowBytes: 0, before: { received: 0, dropped: 0 }, received: 0, dropped: 0, accepted: 0 };
    let serverSocket: TcpSocket | null = null;
    sim.scheduler.at(p.guessAtMs, () => {
      const clientSocket = client.host.tcp.sockets().find((s) => s.remoteAddress === server.host.addressText && s.remotePort === PORT);
      serverSocket = server.host.tcp.sockets().find((s) => s.remoteAddress === client.host.addressText && s.remotePort === clientSocket?.localPort) ?? null;
      if (clientSocket === undefined || serverSocket === null || peerKey === null) throw new Error('blind-injection: no established connection to attack (a lab bug)');
      measured.windowBytes = clientSocket.stats.sendWindow; // the window the server advertises
      measured.before = tcpCounts(serverSocket);
      const spoofed = { src: client.host.address, srcPort: clientSocket.localPort, dst: server.host.address, dstPort: PORT };
      excerpt.add(sim.scheduler.now, 'attacker', 'inject', `${p.guesses} spoofed segments ${client.host.addressText}:${clientSocket.localPort} > ${server.host.addressText}:${PORT}, ${p.payloadBytes} bytes each, seq and ack drawn uniformly from 2^32; the server advertises a ${measured.windowBytes}-byte window`);
      new BlindInjector(stage.attacker, spoofed, sim.random.stream('attacker:blind')).start({
        guesses: p.guesses,
        everyMs: p.everyMs,
        payload: forgedBytes(p.payloadBytes).bytes,
        // The last guesses are still on the wire when the last is sent: read the counters once they have landed.
        onDone: () => sim.scheduler.after(SETTLE_MS, () => {
          const after = tcpCounts(serverSocket!);
          measured.received = after.received - measured.before.received;
          measured.dropped = after.dropped - measured.before.dropped;
          measured.accepted = measured.received - measured.dropped;
          excerpt.add(sim.scheduler.now, 'n0', 'tcp', `the server's TCP got ${measured.received} of the ${p.guesses} guesses, dropped ${measured.dropped} and accepted ${measured.accepted}`);
          client.send(peerKey!, p.legitBytes, { confirm: false });
        }),
      });
    });
    stage.start();
    sim.scheduler.runUntilTime(p.guessAtMs + p.guesses * p.everyMs + 5_000);

    const legitSha = generatedStreamSha256(p.legitBytes, DEFAULT_LIMITS.chunkSize);
    const atServer = stage.delivered.filter((d) => d.node === 'n0' && d.at > p.guessAtMs);
    const intact = atServer.filter((d) => d.sha256 === legitSha).length;
    const altered = atServer.filter((d) => d.sha256 !== legitSha).length;
    if (measured.received === 0) throw new Error(`blind-injection: none of the ${p.guesses} guesses reached the server's TCP: nothing was tested`);
    if (measured.accepted === 0) throw new Error(`blind-injection: the server's TCP accepted none of the ${measured.received} guesses that reached it: no forged byte entered the connection, nothing was tested (more guesses, or a larger window)`);
    const closed = server.counters().connectionsClosed;
    const closes = closeReasonsText(closed);

    const w = measured.windowBytes;
    const seqOdds = (w + p.payloadBytes - 1) / TWO_32;
    const ackOdds = (TWO_32 / 2 + 1) / TWO_32; // nothing in flight: any ACK up to SND.NXT, half the space
    const analytic = seqOdds * ackOdds;
    // Per guess that reached TCP: a guess lost on the way (the host's receive backlog) was never judged.
    const measuredRate = measured.accepted / measured.received;
    const counts = {
      guesses: p.guesses,
      reachedTcp: measured.received,
      lostBeforeTcp: p.guesses - measured.received,
      acceptedByTcp: measured.accepted,
      droppedByTcp: measured.dropped,
      streamsDeliveredIntact: intact,
      streamsDeliveredAltered: altered,
      serverConnectionsClosed: closeCount(closed),
    };
    const figures = {
      windowBytes: w,
      acceptedPerGuessMeasured: measuredRate,
      acceptedPerGuessAnalytic: analytic,
      expectedAcceptances: analytic * measured.received,
      guessesPerAcceptanceMeasured: measured.received / measured.accepted,
      bitsOfGuessingMeasured: Math.log2(measured.received / measured.accepted),
    };
    const rate = `${measured.accepted} of ${measured.received} blind guesses that reached the server's TCP were accepted (${measuredRate.toExponential(2)} per guess; analytic (W+L−1)/2^32 × ½ = ${analytic.toExponential(2)} with W = ${w} bytes, i.e. ${expectedText(analytic * measured.received)} expected)`;
    const effect = `then the client's ${p.legitBytes}-byte stream was delivered ${altered > 0 ? `ALTERED (SHA-256 differs) ${altered} time(s)` : intact > 0 ? 'intact' : 'not at all'}; server connection closes: ${closes}`;
    const verdict: ObservedVerdict = altered > 0 ? 'FAILS' : 'HOLDS';
    return {
      observations: [
        {
          claim: 'S5',
          verdict,
          evidence: `${rate}; ${effect}. ${altered > 0 ? `A blind attacker needs about ${Math.round(figures.guessesPerAcceptanceMeasured)} guesses per landed segment, not 2^32.` : `${measured.accepted} forged segments entered the connection; no forged byte reached the application.`}`,
        },
      ],
      counts,
      figures,
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

function expectedText(n: number): string {
  return n >= 10 ? `${Math.round(n)}` : n.toFixed(1);
}

/**
 * ACCEPT replay, i.e. server impersonation (S7, S8). A passive tap on the server's switch port
 * records the server's side of a legitimate handshake (every frame on stream 0 before its first
 * stream frame: the ACCEPT in v1). Later a victim client with the key dials the attacker's address
 * instead of the server's (as ARP or DNS spoofing would make it), and the attacker, who has no key,
 * answers the victim's HELLO with the recorded bytes.
 *
 * Observed: did the victim accept them and establish the session, and how much of the tensor it
 * then sent reached the impostor (DATA bytes the impostor received, and their SHA-256 against the
 * tensor's). S7 HOLDS when the victim refused the impostor, FAILS when it established. S8 is about
 * the token itself: the replayed ACCEPT's token was issued in answer to another client's HELLO (the
 * captured session's, read off the client's port), and the victim sent its own, different HELLO; S8
 * FAILS when the victim took that token as its session's — a token any earlier session yields
 * authenticates nothing — and HOLDS when it refused it.
 */
import { z } from 'zod';
import { generatedStreamSha256 } from '../../sim/asoc/byte-source.ts';
import { describeFrame } from '../../src/wire/frame.ts';
import { FrameSniffer, frameBytes, handshakeFrames } from './adversary/frame-sniffer.ts';
import { addTap } from './adversary/taps.ts';
import { ReplayServer } from './adversary/replayer.ts';
import { DEFAULT_LIMITS } from '../../src/core/connection.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { firstMessageType } from './support/profile-kind.ts';
import { ATTACKER_ADDRESS, PORT, buildStage } from './support/stage.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const VICTIM_ADDRESS = '10.0.0.10';

const params = z.strictObject({
  /** When the victim starts dialing the attacker's address (the captured session is long done). */
  victimStartsAtMs: z.number().positive().max(600_000).default(5_000),
  /** The tensor the victim sends once it believes it is connected. */
  tensorBytes: z.number().int().positive().max(4 * 2 ** 20).default(256 * 1024),
});

export default defineAttack({
  description: 'a keyless impostor answers a client HELLO with an ACCEPT captured from another session, and collects what the client sends',
  params,
  run({ profile, seed, params: p }) {
    const stage = buildStage({ seed, profile });
    const { cluster, server, client, excerpt } = stage;
    const { sim } = cluster;
    // The handshake's first message each way (v1: HELLO and ACCEPT).
    const clientFirst = firstMessageType(profile, 'client');
    const serverFirst = firstMessageType(profile, 'server');

    // The server's side of its first connection with the client, read off the server's switch port.
    const serverSide = new FrameSniffer((packet) => packet.src === server.host.address && packet.dst === client.host.address && packet.srcPort === PORT);
    addTap(stage.portOf(server).uplink, serverSide.tap);
    // The HELLO the captured ACCEPT (and its token) answered, off the client's port.
    const clientSide = new FrameSniffer((packet) => packet.src === client.host.address && packet.dst === server.host.address && packet.dstPort === PORT);
    addTap(stage.portOf(client).uplink, clientSide.tap);
    let victimHello: Uint8Array | null = null;
    client.on('peer-up', (peer) => client.transfer(peer.key, 4096, { confirm: false }));

    let recorded: Uint8Array[] = [];
    const impostor = new ReplayServer(
      stage.attacker,
      PORT,
      () => recorded,
      (_, frame) => {
        if (frame.header.type === clientFirst) victimHello ??= frame.payload;
        excerpt.add(sim.scheduler.now, 'attacker', 'receive', `from the victim: ${describeFrame(frame.header)}`);
      },
    );

    const victim = stage.addNode('victim', VICTIM_ADDRESS, [ATTACKER_ADDRESS]);
    let victimEstablished = 0;
    const victimFailures: string[] = [];
    victim.on('peer-up', (peer) => {
      victimEstablished++;
      excerpt.add(sim.scheduler.now, 'victim', 'peer-up', `session established with ${peer.address}: the victim takes the impostor for the server and sends its tensor`);
      victim.transfer(peer.key, p.tensorBytes, { confirm: false });
    });
    victim.on('auth-failed', (f) => {
      victimFailures.push(f.reason);
      excerpt.add(sim.scheduler.now, 'victim', 'auth-failed', `${f.direction}: ${f.reason}; the victim closed the connection`);
    });

    stage.start();
    sim.scheduler.at(p.victimStartsAtMs, () => {
      recorded = handshakeFrames(serverSide.parser.frames).map(frameBytes);
      if (recorded.length === 0) throw new Error('accept-replay: no ACCEPT was captured (a lab bug)');
      const accept = serverSide.parser.first(serverFirst);
      if (accept) excerpt.add(sim.scheduler.now, 'n0->switch', 'tap', `captured earlier: ${describeFrame(accept.header)} from the server to n1`);
      victim.start();
    });
    // Long enough for a few dial attempts (the reconnect delay is 1–5 s with backoff).
    sim.scheduler.runUntilTime(p.victimStartsAtMs + 20_000);

    const tensorSha256 = generatedStreamSha256(p.tensorBytes, DEFAULT_LIMITS.chunkSize);
    const received = impostor.clients.flatMap((c) => c.streams());
    const leaked = received.filter((s) => s.sha256 === tensorSha256);
    const bytesToImpostor = received.reduce((sum, s) => sum + s.bytes, 0);
    const counts = {
      impostorConnections: impostor.clients.length,
      victimSessionsEstablished: victimEstablished,
      victimAuthFailures: victimFailures.length,
      tensorBytesSent: p.tensorBytes,
      dataBytesReceivedByImpostor: bytesToImpostor,
      tensorsRecoveredWhole: leaked.length,
    };
    if (counts.impostorConnections === 0) throw new Error('accept-replay: the victim never reached the impostor (a lab bug)');
    const fooled = victimEstablished > 0;
    const what = fooled
      ? `The victim accepted an ACCEPT replayed from another session (${victimEstablished} session(s) with the keyless impostor) and sent it ${bytesToImpostor} bytes; ${leaked.length} whole tensor(s) of ${p.tensorBytes} bytes with the right SHA-256.`
      : `The victim refused the replayed ACCEPT on all ${impostor.clients.length} connections (${victimFailures.join(', ') || 'closed'}) and sent the impostor ${bytesToImpostor} data bytes.`;
    const s7: DecidedVerdict = fooled ? 'FAILS' : 'HOLDS';
    const issuedFor = clientSide.parser.first(clientFirst)?.payload;
    const answered = victimHello as Uint8Array | null;
    if (issuedFor === undefined || answered === null) throw new Error(`accept-replay: ${issuedFor === undefined ? "the captured session's HELLO" : "the victim's HELLO"} was not seen, so whose token was replayed to whom is unknown`);
    if (bytesToHex(issuedFor) === bytesToHex(answered)) throw new Error('accept-replay: the victim sent the very HELLO the captured ACCEPT answered: this is not a token from another session');
    const s8: DecidedVerdict = fooled ? 'FAILS' : 'HOLDS';
    return {
      observations: [
        { claim: 'S7', verdict: s7, evidence: `${what} ${fooled ? 'ACCEPT proves only that someone once held the key: nothing ties it to this HELLO.' : ''}`.trim() },
        {
          claim: 'S8',
          verdict: s8,
          evidence: fooled
            ? `The token was not forged but reused: the replayed ACCEPT's token was signed in answer to n1's HELLO (${bytesToHex(issuedFor.subarray(0, 8))}…), and the victim, whose HELLO was another (${bytesToHex(answered.subarray(0, 8))}…), took it as its own session's (${victimEstablished} session(s)): nothing binds the token to a session, so its 2^64 space and HMAC authenticate nothing.`
            : `The ACCEPT signed in answer to n1's HELLO (${bytesToHex(issuedFor.subarray(0, 8))}…) was refused by the victim, whose HELLO was another (${bytesToHex(answered.subarray(0, 8))}…): ${victimFailures.join(', ') || 'closed'}; what the server sends is bound to the HELLO it answers.`,
        },
      ],
      counts,
      figures: { tensorBytes: p.tensorBytes },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

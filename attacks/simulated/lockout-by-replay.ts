/**
 * Lockout by replay (H2): an attacker on the client's path gets an honest client locked out by
 * replaying the client's own HELLOs first.
 *
 * A client node with the key (10.0.0.2) dials the server (10.0.0.1) as a static peer and redials
 * it whenever a connection fails. The attacker, who has no key, watches the client's uplink: when a
 * segment carries the client's HELLO it drops that segment (the client's TCP sends it again a
 * moment later), sends the same HELLO from its own address on a connection of its own, and resets
 * that connection as soon as the server answers. The client's HELLO then reaches a server that has
 * seen its nonce. Every HELLO of every redial goes the same way, for `attackMs`.
 *
 * H2 HOLDS when the client's address was never locked out and the client established a session
 * while the attacker was at it; PARTIAL when it was not locked out but never got a session; FAILS
 * when the server locked the client's address out for failures the attacker caused.
 */
import { z } from 'zod';
import { concatBytes, view } from '../../src/wire/bytes.ts';
import { FrameType, HEADER_SIZE } from '../../src/wire/frame.ts';
import { CLUSTER_API_KEY, CLUSTER_COMMUNITY } from '../../sim/asoc/cluster.ts';
import { SimAsocNode } from '../../sim/asoc/sim-node.ts';
import { parseAddress } from '../../sim/address.ts';
import { Protocol } from '../../sim/packet.ts';
import { ARENA_CLIENT_ADDRESS, ARENA_SERVER_ADDRESS, buildArena } from './adversary/arena.ts';
import { addTap } from './adversary/taps.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack } from './types.ts';

const params = z.strictObject({
  /** How long the attacker keeps at it (the lockout it aims for lasts 5 minutes). */
  attackMs: z.number().positive().max(600_000).default(60_000),
  observeMs: z.number().positive().max(600_000).default(150_000),
});

export default defineAttack({
  description: "an on-path attacker without the key sends each of an honest client's HELLOs first, from its own address, and resets after the server's answer, so that the client's own HELLO arrives as a replay",
  params,
  run({ profile, seed, params: p }) {
    const arena = buildArena({ seed, profile });
    const { sim, server, port } = arena;
    const attacker = arena.attackers[0]!;
    const ATTACKER_NAME = attacker.name;
    const excerpt = new FloodExcerpt();
    const client = new SimAsocNode({ sim, host: arena.client, community: CLUSTER_COMMUNITY, apiKey: CLUSTER_API_KEY, profile, staticPeers: [{ address: ARENA_SERVER_ADDRESS, port }] });

    const serverAddress = parseAddress(ARENA_SERVER_ADDRESS);
    /** Per client connection (its port): the HELLO's bytes held back so far, until it is whole and sent first. */
    const held = new Map<number, { bytes: Uint8Array[]; length: number; done: boolean }>();
    const seenSegments = new Set<string>();
    let replayed = 0;
    let answered = 0;
    const replayFirst = (hello: Uint8Array): void => {
      replayed++;
      excerpt.add(sim.scheduler.now, 'attacker', 'replay-first', `held back the client's HELLO and sends it first, from ${ATTACKER_NAME}`);
      const socket = attacker.tcp.connect(ARENA_SERVER_ADDRESS, port);
      socket.onConnect = () => socket.write(hello);
      socket.onData = () => {
        answered++;
        socket.destroy(); // resets: the copy was only there to be seen first
      };
    };
    addTap(arena.uplinkOf(arena.client), (packet) => {
      if (sim.scheduler.now > p.attackMs || packet.protocol !== Protocol.TCP || packet.dst !== serverAddress || packet.dstPort !== port || packet.payload.length === 0) return packet;
      const segment = `${packet.srcPort}:${packet.seq}`;
      if (seenSegments.has(segment)) return packet; // the client's retransmission goes through, after the copy
      let hello = held.get(packet.srcPort);
      if (hello === undefined) {
        // A connection's first bytes: its HELLO frame, or nothing of interest.
        if (packet.payload[1] !== FrameType.HELLO) return packet;
        held.set(packet.srcPort, (hello = { bytes: [], length: 0, done: false }));
      }
      if (hello.done) return packet;
      seenSegments.add(segment);
      hello.bytes.push(packet.payload.slice());
      const bytes = concatBytes(...hello.bytes);
      if (bytes.length >= HEADER_SIZE && bytes.length >= HEADER_SIZE + view(bytes).getUint32(10)) {
        hello.done = true;
        replayFirst(bytes);
      }
      return null;
    });

    let refusedClient = 0;
    server.on('refused', (r) => {
      if (r.address !== ARENA_CLIENT_ADDRESS) return;
      if (refusedClient++ === 0) excerpt.add(sim.scheduler.now, 'server', `refused ${r.reason}`, `the honest client's address is refused before its handshake`);
    });
    const clientFailures: string[] = [];
    server.on('connection-closed', (c) => {
      if (c.address === ARENA_CLIENT_ADDRESS && !c.established && clientFailures.push(c.reason) <= 6) excerpt.add(sim.scheduler.now, 'server', `closed ${c.reason}`, `the honest client's connection: ${c.detail}`);
    });
    let establishedAt: number | null = null;
    client.on('peer-up', () => {
      if (establishedAt !== null) return;
      establishedAt = sim.scheduler.now;
      excerpt.add(sim.scheduler.now, 'client', 'peer-up', 'the honest client has a session with the server');
    });

    server.start();
    client.start();
    sim.scheduler.runUntilTime(p.observeMs);

    const lockouts = server.admissionCounters.lockouts;
    const lockedOut = refusedClient > 0;
    const servedDuringAttack = establishedAt !== null && establishedAt <= p.attackMs;
    const verdict: DecidedVerdict = lockedOut ? 'FAILS' : servedDuringAttack ? 'HOLDS' : 'PARTIAL';
    const failures = [...new Set(clientFailures)].join(', ') || 'none';
    return {
      observations: [
        {
          claim: 'H2',
          verdict,
          evidence:
            `The attacker sent ${replayed} of the client's HELLOs first, from its own address, and got ${answered} answer(s). ` +
            `The server closed ${clientFailures.length} of the client's own connections (${failures}), charged ${server.admissionCounters.authFailures} failed handshake(s) in all and locked ${lockouts} address(es) out; ` +
            (lockedOut ? `it refused the honest client ${refusedClient} time(s) as locked out` : 'the honest client was never refused') +
            (establishedAt === null ? ', and never got a session.' : `, and got a session ${(establishedAt / 1000).toFixed(2)} s in.`),
        },
      ],
      counts: { helloReplayedFirst: replayed, attackerAnswered: answered, clientConnectionsClosed: clientFailures.length, clientRefusedLockedOut: refusedClient, lockouts, clientEstablished: establishedAt === null ? 0 : 1 },
      figures: { clientEstablishedAtMs: establishedAt ?? -1 },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

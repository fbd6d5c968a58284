/**
 * Tamper lockout (H8): an attacker on an honest client's path flips one bit of each HELLO the client
 * sends, so that the server sees a wrong MAC from the client's address, and counts on the server to
 * lock that address out for it.
 *
 * The client (the arena's client host, with the key) completes a handshake before the attack, so the
 * server knows its address as a peer's (`clientKnown`; off, it is a stranger). Then it tries every
 * `probeEveryMs`, as a dialer would; from the attack's start until `attackMs` the attacker, without
 * the key, flips the last bit of every HELLO on the client's uplink (a byte its MAC covers, in
 * every profile). Nothing tells such a HELLO from a guess at the key.
 *
 * H8 HOLDS when the client's address was never refused as locked out and the client was served
 * within `servedWithinMs` once the attacker stopped; PARTIAL when it was never locked out but not
 * served in time; FAILS when the server locked it out for the attacker's doing.
 */
import { z } from 'zod';
import { view } from '../../src/wire/bytes.ts';
import { FrameType, HEADER_SIZE } from '../../src/wire/frame.ts';
import { Protocol } from '../../sim/packet.ts';
import { buildArena } from './adversary/arena.ts';
import type { CoreClient } from './adversary/core-client.ts';
import { addTap } from './adversary/taps.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack } from './types.ts';

const params = z.strictObject({
  /** When the attacker stops flipping bits (it starts at ATTACK_AT_MS). */
  attackMs: z.number().positive().max(600_000).default(20_000),
  probeEveryMs: z.number().positive().default(1_000),
  /** How soon after the attacker stopped the client must be served. */
  servedWithinMs: z.number().positive().default(3_000),
  observeMs: z.number().positive().max(600_000).default(30_000),
  /** The client completed a handshake before the attack (the server knows its address as a peer's). */
  clientKnown: z.boolean().default(true),
});

const ATTACK_AT_MS = 1_000;

export default defineAttack({
  description: "an on-path attacker without the key flips a bit of every HELLO an honest client sends, so that the server charges the client's address with failed authentications",
  params,
  run({ profile, seed, params: p }) {
    if (p.attackMs <= ATTACK_AT_MS || p.observeMs <= p.attackMs) throw new RangeError(`tamper-lockout needs ${ATTACK_AT_MS} < attackMs < observeMs`);
    const arena = buildArena({ seed, profile });
    const { sim, server, port } = arena;
    const excerpt = new FloodExcerpt();
    const serverAddress = arena.server.host.address;

    let tampered = 0;
    /** Per client port: bytes of its HELLO still to come after the segments seen (the header and payload may travel apart). */
    const helloRest = new Map<number, number>();
    addTap(arena.uplinkOf(arena.client), (packet) => {
      const now = sim.scheduler.now;
      const bytes = packet.payload;
      if (now < ATTACK_AT_MS || now >= p.attackMs || packet.protocol !== Protocol.TCP || packet.dst !== serverAddress || packet.dstPort !== port || bytes.length === 0) return packet;
      let rest = helloRest.get(packet.srcPort);
      if (rest === undefined) {
        // A connection's first bytes are the client's HELLO header.
        if (bytes.length < HEADER_SIZE || bytes[1] !== FrameType.HELLO) return packet;
        rest = HEADER_SIZE + view(bytes).getUint32(10);
      }
      if (bytes.length < rest) {
        helloRest.set(packet.srcPort, rest - bytes.length);
        return packet;
      }
      helloRest.delete(packet.srcPort);
      const altered = bytes.slice();
      altered[rest - 1] = bytes[rest - 1]! ^ 0x01;
      tampered++;
      excerpt.add(now, 'attacker', 'flip-bit', "flipped the last bit of the client's HELLO (a byte its MAC covers)");
      return packet.with({ payload: altered });
    });

    let refusedClient = 0;
    server.on('refused', (r) => {
      if (r.address !== arena.clientAddress) return;
      refusedClient++;
      excerpt.add(sim.scheduler.now, 'server', `refused ${r.reason}`, "the honest client's address is refused before its handshake");
    });
    const closedBeforeHandshake: string[] = [];
    server.on('connection-closed', (c) => {
      if (c.address !== arena.clientAddress || c.established) return;
      closedBeforeHandshake.push(c.reason);
      excerpt.add(sim.scheduler.now, 'server', `closed ${c.reason}`, `the honest client's connection: ${c.detail}`);
    });

    const probes: CoreClient[] = [];
    const probe = (): void => {
      const client = arena.dialLegit();
      probes.push(client);
      client.whenEstablished(() => client.socket.destroy()); // served: the slot is let go at once
      if (sim.scheduler.now + p.probeEveryMs < p.observeMs) sim.scheduler.after(p.probeEveryMs, probe);
    };
    server.start();
    if (p.clientKnown) {
      const first = arena.dialLegit();
      first.whenEstablished(() => {
        excerpt.add(sim.scheduler.now, 'client', 'known', 'a handshake completed before the attack: the server knows this address as a peer');
        first.socket.destroy();
      });
    }
    sim.scheduler.at(ATTACK_AT_MS, probe);
    sim.scheduler.runUntilTime(p.observeMs);

    if (tampered === 0) throw new Error('tamper-lockout: no HELLO of the client was altered (the attack did not happen)');
    const servedAfter = probes.filter((c) => c.established && c.record.openedAt >= p.attackMs).map((c) => c.record.establishedAt! - p.attackMs);
    const firstServedAfterAttack = servedAfter.length > 0 ? Math.min(...servedAfter) : null;
    const servedInTime = firstServedAfterAttack !== null && firstServedAfterAttack <= p.servedWithinMs;
    const lockedOut = refusedClient > 0;
    const verdict: DecidedVerdict = lockedOut ? 'FAILS' : servedInTime ? 'HOLDS' : 'PARTIAL';
    const admission = server.admissionCounters;
    const reasons = [...new Set(closedBeforeHandshake)].join(', ') || 'none';
    return {
      observations: [
        {
          claim: 'H8',
          verdict,
          evidence:
            `${p.clientKnown ? 'A client the server knew as a peer' : 'A client the server had never seen'} tried every ${p.probeEveryMs / 1000} s; an attacker on its path flipped a bit of ${tampered} of its HELLOs until ${p.attackMs / 1000} s. ` +
            `The server closed ${closedBeforeHandshake.length} of the client's connections before a handshake (${reasons}), charged ${admission.authFailures} failure(s) (spared ${admission.sparedKnownPeerFailures} of a known peer's) and locked ${admission.lockouts} address(es) out; ` +
            (lockedOut ? `it refused the client ${refusedClient} time(s) as locked out` : 'it never refused the client') +
            (firstServedAfterAttack === null ? ', which was not served once the attacker stopped.' : `, which was served ${(firstServedAfterAttack / 1000).toFixed(2)} s after the attacker stopped (needed within ${p.servedWithinMs / 1000} s).`),
        },
      ],
      counts: {
        hellosTampered: tampered,
        clientClosedBeforeHandshake: closedBeforeHandshake.length,
        chargedFailures: admission.authFailures,
        sparedKnownPeerFailures: admission.sparedKnownPeerFailures,
        lockouts: admission.lockouts,
        clientRefusedLockedOut: refusedClient,
        probes: probes.length,
        probesServed: probes.filter((c) => c.established).length,
      },
      figures: { firstServedAfterAttackMs: firstServedAfterAttack ?? -1 },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

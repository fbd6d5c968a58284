/**
 * Connection flood and slow handshake (S10, RFC-0001 §10.4: at most 100 connections per node).
 *
 * Attacker hosts open `connections` TCP connections to the server at once (spread over `addresses`
 * source addresses) and never send a byte, so each holds a slot until the server's handshake
 * timeout. In `reconnect` mode (the slow-handshake attack) every connection that closes is replaced
 * after `retryDelayMs`, for `durationMs`. Meanwhile a legitimate client with the key tries to
 * connect every `probeEveryMs`.
 *
 * Observed: the most inbound connections the server held at once (admission's own high-water mark,
 * so no peak is missed) against the cap the claim promises (RFC-0001 §10.4: 100, or
 * `claimedMaxConnections`), what admission refused and why, and when the legitimate client was
 * first served. The server's own cap is its profile's (none, for the Python reference's behaviour)
 * or `serverMaxConnections`. The limit HOLDS when the server never held more than the claimed cap
 * and the legitimate client was served within `legitServedWithinMs` of the attack's start; PARTIAL
 * when the cap held but the client was starved that long; FAILS when the cap was exceeded.
 *
 * With `legitKnown`, the legitimate client completes a handshake once before the flood, so the
 * server knows it as a peer; H6 (a known peer is served while unknown addresses hold every slot
 * open to them) HOLDS when it was served within `legitServedWithinMs`, FAILS when not. Without it,
 * H9 (a client the server has never seen is served while silent connections hold every slot open to
 * it) is decided the same way.
 *
 * With `ipv6`, every host is on IPv6 and the attacker addresses are all in one /64, as one machine
 * given a provider's /64 would use them: a profile that counts a /64 as one address caps them all
 * together.
 */
import { z } from 'zod';
import { DEFAULT_ADMISSION } from '../../src/core/admission.ts';
import { buildArena } from './adversary/arena.ts';
import type { CoreClient } from './adversary/core-client.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { RawTcpClient } from './adversary/raw-tcp-client.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const params = z
  .object({
    connections: z.number().int().min(1).max(2_000).default(150),
    addresses: z.number().int().min(1).max(250).default(30),
    mode: z.enum(['hold', 'reconnect']).default('hold'),
    retryDelayMs: z.number().positive().default(200),
    durationMs: z.number().positive().max(600_000).default(30_000),
    probeEveryMs: z.number().positive().default(1_000),
    legitServedWithinMs: z.number().positive().default(15_000),
    observeMs: z.number().positive().max(600_000).default(40_000),
    /** The server's connection cap, when not its profile's. */
    serverMaxConnections: z.number().int().positive().max(10_000).optional(),
    /** The legitimate client completes a handshake before the flood, so the server knows it as a peer. */
    legitKnown: z.boolean().default(false),
    /** Every host on IPv6, the attacker addresses all in one /64 (one machine's prefix). */
    ipv6: z.boolean().default(false),
    /** The cap the claim promises (default RFC-0001 §10.4's 100). */
    claimedMaxConnections: z.number().int().positive().max(10_000).default(DEFAULT_ADMISSION.maxConnections),
  })
  .strict();

const ATTACK_AT_MS = 100;

export default defineAttack({
  description: 'many silent TCP connections (optionally re-opened as they close) against the connection cap (100 by default), with a legitimate client probing',
  params,
  run({ profile, seed, params: p }) {
    const serverSettings = p.serverMaxConnections === undefined ? {} : { admission: { maxConnections: p.serverMaxConnections } };
    const arena = buildArena({ seed, profile, attackers: p.addresses, server: serverSettings, ipv6: p.ipv6 });
    const { sim, server } = arena;
    const excerpt = new FloodExcerpt();
    const sources = `${p.addresses} addresses${p.ipv6 ? ' of one IPv6 /64' : ''}`;
    const clients = arena.attackers.map((host) => new RawTcpClient(host));
    const legitRefusals = { count: 0 };
    server.on('refused', (r) => {
      if (r.address === arena.clientAddress) legitRefusals.count++;
      excerpt.add(sim.scheduler.now, 'server', `refused ${r.reason}`, `inbound connection from ${r.address} dropped before its handshake`);
    });
    server.start();

    const open = (index: number): void => {
      const client = clients[index % clients.length]!;
      const conn = client.connect(arena.serverAddress, arena.port);
      if (p.mode !== 'reconnect') return;
      conn.whenClosed(() => {
        if (sim.scheduler.now + p.retryDelayMs < ATTACK_AT_MS + p.durationMs) sim.scheduler.after(p.retryDelayMs, () => open(index));
      });
    };
    sim.scheduler.at(ATTACK_AT_MS, () => {
      excerpt.add(sim.scheduler.now, 'attackers', 'flood', `${p.connections} connections from ${sources}, none sends a byte (${p.mode})`);
      for (let i = 0; i < p.connections; i++) open(i);
    });

    const probes: CoreClient[] = [];
    const probe = (): void => {
      const legit = arena.dialLegit();
      probes.push(legit);
      legit.whenEstablished(() => {
        excerpt.add(sim.scheduler.now, 'client', 'legit-served', `handshake completed after ${(legit.record.establishedAt! - legit.record.openedAt).toFixed(1)} ms`);
        legit.socket.destroy(); // frees its slot at once: the probe only asks "would I be served?"
      });
      legit.whenClosed(() => {
        if (!legit.established) excerpt.add(sim.scheduler.now, 'client', 'legit-refused', `TCP ${legit.record.tcpCloseReason} before the handshake`);
      });
      if (sim.scheduler.now + p.probeEveryMs < p.observeMs) sim.scheduler.after(p.probeEveryMs, probe);
    };
    if (p.legitKnown) {
      // Known before the flood: one handshake at once, then the connection is let go.
      const first = arena.dialLegit();
      first.whenEstablished(() => {
        excerpt.add(sim.scheduler.now, 'client', 'known', 'a handshake completed before the flood: the server knows this address as a peer');
        first.socket.destroy();
      });
    }
    sim.scheduler.at(ATTACK_AT_MS + 400, probe);

    sim.scheduler.runUntilTime(p.observeMs + 1_000);

    const cap = p.claimedMaxConnections;
    const serverCap = server.admissionSettings.maxConnections;
    const maxOpen = server.peakInboundConnections;
    const served = probes.filter((c) => c.established);
    const firstServedAt = served.length > 0 ? Math.min(...served.map((c) => c.record.establishedAt!)) : null;
    const servedInTime = firstServedAt !== null && firstServedAt - ATTACK_AT_MS <= p.legitServedWithinMs;
    const capHeld = maxOpen <= cap;
    const verdict: DecidedVerdict = !capHeld ? 'FAILS' : servedInTime ? 'HOLDS' : 'PARTIAL';
    const admission = server.admissionCounters;
    const opened = clients.reduce((sum, c) => sum + c.connections.length, 0);
    const servedDuringAttack = served.filter((c) => c.record.establishedAt! < ATTACK_AT_MS + p.durationMs).length;
    const firstServed = firstServedAt === null ? 'never' : `first at ${((firstServedAt - ATTACK_AT_MS) / 1000).toFixed(2)} s after the flood began`;
    const servedEvidence =
      `${p.legitKnown ? 'A client the server knew as a peer (it had completed a handshake before the flood)' : 'A client the server did not know'} tried every ${p.probeEveryMs / 1000} s while ${opened} silent connections from ${sources} held what slots they could (the server held at most ${maxOpen} at once, and closed ${admission.silentEvicted} silent ones to make room): ` +
      `served in ${served.length} of ${probes.length} probes, ${firstServed} (needed within ${p.legitServedWithinMs / 1000} s).`;
    return {
      observations: [
        // H6 (a known peer, or a stranger beside one /64) and H9 (a stranger under load) ask the same: was the client served in time?
        ...(['H6', 'H9'] as const).map((claim) => ({ claim, verdict: servedInTime ? ('HOLDS' as const) : ('FAILS' as const), evidence: servedEvidence })),
        {
          claim: 'S10',
          verdict,
          evidence:
            `${opened} attacker connections opened from ${sources}; the server held at most ${maxOpen} at once (claimed cap ${cap}; the server's own: ${serverCap === Infinity ? 'none' : serverCap}); of all inbound connections it refused ${admission.refused['too-many-connections']} as too many, ${admission.refused['too-many-handshakes']} as too many handshakes from one address and ${admission.refused['locked-out']} as locked out (${admission.lockouts} address lockouts after ${admission.authFailures} unauthenticated closes). ` +
            `The legitimate client was served in ${served.length} of ${probes.length} probes, ${firstServed} (needed within ${p.legitServedWithinMs / 1000} s).`,
        },
      ],
      counts: {
        attackerConnectionsOpened: opened,
        maxOpenAtServer: maxOpen,
        admitted: admission.admitted,
        refusedTooMany: admission.refused['too-many-connections'],
        refusedLockedOut: admission.refused['locked-out'],
        refusedTooManyHandshakes: admission.refused['too-many-handshakes'],
        unauthenticatedFailures: admission.authFailures,
        lockouts: admission.lockouts,
        silentEvicted: admission.silentEvicted,
        handshakeTimeouts: server.counters().connectionsClosed['handshake-timeout'] ?? 0,
        legitProbes: probes.length,
        legitRefused: legitRefusals.count,
        legitServed: served.length,
        legitServedDuringAttack: servedDuringAttack,
      },
      figures: {
        claimedConnectionCap: cap,
        serverConnectionCap: serverCap === Infinity ? -1 : serverCap,
        firstLegitServedAfterAttackStartMs: firstServedAt === null ? -1 : firstServedAt - ATTACK_AT_MS,
      },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

/**
 * Failed-authentication burst from one address (S10: "5 failed auths per IP"; S1: a node without
 * the key cannot join).
 *
 * An intruder runs the real client core with a wrong key from one attacker address and connects
 * `attempts` times in a row, `gapMs` after each connection ends. Then a legitimate client, from
 * another address, connects. Observed, on the server: how many HELLOs it evaluated (auth failures)
 * before the address was locked out, how many connections it refused unread, and whether the
 * intruder ever got a handshake or a byte back.
 *
 * S10 HOLDS when no more than 5 HELLOs were evaluated within 60 s, every later attempt was refused
 * and the legitimate client was served; PARTIAL when the lockout worked but the legitimate client
 * was refused too; FAILS when more than 5 were evaluated. S1 HOLDS when no intruder connection
 * completed a handshake.
 */
import { z } from 'zod';
import { DEFAULT_ADMISSION } from '../../src/core/admission.ts';
import { WRONG_API_KEY, buildArena } from './adversary/arena.ts';
import type { CoreClient } from './adversary/core-client.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

const params = z
  .object({
    attempts: z.number().int().min(1).max(1_000).default(12),
    gapMs: z.number().min(0).default(500),
    observeMs: z.number().positive().max(600_000).default(30_000),
  })
  .strict();

const START_MS = 100;

export default defineAttack({
  description: 'bad-HELLO burst from one address (wrong key) against the 5-failures lockout, then a legitimate client from elsewhere',
  params,
  run({ profile, seed, params: p }) {
    const arena = buildArena({ seed, profile });
    const { sim, server } = arena;
    const attacker = arena.attackers[0]!;
    const excerpt = new FloodExcerpt();
    const window = DEFAULT_ADMISSION.failureWindowMs;
    const failureTimes: number[] = [];
    server.on('auth-failed', (f) => {
      failureTimes.push(sim.scheduler.now);
      excerpt.add(sim.scheduler.now, 'server', 'auth-failed', `HELLO from ${f.address}: ${f.reason}; closed without a reply`);
    });
    server.on('refused', (r) => excerpt.add(sim.scheduler.now, 'server', `refused ${r.reason}`, `connection from ${r.address} dropped unread`));
    server.start();

    const intruders: CoreClient[] = [];
    const attempt = (): void => {
      const intruder = arena.dial(attacker, WRONG_API_KEY);
      intruders.push(intruder);
      intruder.whenClosed(() => sim.scheduler.after(p.gapMs, intruders.length < p.attempts ? attempt : probe));
    };
    let legit: CoreClient | null = null;
    const probe = (): void => {
      legit = arena.dialLegit();
      excerpt.add(sim.scheduler.now, 'client', 'legit-dial', 'a client with the key connects from another address');
    };
    sim.scheduler.at(START_MS, attempt);
    sim.scheduler.runUntilTime(p.observeMs);

    const admission = server.admissionCounters;
    const firstFailure = failureTimes[0] ?? 0;
    const evaluatedInWindow = failureTimes.filter((t) => t - firstFailure < window).length;
    const established = intruders.filter((c) => c.established).length;
    const bytesBack = intruders.reduce((sum, c) => sum + c.bytesReceived, 0);
    const legitServed = (legit as CoreClient | null)?.established ?? false;
    const limit = DEFAULT_ADMISSION.maxAuthFailures;
    const lockoutHeld = evaluatedInWindow <= limit && admission.refused['locked-out'] === intruders.length - failureTimes.length;
    const s10: ObservedVerdict = !lockoutHeld ? 'FAILS' : legitServed ? 'HOLDS' : 'PARTIAL';
    const s1: ObservedVerdict = established === 0 ? 'HOLDS' : 'FAILS';
    return {
      observations: [
        {
          claim: 'S10',
          verdict: s10,
          evidence:
            `${intruders.length} wrong-key connections from one address: the server evaluated ${failureTimes.length} HELLOs (${evaluatedInWindow} within ${window / 1000} s of the first), locked the address out ${admission.lockouts} time(s) and refused ${admission.refused['locked-out']} connections unread (limit ${limit}). ` +
            `A legitimate client from another address was ${legitServed ? 'served' : 'not served'} afterwards.`,
        },
        {
          claim: 'S1',
          verdict: s1,
          evidence: `${established} of ${intruders.length} wrong-key connections completed a handshake; the server sent the intruder ${bytesBack} bytes in all.`,
        },
      ],
      counts: {
        attempts: intruders.length,
        helloEvaluated: failureTimes.length,
        helloEvaluatedInWindow: evaluatedInWindow,
        refusedLockedOut: admission.refused['locked-out'],
        lockouts: admission.lockouts,
        intruderHandshakes: established,
        bytesToIntruder: bytesBack,
        legitServed: legitServed ? 1 : 0,
      },
      figures: { failureLimit: limit, failureWindowMs: window, lockoutMs: DEFAULT_ADMISSION.lockoutMs },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

/**
 * failed-auth-burst (claims S10 "5 failed auths per IP", S1): from this address, one connection
 * after another, each with a HELLO signed by a wrong key (what the project's client core sends when
 * given a random key, so it speaks the profile's wire version). Before each HELLO the attack watches
 * the fresh connection for a moment: a server that has locked the address out closes it at once,
 * unprompted. The result is the attempt from which that happens; RFC-0001 §10.4 says after 5. If it
 * happens from attempt 1, the address was locked out before the burst began and nothing was tested
 * (each run therefore comes from a fresh source address by default; see attackSource).
 */
import { performance } from 'node:perf_hooks';
import type { AsocProfile } from '../../src/core/profile.ts';
import { systemRandom } from '../../src/net/system.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { checkCount } from './bounds.ts';
import { RawConnection, clientCore, connectSocket } from './raw-connection.ts';
import type { AttackResult } from './result.ts';
import { noConnection, runAttack, tryLegitimateClient, type LiveAttackContext, type CommonAttackOptions } from './run.ts';

export const FAILED_AUTH_BURST_CLAIMS = ['S10', 'S1'];
export const CLAIMED_FAILURES_BEFORE_LOCKOUT = 5;

export interface FailedAuthBurstOptions extends CommonAttackOptions {
  /** Bad HELLOs to try (default 10). */
  count?: number;
  /**
   * How long a fresh connection is watched for an unprompted close before the HELLO goes out
   * (default 500 ms): a lockout close slower than this on a loaded machine would be taken for a
   * HELLO being heard, so it errs long.
   */
  probeMs?: number;
}

type AttemptOutcome = 'refused-at-connect' | 'closed-at-once' | 'closed-after-hello' | 'left-open';

interface Attempt {
  attempt: number;
  outcome: AttemptOutcome;
  closeKind: string | null;
  /** From the connect (closed at once) or from the HELLO (closed after it). */
  closedAfterMs: number | null;
  connectError?: string;
}

const AFTER_HELLO_WAIT_MS = 2_000;
const DEFAULT_PROBE_MS = 500;

/** A HELLO as a client holding a random (wrong) key sends it. */
export function wrongKeyHello(profile: AsocProfile): Uint8Array {
  return concatBytes(...(clientCore(profile, systemRandom.bytes(32)).pollTransmit() ?? []));
}

export function failedAuthBurst(options: FailedAuthBurstOptions): Promise<AttackResult> {
  const count = checkCount('attempt count', options.count ?? 10);
  return runAttack('failed-auth-burst', FAILED_AUTH_BURST_CLAIMS, options, async (context) => {
    const attempts: Attempt[] = [];
    for (let i = 1; i <= count && !context.deadline.expired; i++) attempts.push(await attemptOnce(context, i, options.probeMs ?? DEFAULT_PROBE_MS));
    if (attempts.every((a) => a.outcome === 'refused-at-connect')) return noConnection(attempts.map((a) => a.connectError ?? ''), { attempts: attempts.length });
    const legit = await tryLegitimateClient(context);
    const refused = attempts.filter((a) => a.outcome === 'refused-at-connect' || a.outcome === 'closed-at-once');
    const firstRefused = refused[0]?.attempt ?? null;
    const counts: Record<string, number> = {
      attempts: attempts.length,
      closedAfterHello: attempts.filter((a) => a.outcome === 'closed-after-hello').length,
      refusedAtOnce: refused.length,
      leftOpen: attempts.filter((a) => a.outcome === 'left-open').length,
    };
    if (firstRefused !== null) counts.firstRefusedAttempt = firstRefused;
    if (legit) counts.legitimateClientAdmitted = legit.established ? 1 : 0;
    const helloCloses = attempts.filter((a) => a.outcome === 'closed-after-hello').map((a) => a.closedAfterMs!);
    const timesMs: Record<string, number> = helloCloses.length ? { maxCloseAfterBadHello: Math.max(...helloCloses) } : {};
    const details = { attempts, legitimateClient: legit ? (legit.established ? 'admitted' : legit.reason) : 'not tried (no key)' };
    const legitNote = legit ? `; afterwards a legitimate client from this address ${legit.established ? 'got in' : `was kept out (${legit.reason})`}` : '';
    const lockoutAttempt = CLAIMED_FAILURES_BEFORE_LOCKOUT + 1;
    if (firstRefused === 1) {
      return { outcome: 'INCONCLUSIVE', summary: `address already locked out before the attack: attempt 1 was refused before any HELLO, so nothing was tested (run from another --source)${legitNote}`, counts, timesMs, details };
    }
    if (firstRefused !== null && firstRefused <= lockoutAttempt) {
      return { outcome: 'REFUSED', summary: `locked out: from attempt ${firstRefused} on, connections were closed before any HELLO (after ${firstRefused - 1} failures in this burst; earlier failures from this address within the server's window count too)${legitNote}`, counts, timesMs, details };
    }
    if (firstRefused !== null) {
      return { outcome: 'SUCCEEDED', summary: `the lockout came only at attempt ${firstRefused}, after ${firstRefused - 1} failures instead of ${CLAIMED_FAILURES_BEFORE_LOCKOUT}${legitNote}`, counts, timesMs, details };
    }
    if (attempts.length >= lockoutAttempt) {
      return { outcome: 'SUCCEEDED', summary: `no lockout: all ${attempts.length} bad HELLOs got a hearing${legitNote}`, counts, timesMs, details };
    }
    return { outcome: 'INCONCLUSIVE', summary: `only ${attempts.length} attempts, no lockout seen: try at least ${lockoutAttempt}`, counts, timesMs, details };
  });
}

async function attemptOnce(context: LiveAttackContext, attempt: number, probeMs: number): Promise<Attempt> {
  let connection: RawConnection;
  try {
    connection = new RawConnection(await connectSocket(context.target, context));
  } catch (err) {
    return { attempt, outcome: 'refused-at-connect', closeKind: null, closedAfterMs: null, connectError: (err as Error).message };
  }
  try {
    if (await connection.waitClosed(context.deadline.cap(probeMs))) {
      return { attempt, outcome: 'closed-at-once', closeKind: connection.closeKind, closedAfterMs: connection.closedAfterMs };
    }
    const helloAt = performance.now();
    await connection.write(wrongKeyHello(context.profile));
    const closed = await connection.waitClosed(context.deadline.cap(AFTER_HELLO_WAIT_MS));
    const closedAfterMs = closed ? connection.closedAfterMs! - (helloAt - connection.openedAt) : null;
    return { attempt, outcome: closed ? 'closed-after-hello' : 'left-open', closeKind: connection.closeKind, closedAfterMs };
  } finally {
    connection.destroy();
  }
}

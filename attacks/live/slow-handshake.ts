/**
 * slow-handshake (claim S10; the HELLO→ACCEPT timeout of RFC-0001 §9.3, 10 s): open connections
 * that send nothing and hold a slot each, and time how long the server lets them. The protection is
 * the handshake timeout: the attack SUCCEEDS if connections stay open clearly longer than the
 * claimed timeout, and is INCONCLUSIVE if the budget ends before that could be seen. The first
 * connection opens alone: if the server closes it at once, the address was locked out (or refused)
 * before the attack and no timeout was measured, so that too is INCONCLUSIVE.
 */
import { checkCount } from './bounds.ts';
import { RawConnection, connectSocket } from './raw-connection.ts';
import type { AttackResult } from './result.ts';
import { noConnection, runAttack, tryLegitimateClient, type CommonAttackOptions } from './run.ts';

export const SLOW_HANDSHAKE_CLAIMS = ['S10'];
export const CLAIMED_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface SlowHandshakeOptions extends CommonAttackOptions {
  /** Silent connections to hold (default 10). */
  count?: number;
  /** The timeout the claim promises (default 10 s). */
  claimedTimeoutMs?: number;
}

/** Timer slack allowed on top of the claimed timeout before calling it exceeded: 10 %, at least 100 ms. */
function slackMs(claimedMs: number): number {
  return Math.max(100, claimedMs / 10);
}

/** A close sooner than this after connecting (and sooner than half the claimed timeout) is a refusal, not a timeout. */
const REFUSED_AT_ONCE_MS = 100;

export function slowHandshake(options: SlowHandshakeOptions): Promise<AttackResult> {
  const count = checkCount('connection count', options.count ?? 10);
  const claimedMs = options.claimedTimeoutMs ?? CLAIMED_HANDSHAKE_TIMEOUT_MS;
  return runAttack('slow-handshake', SLOW_HANDSHAKE_CLAIMS, options, async (context) => {
    const open = () => connectSocket(context.target, context).then((socket) => new RawConnection(socket));
    const first = await Promise.allSettled([open()]);
    const settled = [...first, ...(await Promise.allSettled(Array.from({ length: count - 1 }, open)))];
    const connections = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const connectFailed = settled.length - connections.length;
    if (connections.length === 0) return noConnection(settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : [])), { attempted: count, connectFailed });
    // Wait for the server to close them all, or for the budget (keeping a little for the legitimate client).
    const waitMs = Math.max(0, context.deadline.remainingMs() - (context.apiKey ? 1_000 : 0));
    await Promise.all(connections.map((c) => c.waitClosed(waitMs)));
    const heldMs = context.deadline.elapsedMs();
    const closeTimes = connections.filter((c) => c.closed).map((c) => c.closedAfterMs!);
    const stillOpen = connections.length - closeTimes.length;
    const legit = await tryLegitimateClient(context);
    const counts: Record<string, number> = { attempted: count, connected: connections.length, connectFailed, closedByServer: closeTimes.length, stillOpen };
    if (legit) counts.legitimateClientAdmitted = legit.established ? 1 : 0;
    const timesMs: Record<string, number> = { claimedTimeout: claimedMs, held: heldMs };
    if (closeTimes.length) Object.assign(timesMs, { firstClose: Math.min(...closeTimes), lastClose: Math.max(...closeTimes) });
    const details = { closeKinds: connections.map((c) => c.closeKind), legitimateClient: legit ? (legit.established ? 'admitted' : legit.reason) : 'not tried (no key)' };
    const legitNote = legit ? `; afterwards a legitimate client from this address ${legit.established ? 'got in' : `was kept out (${legit.reason})`}` : '';
    const limit = claimedMs + slackMs(claimedMs);
    const firstCloseMs = first[0]!.status === 'fulfilled' ? first[0]!.value.closedAfterMs : null;
    if (firstCloseMs !== null && firstCloseMs < Math.min(REFUSED_AT_ONCE_MS, claimedMs / 2)) {
      return { outcome: 'INCONCLUSIVE', summary: `address already locked out before the attack: the server closed the first silent connection ${firstCloseMs.toFixed(1)} ms after it opened, so no handshake timeout was measured (run from another --source)${legitNote}`, counts, timesMs, details };
    }
    if (stillOpen === 0) {
      const last = Math.max(...closeTimes);
      return last <= limit
        ? { outcome: 'REFUSED', summary: `the server closed all ${connections.length} silent connections, the last after ${(last / 1000).toFixed(2)} s (claimed timeout ${claimedMs / 1000} s)${legitNote}`, counts, timesMs, details }
        : { outcome: 'SUCCEEDED', summary: `silent connections held slots for up to ${(last / 1000).toFixed(2)} s, beyond the claimed ${claimedMs / 1000} s${legitNote}`, counts, timesMs, details };
    }
    if (stillOpen > 0 && heldMs > limit) {
      return { outcome: 'SUCCEEDED', summary: `${stillOpen} silent connections were still open after ${(heldMs / 1000).toFixed(2)} s, beyond the claimed ${claimedMs / 1000} s timeout${legitNote}`, counts, timesMs, details };
    }
    return { outcome: 'INCONCLUSIVE', summary: `${stillOpen} of ${connections.length} silent connections still open when the ${(context.deadline.budgetMs / 1000).toFixed(1)} s budget ended (give --timeout above the claimed ${claimedMs / 1000} s)${legitNote}`, counts, timesMs, details };
  });
}

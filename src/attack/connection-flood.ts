/**
 * connection-flood (claim S10, "100 connections"): open N connections (default 150) that never say
 * HELLO, hold them a moment, and count how many the server keeps open and how many it closes or
 * refuses; while they are held, a legitimate client (if a key is given) tries to get in. The
 * protection is the cap: the attack SUCCEEDS if the server keeps more connections open than the
 * claimed limit. Note that a working cap still keeps the legitimate client out while the flood
 * lasts; the result says so.
 */
import { checkCount, pause } from './bounds.ts';
import { RawConnection, connectSocket } from './raw-connection.ts';
import type { AttackResult } from './result.ts';
import { noConnection, runAttack, tryLegitimateClient, type CommonAttackOptions } from './run.ts';

export const CONNECTION_FLOOD_CLAIMS = ['S10'];
export const CLAIMED_CONNECTION_LIMIT = 100;

export interface ConnectionFloodOptions extends CommonAttackOptions {
  /** Connections to open (default 150). */
  count?: number;
  /** How long they are held before counting (default 1 s). */
  holdMs?: number;
  /** The limit the claim promises (default 100). */
  claimedLimit?: number;
}

export function connectionFlood(options: ConnectionFloodOptions): Promise<AttackResult> {
  const count = checkCount('connection count', options.count ?? 150);
  const claimedLimit = options.claimedLimit ?? CLAIMED_CONNECTION_LIMIT;
  return runAttack('connection-flood', CONNECTION_FLOOD_CLAIMS, options, async (context) => {
    const opening = Array.from({ length: count }, () => connectSocket(context.target, context).then((socket) => new RawConnection(socket)));
    const settled = await Promise.allSettled(opening);
    const openedMs = context.deadline.elapsedMs();
    const connections = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const connectErrors = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
    if (connections.length === 0) return noConnection(connectErrors, { attempted: count, connectFailed: count });
    await pause(options.holdMs ?? 1_000, context.deadline);
    const legit = await tryLegitimateClient(context);
    const open = connections.filter((c) => !c.closed);
    const closedByServer = connections.filter((c) => c.closed && c.closeKind !== 'local');
    const closeTimes = closedByServer.map((c) => c.closedAfterMs!).sort((a, b) => a - b);
    const counts: Record<string, number> = { attempted: count, connected: connections.length, connectFailed: connectErrors.length, keptOpen: open.length, closedByServer: closedByServer.length, claimedLimit };
    if (legit) counts.legitimateClientAdmitted = legit.established ? 1 : 0;
    const timesMs: Record<string, number> = { openAll: openedMs };
    if (closeTimes.length) timesMs.medianCloseAfter = closeTimes[Math.floor(closeTimes.length / 2)]!;
    if (legit) timesMs.legitimateHandshake = legit.handshakeMs;
    const details = { connectErrors: [...new Set(connectErrors)], legitimateClient: legit ? (legit.established ? 'admitted' : legit.reason) : 'not tried (no key)' };
    const legitNote = legit ? `; a legitimate client ${legit.established ? 'still got in' : `was kept out (${legit.reason})`}` : '';
    if (open.length > claimedLimit) {
      return { outcome: 'SUCCEEDED', summary: `the server kept ${open.length} of ${count} unauthenticated connections open, more than the claimed ${claimedLimit}${legitNote}`, counts, timesMs, details };
    }
    if (open.length === count) {
      return { outcome: 'INCONCLUSIVE', summary: `all ${count} connections stayed open, but that is not more than the claimed ${claimedLimit}: flood with more${legitNote}`, counts, timesMs, details };
    }
    return { outcome: 'REFUSED', summary: `the server kept ${open.length} of ${count} connections open and closed or refused ${closedByServer.length + connectErrors.length}${legitNote}`, counts, timesMs, details };
  });
}

/**
 * connection-flood (claim S10, "100 connections"): open N connections (default 150) that never say
 * HELLO, hold them a moment, and count how many the server keeps open and how many it closes or
 * refuses; while they are held, a legitimate client (if a key is given) tries to get in. The
 * protection is the cap: the attack SUCCEEDS if the server keeps more connections open than the
 * claimed limit, and is REFUSED only if more connections than that limit reached the server (see
 * floodOutcome). Note that a working cap still keeps the legitimate client out while the flood
 * lasts; the result says so.
 */
import { checkCount, pause } from './bounds.ts';
import { RawConnection, connectSocket, type ConnectFailedError } from './raw-connection.ts';
import type { LiveAttackOutcome, AttackResult } from './result.ts';
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

/** Errors of our own side (out of file descriptors, ports or memory): not the server's doing. */
const LOCAL_CONNECT_ERRORS = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'EADDRINUSE', 'ENOBUFS', 'ENOMEM', 'EINVAL', 'EACCES', 'EPERM']);

export function isLocalConnectError(code: string): boolean {
  return LOCAL_CONNECT_ERRORS.has(code);
}

export interface FloodTally {
  attempted: number;
  claimedLimit: number;
  /** Connections still open when counted. */
  keptOpen: number;
  /** Connections that never opened because of a local error (see isLocalConnectError). */
  localErrors: number;
}

/**
 * The verdict on a flood. Only connections that reached the server test its cap: if no more than
 * the claimed limit did (a flood of at most the limit, or local errors such as EMFILE cut it short),
 * the cap was never put to the test and whatever closed proves nothing about it.
 */
export function floodOutcome(tally: FloodTally): { outcome: LiveAttackOutcome; why: string } {
  const reached = tally.attempted - tally.localErrors;
  if (tally.keptOpen > tally.claimedLimit) return { outcome: 'SUCCEEDED', why: `more than the claimed ${tally.claimedLimit}` };
  if (reached <= tally.claimedLimit) {
    const cause = tally.localErrors > 0 ? `${tally.localErrors} of ${tally.attempted} failed on this side (local errors), so only ${reached} reached the server` : `${tally.attempted} is not more than the claimed ${tally.claimedLimit}`;
    return { outcome: 'INCONCLUSIVE', why: `the cap was not tested: ${cause}; flood with more than ${tally.claimedLimit}` };
  }
  return { outcome: 'REFUSED', why: `of ${reached} that reached it, at most the claimed ${tally.claimedLimit}` };
}

export function connectionFlood(options: ConnectionFloodOptions): Promise<AttackResult> {
  const count = checkCount('connection count', options.count ?? 150);
  const claimedLimit = options.claimedLimit ?? CLAIMED_CONNECTION_LIMIT;
  return runAttack('connection-flood', CONNECTION_FLOOD_CLAIMS, options, async (context) => {
    const opening = Array.from({ length: count }, () => connectSocket(context.target, context).then((socket) => new RawConnection(socket)));
    const settled = await Promise.allSettled(opening);
    const openedMs = context.deadline.elapsedMs();
    const connections = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const connectErrors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as ConnectFailedError] : []));
    if (connections.length === 0) return noConnection(connectErrors.map((e) => e.message), { attempted: count, connectFailed: count });
    const localErrors = connectErrors.filter((e) => isLocalConnectError(e.code));
    await pause(options.holdMs ?? 1_000, context.deadline);
    const legit = await tryLegitimateClient(context);
    const open = connections.filter((c) => !c.closed);
    const closedByServer = connections.filter((c) => c.closed && c.closeKind !== 'local');
    const refusedByServer = connectErrors.length - localErrors.length;
    const closeTimes = closedByServer.map((c) => c.closedAfterMs!).sort((a, b) => a - b);
    const counts: Record<string, number> = { attempted: count, connected: connections.length, refusedByServer, localConnectErrors: localErrors.length, keptOpen: open.length, closedByServer: closedByServer.length, claimedLimit };
    if (legit) counts.legitimateClientAdmitted = legit.established ? 1 : 0;
    const timesMs: Record<string, number> = { openAll: openedMs };
    if (closeTimes.length) timesMs.medianCloseAfter = closeTimes[Math.floor(closeTimes.length / 2)]!;
    if (legit) timesMs.legitimateHandshake = legit.handshakeMs;
    const details = { connectErrors: [...new Set(connectErrors.map((e) => e.message))], legitimateClient: legit ? (legit.established ? 'admitted' : legit.reason) : 'not tried (no key)' };
    const legitNote = legit ? `; a legitimate client ${legit.established ? 'still got in' : `was kept out (${legit.reason})`}` : '';
    const { outcome, why } = floodOutcome({ attempted: count, claimedLimit, keptOpen: open.length, localErrors: localErrors.length });
    const summary = `the server kept ${open.length} of ${count} unauthenticated connections open (${why}) and closed or refused ${closedByServer.length + refusedByServer}${legitNote}`;
    return { outcome, summary, counts, timesMs, details };
  });
}

/**
 * oversized-frame (claim S10, the maximum frame size of RFC-0001 §10.4): send a frame header that
 * announces more than any sane limit (1 GiB by default, up to 4 GiB − 1), then keep feeding its
 * payload. A server that checks the length on the header closes at once; one without a limit keeps
 * reading. With a key the frame is a DATA frame on an authenticated connection (where the limit
 * matters: a client in the cluster, or one that got in by replay); without one it is sent as the
 * first frame, which tests only the pre-handshake checks. A server that reads more of the frame than
 * the claimed maximum has no limit, even if it closes afterwards (the Python reference reads a
 * first frame whole, then closes it for not being a HELLO). Only a frame above the claimed maximum
 * (16 MiB) can show the limit at work: at or below it, a server may close for another reason (an
 * asoc-hardened node closes an untagged frame with integrity-failed), so the result is INCONCLUSIVE.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_FRAME_SIZE, FrameType, HEADER_SIZE, MAX_WIRE_LENGTH, encodeHeader } from '../../src/wire/frame.ts';
import { withTimeout } from './bounds.ts';
import { RawConnection, connectSocket, openSession } from './raw-connection.ts';
import type { AttackResult } from './result.ts';
import { runAttack, type LiveAttackContext, type AttackFindings, type CommonAttackOptions } from './run.ts';

export const OVERSIZED_FRAME_CLAIMS = ['S10'];
/** The maximum frame payload RFC-0001 §10.4 promises to enforce. */
export const CLAIMED_MAX_FRAME_BYTES = DEFAULT_MAX_FRAME_SIZE;

export interface OversizedFrameOptions extends CommonAttackOptions {
  /** The length the header announces (default 1 GiB; at most 4 GiB − 1, the field's largest). */
  frameBytes?: number;
  /** Payload bytes pushed at most; a server still reading after this many has no limit below it (default 64 MiB). */
  pushBytes?: number;
  /** The maximum the claim promises (default 16 MiB); only a larger frame tests it. */
  claimedLimitBytes?: number;
}

const PIECE = 64 * 1024;
/** A write the kernel does not take within this long means the server stopped reading. */
const WRITE_STALL_MS = 2_000;
/** After the push, how long to wait for a close that is on its way. */
const CLOSE_GRACE_MS = 300;

export function oversizedFrame(options: OversizedFrameOptions): Promise<AttackResult> {
  const frameBytes = options.frameBytes ?? 1024 ** 3;
  if (!Number.isSafeInteger(frameBytes) || frameBytes < 1 || frameBytes > MAX_WIRE_LENGTH) throw new RangeError(`frame size must be 1 … ${MAX_WIRE_LENGTH} bytes, got ${frameBytes}`);
  const pushBytes = Math.min(options.pushBytes ?? 64 * 1024 * 1024, frameBytes);
  const claimedLimit = options.claimedLimitBytes ?? CLAIMED_MAX_FRAME_BYTES;
  return runAttack('oversized-frame', OVERSIZED_FRAME_CLAIMS, options, async (context): Promise<AttackFindings> => {
    const opened = await openConnection(context);
    if (typeof opened === 'string') {
      return { outcome: 'INCONCLUSIVE', summary: opened, counts: {}, timesMs: {}, details: { frameBytes, pushBytes } };
    }
    const { connection, stage } = opened;
    const headerAt = performance.now();
    const written0 = connection.bytesWritten;
    await connection.write(encodeHeader(FrameType.DATA, 1, 0, frameBytes, context.profile.wireVersion));
    const push = await pushPayload(context, connection, pushBytes);
    if (!connection.closed) await connection.waitClosed(context.deadline.cap(CLOSE_GRACE_MS));
    const payloadWritten = Math.max(0, connection.bytesWritten - written0 - HEADER_SIZE);
    const counts = { frameBytesAnnounced: frameBytes, claimedMaxFrameBytes: claimedLimit, payloadBytesWritten: payloadWritten, pushCapBytes: pushBytes };
    const closeMs = connection.closedAfterMs === null ? null : connection.closedAfterMs - (headerAt - connection.openedAt);
    const timesMs: Record<string, number> = closeMs === null ? { pushed: push.ms } : { closeAfterHeader: closeMs };
    const details = { stage, closeKind: connection.closeKind, stalled: push.stalled };
    connection.destroy();
    const seen = closeMs === null ? `the server took ${payloadWritten} B of its payload without closing` : `the server closed (${details.closeKind}) ${closeMs.toFixed(1)} ms after the header`;
    if (frameBytes <= claimedLimit) {
      return { outcome: 'INCONCLUSIVE', summary: `a frame of ${frameBytes} B is within the claimed maximum of ${claimedLimit} B, so the limit was not tested (${seen}, ${stage}): give --frame-size above ${claimedLimit}`, counts, timesMs, details };
    }
    if (payloadWritten > claimedLimit) {
      const end = closeMs === null ? 'the connection is still open' : `only then did it close (${details.closeKind}), ${closeMs.toFixed(1)} ms after the header`;
      return { outcome: 'SUCCEEDED', summary: `the server kept reading: ${payloadWritten} B of a frame announced as ${frameBytes} B, more than the claimed maximum of ${claimedLimit} B, went in (${stage}); ${end}`, counts, timesMs, details };
    }
    if (closeMs !== null) {
      return { outcome: 'REFUSED', summary: `the server closed (${details.closeKind}) ${closeMs.toFixed(1)} ms after a header announcing ${frameBytes} B, above the claimed maximum of ${claimedLimit} B (${stage}), having taken at most ${payloadWritten} B of its payload`, counts, timesMs, details };
    }
    if (payloadWritten >= pushBytes) {
      return { outcome: 'SUCCEEDED', summary: `the server kept reading: ${payloadWritten} B of a frame announced as ${frameBytes} B, above the claimed maximum of ${claimedLimit} B, went in (${stage}) and the connection is still open`, counts, timesMs, details };
    }
    const why = push.stalled ? 'the server stopped reading but kept the connection open' : 'the budget ran out before the push cap';
    return { outcome: 'INCONCLUSIVE', summary: `${why} after ${payloadWritten} B (${stage})`, counts, timesMs, details };
  });
}

type Stage = 'after the handshake' | 'before the handshake';

/** An authenticated connection when there is a key, else a bare one; a string says why there is none. */
async function openConnection(context: LiveAttackContext): Promise<{ connection: RawConnection; stage: Stage } | string> {
  if (context.apiKey) {
    const session = await openSession(context.target, { ...context, apiKey: context.apiKey });
    return session.established ? { connection: session.connection, stage: 'after the handshake' } : `the legitimate handshake failed: ${session.reason}`;
  }
  try {
    return { connection: new RawConnection(await connectSocket(context.target, context)), stage: 'before the handshake' };
  } catch (err) {
    return `cannot connect: ${(err as Error).message}`;
  }
}

/** Writes up to `total` payload bytes, piece by piece, until the server closes, stops reading, or time runs out. */
async function pushPayload(context: LiveAttackContext, connection: RawConnection, total: number): Promise<{ ms: number; stalled: boolean }> {
  const started = performance.now();
  const piece = new Uint8Array(PIECE).fill(0xa5);
  for (let sent = 0; sent < total && !connection.closed && !context.deadline.expired; sent += PIECE) {
    const bytes = total - sent >= PIECE ? piece : piece.subarray(0, total - sent);
    const written = await withTimeout(connection.write(bytes), context.deadline.cap(WRITE_STALL_MS));
    if (written === 'timed-out') return { ms: performance.now() - started, stalled: !context.deadline.expired };
  }
  return { ms: performance.now() - started, stalled: false };
}

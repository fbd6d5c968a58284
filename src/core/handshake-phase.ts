/**
 * A connection's handshake phase as an explicit state table, as h11 keeps its connection states:
 * for each state, the events it takes and, for each, the next state and the message this side
 * sends then. The table is built once per kind and role from the kind's message list, so a
 * handshake of two messages and one of four run on the same machine. Before the handshake ends
 * every frame is an event; the one message the state awaits moves the phase on, any other event
 * is a HandshakeProtocolError naming the state and the event.
 *
 *   hardened server   idle            --start-->  awaiting-hello
 *                     awaiting-hello  --hello-->  awaiting-finish   (sends accept)
 *                     awaiting-finish --finish--> established
 *   hardened client   idle            --start-->  awaiting-accept   (sends hello)
 *                     awaiting-accept --accept--> established       (sends finish)
 *
 * A kind with a refusal message (handshake.ts) adds a second event to every state that awaits a
 * message from the refusal's sender, leading to `refused`, where the connection closes:
 *
 *   subduction client idle               --start-->     awaiting-response (sends challenge)
 *                     awaiting-response  --response-->  established
 *                                        --rejection--> refused
 */
import { frameTypeName } from '../wire/frame.ts';
import type { HandshakeMessage, Role } from './handshake.ts';

/** `idle` until the connection starts, `awaiting-<message>` for each message from the peer, then `established` (or `refused`). */
export type HandshakeState = 'idle' | `awaiting-${string}` | 'established' | 'refused';

/** `start`, the name of one of the kind's messages (the peer sent it), or `<TYPE> frame` for a frame that is none of them. */
export type HandshakeEvent = string;

export interface Transition {
  /** The message this event takes (null for `start`). */
  readonly takes: HandshakeMessage | null;
  readonly next: HandshakeState;
  /** The message this side sends then, if any. */
  readonly sends: HandshakeMessage | null;
}

export interface HandshakeTable {
  readonly role: Role;
  readonly messages: readonly HandshakeMessage[];
  readonly refusal: HandshakeMessage | null;
  readonly transitions: ReadonlyMap<HandshakeState, ReadonlyMap<HandshakeEvent, Transition>>;
}

/**
 * The table of one role, from messages whose senders take turns (handshake-registry.ts checks that):
 * each message from the peer is awaited in a state of its own, and taking it sends this side's next
 * message, if the next is this side's. The peer's refusal, if the kind has one, may come instead of
 * any message from that peer.
 */
export function handshakeTable(messages: readonly HandshakeMessage[], role: Role, refusal: HandshakeMessage | null = null): HandshakeTable {
  const transitions = new Map<HandshakeState, ReadonlyMap<HandshakeEvent, Transition>>();
  let state: HandshakeState = 'idle';
  let takes: HandshakeMessage | null = null;
  let index = 0;
  for (;;) {
    const sends = messages[index]?.from === role ? messages[index++]! : null;
    const awaited = messages[index];
    const next: HandshakeState = awaited ? `awaiting-${awaited.name}` : 'established';
    const events = new Map<HandshakeEvent, Transition>([[takes?.name ?? 'start', { takes, next, sends }]]);
    if (takes && refusal && refusal.from === takes.from) events.set(refusal.name, { takes: refusal, next: 'refused', sends: null });
    transitions.set(state, events);
    if (!awaited) return { role, messages, refusal, transitions };
    state = next;
    takes = awaited;
    index++;
  }
}

/** An event the state table has no transition for: a frame other than the awaited message, or a misuse of the phase. */
export class HandshakeProtocolError extends Error {
  override readonly name = 'HandshakeProtocolError';
  constructor(
    readonly role: Role,
    readonly state: HandshakeState,
    readonly event: HandshakeEvent,
    /** The message the state awaits, if it awaits one. */
    readonly awaiting: HandshakeMessage | null,
  ) {
    super(`${role} in handshake state ${state} cannot take ${event}${awaiting ? ` (awaiting ${awaiting.name})` : ''}`);
  }
}

export class HandshakePhase {
  private current: HandshakeState = 'idle';

  constructor(private readonly table: HandshakeTable) {}

  get state(): HandshakeState {
    return this.current;
  }

  /** The message the current state waits for, or null (idle, established, refused). A refusal may come instead. */
  get awaiting(): HandshakeMessage | null {
    for (const transition of this.table.transitions.get(this.current)?.values() ?? []) if (transition.takes) return transition.takes;
    return null;
  }

  /** Whether the current state takes a frame of this type: the awaited message's, or the peer's refusal. */
  takes(frameType: number): boolean {
    for (const transition of this.table.transitions.get(this.current)?.values() ?? []) if (transition.takes?.frameType === frameType) return true;
    return false;
  }

  /** The kind's message carried by frames of this type, if any (whoever sends it), the refusal included. */
  messageOf(frameType: number): HandshakeMessage | null {
    const { messages, refusal } = this.table;
    return messages.find((m) => m.frameType === frameType) ?? (refusal?.frameType === frameType ? refusal : null);
  }

  start(): Transition {
    return this.apply('start');
  }

  /** A whole frame of this type arrived while handshaking. */
  receiveFrame(frameType: number): Transition {
    return this.apply(this.messageOf(frameType)?.name ?? `${frameTypeName(frameType)} frame`);
  }

  /** Moves to the next state, or throws a HandshakeProtocolError when this state has no transition for the event. */
  apply(event: HandshakeEvent): Transition {
    const transition = this.table.transitions.get(this.current)?.get(event);
    if (!transition) throw new HandshakeProtocolError(this.table.role, this.current, event, this.awaiting);
    this.current = transition.next;
    return transition;
  }
}

/**
 * What a connection needs from a security kind (`profile.security.kind`), and nothing about which
 * kind it is: the kind's messages in the order they are sent (their frame types and sizes, so the
 * connection's state table, handshake-phase.ts, knows which frame it may take and refuses any other
 * on its header), the tag every frame carries once the session protects frames, and one
 * connection's Handshake, which builds and checks the payloads and agrees the session. The kinds
 * are registered in handshake-registry.ts: v1 (RFC-0002 as written, v1-handshake.ts),
 * asoc-hardened (hardened-handshake.ts), subduction (subduction-handshake.ts) and stt
 * (stt-handshake.ts).
 */
import type { ReplayCache } from '../crypto/replay-cache.ts';
import type { CheckedKey } from './api-key.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import type { AuthFailure } from './events.ts';
import type { FrameProtection } from './frame-protection.ts';
import type { RandomSource } from './random.ts';
import type { V1Keys } from './v1-auth.ts';

export type Role = 'client' | 'server';

/** What a profile says about its security: the kind, and whatever settings that kind takes. */
export interface SecuritySettings {
  readonly kind: string;
}

/** A payload of exactly this many bytes, or of at most this many. */
export type MessageSize = number | { readonly atMost: number };

/** Whether a payload of `length` bytes has this size. */
export function sizeAllows(size: MessageSize, length: number): boolean {
  return typeof size === 'number' ? length === size : length <= size.atMost;
}

export function sizeText(size: MessageSize): string {
  return typeof size === 'number' ? `${size} bytes` : `at most ${size.atMost} bytes`;
}

export interface HandshakeMessage {
  /** Lower case: names the state that awaits it (`awaiting-hello`) and the close when another frame comes instead (`expected-hello`). */
  readonly name: string;
  readonly frameType: number;
  readonly from: Role;
  /** The payload's size before any tag, checked on the frame header before a byte of it is buffered. */
  readonly size: MessageSize;
  /** Sent under the session's frame protection (a key confirmation), so it carries the tag too. */
  readonly sealed: boolean;
}

export interface Session {
  /** Names the session (v1: the ACCEPT token; hardened: an id derived with the keys). */
  token: Uint8Array;
  peerNodeId: Uint8Array | null;
  protection: FrameProtection | null;
}

/**
 * A received message's verdict. When ok: `reply` is the payload of this side's next message, when
 * the kind's next message is this side's; `session` is set by the message that agrees it (frames
 * are protected from then on, and the connection is established when the last message is done).
 * When not: `refusal`, for a kind that has one and on the side that sends it, is the payload of
 * the refusal message sent before the connection closes.
 */
export type HandshakeVerdict = { ok: true; reply?: Uint8Array; session?: Session } | { ok: false; failure: AuthFailure; detail: string; refusal?: Uint8Array };

/** The clocks a handshake reads: the connection's own (monotonic) and Unix time, both in ms. */
export interface HandshakeClock {
  now: number;
  unixMs: number;
}

/** One connection's side of a handshake. */
export interface Handshake {
  /** The payload of the first message; asked only of the side that sends it. */
  initiate(clock: HandshakeClock): Uint8Array;
  /** A message from the peer, of the frame type and size its kind declares. */
  receive(message: string, payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict;
}

export interface HandshakeConfig {
  nodeId: Uint8Array;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  random: RandomSource;
  /** Server only: the node's shared record of HELLOs seen (profiles that keep one). */
  helloReplay?: ReplayCache;
  /** The node's own key, for kinds whose peers are known by a key pair of their own (subduction: an Ed25519 seed). */
  identity?: Uint8Array;
  /**
   * Client only: the peer it means to reach, when it knows it ahead. asoc-hardened: the node id of
   * the node it dials (a discovered peer, a pinned static peer); a kind that authenticates the
   * server's id (`checksServerId`) names it to the server and refuses an answer from any other
   * node (`wrong-peer`). subduction: the peer's key (Audience::Known).
   */
  expectedPeer?: Uint8Array;
}

/** The keys and community label a profile's discovery signs and checks with (discovery-agent.ts). */
export interface DiscoveryDomain {
  keys: V1Keys;
  community: string;
}

/** A security kind: its handshake, and what follows from it for frames and discovery. */
export interface HandshakeKind<S extends SecuritySettings = SecuritySettings> {
  /** The `profile.security.kind` that selects it. */
  readonly name: S['kind'];
  /** In the order they are sent; the two sides take turns (handshake-registry.ts checks the list). */
  readonly messages: readonly HandshakeMessage[];
  /**
   * A message its sender may send, in the clear, instead of its next message, saying why it refuses
   * the handshake (subduction's unsigned Rejection); it is never sealed. The sender closes after it;
   * the receiver takes it in every state that awaits one of the sender's messages and hands it to
   * the handshake, which must refuse: its verdict is the reason the connection closes with.
   */
  readonly refusal?: HandshakeMessage;
  /**
   * Bytes every frame carries after its payload once the session protects frames (0: never). Known
   * before the handshake, so the largest frame a header may announce is fixed from the start.
   */
  readonly tagSize: number;
  /** Whether a session's frames carry their payload encrypted under `settings` (default false: in clear, tagged or not). */
  encryptsFrames?(settings: S): boolean;
  /**
   * Whether the client authenticates the server's node id, so that a peer can be pinned to one
   * (default false: a v1 ACCEPT names no node, so a v1 client cannot tell which node answered).
   */
  readonly checksServerId?: boolean;
  /**
   * The id a client pins this node by, where the kind checks the server's id: by default the node's
   * 16-byte node id; subduction: its Ed25519 verifying key (what Audience::Known names).
   */
  pinnedId?(crypto: CryptoBackend, nodeId: Uint8Array, identity: Uint8Array | undefined): Uint8Array;
  /**
   * Its messages must come on stream 0 with seq 0, as they are sent; another header closes the
   * connection (`bad-stream-id`, `bad-seq`), so no byte of a message sent in the clear can be altered
   * unnoticed. Default false: v1 receivers take them on any stream, as the reference does.
   */
  readonly messagesOnStreamZero?: boolean;
  /**
   * What the kind takes as the API key (api-key.ts): the key its handshake and discovery use, and a
   * warning for a weak one it takes all the same; throws a WeakKeyError for one it refuses. Default:
   * any non-empty key, as given.
   */
  checkKey?(apiKey: Uint8Array): CheckedKey;
  createHandshake(config: HandshakeConfig, settings: S): Handshake;
  discoveryDomain(crypto: CryptoBackend, apiKey: Uint8Array, community: string): DiscoveryDomain;
}

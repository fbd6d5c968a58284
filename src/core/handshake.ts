/**
 * What a connection needs from a profile's handshake: the HELLO the client sends, the server's
 * verdict on a HELLO (and its ACCEPT), the client's verdict on an ACCEPT, and what the session is
 * afterwards (its token, and the frame protection, if any). Two implementations: v1 (RFC-0002 as
 * written: v1-handshake.ts) and asoc-hardened (hardened-handshake.ts).
 */
import type { ReplayCache } from '../crypto/replay-cache.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import type { AuthFailure } from './events.ts';
import type { FrameProtection } from './frame-protection.ts';
import type { AsocProfile } from './profile.ts';
import type { RandomSource } from './random.ts';

export interface Session {
  /** Names the session (v1: the ACCEPT token; hardened: an id derived with the keys). */
  token: Uint8Array;
  peerNodeId: Uint8Array | null;
  protection: FrameProtection | null;
}

export type HandshakeVerdict = { ok: true; session: Session; accept?: Uint8Array } | { ok: false; failure: AuthFailure; detail: string };

/** The clocks a handshake reads: the connection's own (monotonic) and Unix time, both in ms. */
export interface HandshakeClock {
  now: number;
  unixMs: number;
}

export interface Handshake {
  /** Payload sizes, checked on the frame header before any byte is buffered. */
  readonly helloSize: number;
  readonly acceptSize: number;
  /** True when the client confirms the keys with a FINISH frame, which the server waits for. */
  readonly clientConfirms: boolean;
  /** Client: the HELLO payload to send. */
  hello(clock: HandshakeClock): Uint8Array;
  /** Server: a HELLO's verdict; when ok, `accept` is the ACCEPT payload to send. */
  onHello(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict;
  /** Client: an ACCEPT's verdict. */
  onAccept(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict;
}

export interface HandshakeConfig {
  profile: AsocProfile;
  nodeId: Uint8Array;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  random: RandomSource;
  /** Server only: the node's shared record of HELLOs seen (profiles that keep one). */
  helloReplay?: ReplayCache;
}

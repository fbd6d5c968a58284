/**
 * The subduction handshake (docs/subduction.md), after the Subduction design: two messages, both
 * signed with Ed25519, each peer known by its verifying key (peer id = the key's 32 bytes).
 *
 *   client → CHALLENGE  Signed<Challenge{audience, timestamp, nonce}>
 *   server → RESPONSE   Signed<Response{BLAKE3(Challenge), server timestamp}>
 *          | REJECTION  Rejection{reason, server timestamp}                      (unsigned)
 *
 * The server takes a challenge in the public implementation's order: the envelope's version (the
 * seed: before the payload is parsed), the signature, the audience (its own key, or the hash of
 * the profile's service name), the drift between the challenge's timestamp and its clock, and only
 * then the (peer id, nonce) pair, remembered in the node's nonce cache so that failed attempts
 * cannot fill it. Each of those four refusals is answered with an unsigned Rejection naming its
 * reason (clock drift, invalid audience, replayed nonce, invalid signature); a message that does
 * not decode, or speaks another envelope version, is closed on with no answer. The client checks
 * the response's signature, that its digest is that of the challenge it sent, and, when it asked
 * for a known peer, that this peer signed it.
 *
 * After the handshake the design relies on the transport beneath it (TLS) for every later message;
 * the lab's transport is plain TCP, so the session brings its own: X25519 between the two
 * identities' keys and a BLAKE3 hash of both signed messages give a key per direction and a
 * session id, and every frame carries the lab's AES-256-GCM tag (frame-protection.ts) over its
 * header and payload (docs/subduction.md §4 says why).
 */
import { blake3DeriveKey, blake3Digest } from '../crypto/blake3.ts';
import { GCM_TAG_SIZE, type CryptoBackend } from '../crypto/backend.ts';
import { ED25519_SEED_SIZE, ed25519Of, type Ed25519 } from '../crypto/ed25519.ts';
import { constantTimeEqual } from '../crypto/mac.ts';
import { bytesToHex, concatBytes } from '../wire/bytes.ts';
import { WireError } from '../wire/errors.ts';
import {
  CHALLENGE_NONCE_SIZE,
  MAX_REJECTION_SIZE,
  MAX_SIGNED_CHALLENGE_SIZE,
  MAX_SIGNED_RESPONSE_SIZE,
  RejectionReason,
  SubductionFrame,
  decodeChallenge,
  decodeRejection,
  decodeResponse,
  decodeSigned,
  encodeChallenge,
  encodeRejection,
  encodeResponse,
  encodeSigned,
  openEnvelope,
  rejectionReasonName,
  sealEnvelope,
  type Audience,
  type Challenge,
  type Signed,
} from '../wire/subduction.ts';
import type { AuthFailure } from './events.ts';
import { GcmFrameProtection } from './frame-protection.ts';
import type { DiscoveryDomain, Handshake, HandshakeClock, HandshakeConfig, HandshakeKind, HandshakeVerdict, Session } from './handshake.ts';

export interface SubductionSecurity {
  kind: 'subduction';
  /** The drift window: a challenge's timestamp must be within this of the server's clock (the design's max_drift, 60 s by default). */
  freshnessMs: number;
  /** The service name whose BLAKE3 hash is the discovery audience (Audience::Discover) servers accept and clients ask for. */
  service: string;
}

/** A connection of the subduction kind was made without the node's Ed25519 identity. */
export class IdentityRequiredError extends Error {
  override readonly name = 'IdentityRequiredError';
}

const SESSION_KEYS_CONTEXT = 'asoc-lab subduction/0 session keys';
const DISCOVERY_KEY_CONTEXT = 'asoc-lab subduction/0 discovery key';
const COMMUNITY_PREFIX = 'subduction/0 community ';
const KEY_SIZE = 32;
const SESSION_ID_SIZE = 8;

/** Audience::Discover's id for a service name: its BLAKE3 hash. */
export function discoveryId(service: string): Uint8Array {
  return blake3Digest(new TextEncoder().encode(service));
}

/** A challenge's or response's parts: the decoded Signed and the envelope's payload, or why they do not decode. */
type Opened = { ok: true; signed: Signed; payload: Uint8Array } | { ok: false; verdict: HandshakeVerdict };

export class SubductionHandshake implements Handshake {
  private readonly ed25519: Ed25519;
  private readonly seed: Uint8Array;
  private readonly peerId: Uint8Array;
  private readonly discoveryId: Uint8Array;
  /** Client: the Challenge's CBOR (its digest is what the response must carry) and the signed message sent. */
  private sent: { challenge: Uint8Array; signed: Uint8Array } | null = null;

  constructor(
    private readonly config: HandshakeConfig,
    private readonly security: SubductionSecurity,
  ) {
    const seed = config.identity;
    if (!seed) throw new IdentityRequiredError('the subduction kind needs the node\'s Ed25519 identity (a 32-byte seed as `identity`)');
    if (seed.length !== ED25519_SEED_SIZE) throw new IdentityRequiredError(`an Ed25519 identity is a ${ED25519_SEED_SIZE}-byte seed, got ${seed.length} bytes`);
    this.ed25519 = ed25519Of(config.crypto);
    this.seed = seed;
    this.peerId = this.ed25519.publicKey(seed);
    this.discoveryId = discoveryId(security.service);
  }

  initiate(clock: HandshakeClock): Uint8Array {
    const expected = this.config.expectedPeer;
    const challenge = encodeChallenge({
      audience: expected ? { kind: 'known', peerId: expected } : { kind: 'discover', discoveryId: this.discoveryId },
      timestamp: seconds(clock),
      nonce: this.config.random.bytes(CHALLENGE_NONCE_SIZE),
    });
    const signed = this.sign(challenge);
    this.sent = { challenge, signed };
    return signed;
  }

  receive(message: string, payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    if (message === 'challenge') return this.onChallenge(payload, clock);
    if (message === 'response') return this.onResponse(payload);
    if (message === 'rejection') return this.onRejection(payload);
    throw new Error(`subduction has no ${message} message`);
  }

  private onChallenge(bytes: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const opened = this.open('Challenge', bytes);
    if (!opened.ok) return opened.verdict;
    const { signed, payload } = opened;
    if (!this.ed25519.verify(signed.issuer, signed.envelope, signed.signature)) {
      return this.refuse('bad-signature', 'Challenge signature does not verify', RejectionReason.INVALID_SIGNATURE, clock);
    }
    let challenge: Challenge;
    try {
      challenge = decodeChallenge(payload);
    } catch (err) {
      return undecodable(err);
    }
    if (!this.isOwnAudience(challenge.audience)) {
      return this.refuse('wrong-audience', `Challenge is for ${audienceText(challenge.audience)}, not this node`, RejectionReason.INVALID_AUDIENCE, clock);
    }
    const driftMs = Math.abs(challenge.timestamp - seconds(clock)) * 1000;
    if (driftMs > this.security.freshnessMs) {
      return this.refuse('stale', `Challenge timestamp ${challenge.timestamp} is ${driftMs / 1000} s from this node's clock (at most ${this.security.freshnessMs / 1000} s)`, RejectionReason.CLOCK_DRIFT, clock);
    }
    // The cache ages its entries on the monotonic clock: a step of the wall clock makes it forget nothing.
    const seen = this.config.helloReplay?.check(bytesToHex(signed.issuer) + bytesToHex(challenge.nonce), clock.now) ?? 'fresh';
    if (seen === 'replay') return this.refuse('replay', 'Challenge nonce already used by this peer', RejectionReason.REPLAYED_NONCE, clock);
    if (seen === 'full') return fail('replay-cache-full', 'the nonce cache is full');
    const response = this.sign(encodeResponse({ challengeDigest: blake3Digest(payload), serverTimestamp: seconds(clock) }));
    const session = this.session('server', bytes, response, signed.issuer);
    return session ? { ok: true, reply: response, session } : fail('bad-signature', 'the client\'s key agrees no secret');
  }

  private onResponse(bytes: Uint8Array): HandshakeVerdict {
    const sent = this.sent;
    if (sent === null) throw new Error('RESPONSE received before a CHALLENGE was sent');
    const opened = this.open('Response', bytes);
    if (!opened.ok) return opened.verdict;
    const { signed, payload } = opened;
    if (!this.ed25519.verify(signed.issuer, signed.envelope, signed.signature)) return fail('bad-signature', 'Response signature does not verify');
    let digest: Uint8Array;
    try {
      digest = decodeResponse(payload).challengeDigest;
    } catch (err) {
      return undecodable(err);
    }
    if (!constantTimeEqual(digest, blake3Digest(sent.challenge))) return fail('bad-signature', 'Response answers another challenge');
    const expected = this.config.expectedPeer;
    if (expected && !constantTimeEqual(signed.issuer, expected)) {
      return fail('wrong-audience', `Response signed by ${bytesToHex(signed.issuer)}, the client asked for ${bytesToHex(expected)}`);
    }
    const session = this.session('client', sent.signed, bytes, signed.issuer);
    return session ? { ok: true, session } : fail('bad-signature', 'the server\'s key agrees no secret');
  }

  private onRejection(bytes: Uint8Array): HandshakeVerdict {
    try {
      const rejection = decodeRejection(bytes);
      return fail('refused', `the server refused: ${rejectionReasonName(rejection.reason)} (its clock, unsigned: ${rejection.serverTimestamp} s)`);
    } catch (err) {
      return undecodable(err);
    }
  }

  private isOwnAudience(audience: Audience): boolean {
    return audience.kind === 'known' ? constantTimeEqual(audience.peerId, this.peerId) : constantTimeEqual(audience.discoveryId, this.discoveryId);
  }

  private sign(payload: Uint8Array): Uint8Array {
    const envelope = sealEnvelope(payload);
    return encodeSigned({ issuer: this.peerId, signature: this.ed25519.sign(this.seed, envelope), envelope });
  }

  private open(what: string, bytes: Uint8Array): Opened {
    try {
      const signed = decodeSigned(bytes);
      return { ok: true, signed, payload: openEnvelope(signed.envelope) };
    } catch (err) {
      return { ok: false, verdict: undecodable(err, what) };
    }
  }

  private refuse(failure: AuthFailure, detail: string, reason: RejectionReason, clock: HandshakeClock): HandshakeVerdict {
    return { ok: false, failure, detail, refusal: encodeRejection({ reason, serverTimestamp: seconds(clock) }) };
  }

  /**
   * Both sides: X25519(own key, peer's key), then BLAKE3 derive_key over it and a hash of both signed
   * messages as sent: client→server key · server→client key · session id.
   */
  private session(role: 'client' | 'server', challenge: Uint8Array, response: Uint8Array, peerId: Uint8Array): Session | null {
    const secret = this.ed25519.sharedSecret(this.seed, peerId);
    if (secret === null) return null;
    const transcript = blake3Digest(concatBytes(challenge, response));
    const okm = blake3DeriveKey(SESSION_KEYS_CONTEXT, concatBytes(secret, transcript), 2 * KEY_SIZE + SESSION_ID_SIZE);
    const clientToServer = okm.slice(0, KEY_SIZE);
    const serverToClient = okm.slice(KEY_SIZE, 2 * KEY_SIZE);
    const keys = role === 'client' ? { send: clientToServer, receive: serverToClient } : { send: serverToClient, receive: clientToServer };
    return { token: okm.slice(2 * KEY_SIZE), peerNodeId: peerId, protection: new GcmFrameProtection(this.config.crypto.aes256gcm, keys, false) };
  }
}

/** Unix seconds, as timestamps travel; a clock before 1970 counts as 1970 rather than break the codec. */
function seconds(clock: HandshakeClock): number {
  return Math.max(0, Math.floor(clock.unixMs / 1000));
}

function fail(failure: AuthFailure, detail: string): HandshakeVerdict {
  return { ok: false, failure, detail };
}

/** A message that does not decode: no rejection, the envelope version told apart from the rest. */
function undecodable(err: unknown, what?: string): HandshakeVerdict {
  if (!(err instanceof WireError)) throw err;
  const detail = what ? `${what}: ${err.message}` : err.message;
  return fail(err.code === 'unknown-version' ? 'unsupported-version' : 'malformed', detail);
}

function audienceText(audience: Audience): string {
  return audience.kind === 'known' ? `peer ${bytesToHex(audience.peerId)}` : `discovery id ${bytesToHex(audience.discoveryId)}`;
}

export const SUBDUCTION_HANDSHAKE: HandshakeKind<SubductionSecurity> = {
  name: 'subduction',
  messages: [
    { name: 'challenge', frameType: SubductionFrame.CHALLENGE, from: 'client', size: { atMost: MAX_SIGNED_CHALLENGE_SIZE }, sealed: false },
    { name: 'response', frameType: SubductionFrame.RESPONSE, from: 'server', size: { atMost: MAX_SIGNED_RESPONSE_SIZE }, sealed: false },
  ],
  refusal: { name: 'rejection', frameType: SubductionFrame.REJECTION, from: 'server', size: { atMost: MAX_REJECTION_SIZE }, sealed: false },
  tagSize: GCM_TAG_SIZE,
  // A client that knows the server's key asks for Audience::Known(key), and refuses a Response another key signed.
  checksServerId: true,
  pinnedId: (crypto, _nodeId, identity) => {
    if (!identity) throw new IdentityRequiredError('a subduction node is pinned by its Ed25519 key, which needs its identity (a 32-byte seed)');
    return ed25519Of(crypto).publicKey(identity);
  },
  createHandshake: (config, security) => new SubductionHandshake(config, security),
  // Subduction finds peers by address or service name, not by broadcast: its nodes in the lab keep
  // the lab's discovery datagram, under a key and community label of their own.
  discoveryDomain: (crypto: CryptoBackend, apiKey: Uint8Array, community: string): DiscoveryDomain => ({
    keys: { crypto, apiKey: blake3DeriveKey(DISCOVERY_KEY_CONTEXT, apiKey, KEY_SIZE) },
    community: COMMUNITY_PREFIX + community,
  }),
};

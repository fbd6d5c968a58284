/**
 * The subduction profile's handshake payloads (docs/subduction.md §2): canonical CBOR
 * (canonical-cbor.ts), and, for what is signed, the seed's envelope
 *
 *   envelope = "SDN" (0x53 0x44 0x4E) · version u8 · CBOR payload        (the bytes a signature covers)
 *
 * Shapes (CBOR arrays, as the Rust implementation's derived encoders wrote its structs):
 *
 *   Signed<T>  [issuer: bstr .size 32, signature: bstr .size 64, envelope: bstr]
 *   Challenge  [audience, timestamp: uint (Unix s), nonce: bstr .size 16]
 *   Audience   [0, peer id: bstr .size 32]  (Known: the responder's verifying key)
 *            | [1, discovery id: bstr .size 32]  (Discover: BLAKE3 of a service name)
 *   Response   [challenge digest: bstr .size 32 (BLAKE3 of the Challenge's CBOR), server timestamp: uint]
 *   Rejection  [reason: uint 0..3, server timestamp: uint]  (unsigned, so no envelope)
 *
 * Every decoder checks canonical form, then the shape, and throws a WireError naming what is wrong:
 * `bad-cbor`, `not-canonical`, `bad-field` (a shape or field that is not the message's),
 * `truncated`, `bad-magic`, or `unknown-version` for an envelope of a version this side does not
 * speak, which is told apart before anything after the version byte is read.
 */
import { bytesToHex, concatBytes } from './bytes.ts';
import { decodeCanonical, encodeCanonical } from './canonical-cbor.ts';
import { WireError } from './errors.ts';

/** The frame types of the handshake's messages: the lab frame layer's HELLO and ACCEPT slots, and 7 for the rejection. */
export const SubductionFrame = { CHALLENGE: 4, RESPONSE: 5, REJECTION: 7 } as const;

export const ENVELOPE_MAGIC = Uint8Array.of(0x53, 0x44, 0x4e);
/** ProtocolVersion::V0_1, the only version there is. */
export const ENVELOPE_VERSION = 0;
export const ENVELOPE_HEADER_SIZE = ENVELOPE_MAGIC.length + 1;

export const PEER_ID_SIZE = 32;
export const SIGNATURE_SIZE = 64;
export const CHALLENGE_NONCE_SIZE = 16;
export const DIGEST_SIZE = 32;

/*
 * Largest encodings, with a timestamp of 2^53 − 1 (a 9-byte CBOR uint; one of today's dates takes 5):
 *   Challenge 1 + (1 + 1 + 34) + 9 + 17 = 63     envelope 4 + 63 = 67     Signed 1 + 34 + 66 + 2 + 67 = 170
 *   Response  1 + 34 + 9 = 44                     envelope 48              Signed 1 + 34 + 66 + 2 + 48 = 151
 *   Rejection 1 + 1 + 9 = 11
 */
export const MAX_SIGNED_CHALLENGE_SIZE = 170;
export const MAX_SIGNED_RESPONSE_SIZE = 151;
export const MAX_REJECTION_SIZE = 11;

export type Audience = { kind: 'known'; peerId: Uint8Array } | { kind: 'discover'; discoveryId: Uint8Array };

export interface Challenge {
  audience: Audience;
  /** Unix seconds. */
  timestamp: number;
  nonce: Uint8Array;
}

export interface Response {
  challengeDigest: Uint8Array;
  serverTimestamp: number;
}

/** Why a responder refuses a challenge; the only four reasons the design has. */
export const RejectionReason = { CLOCK_DRIFT: 0, INVALID_AUDIENCE: 1, REPLAYED_NONCE: 2, INVALID_SIGNATURE: 3 } as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];

export function rejectionReasonName(reason: RejectionReason): string {
  return ['clock drift', 'invalid audience', 'replayed nonce', 'invalid signature'][reason]!;
}

export interface Rejection {
  reason: RejectionReason;
  /** Unix seconds; unsigned, so informational only. */
  serverTimestamp: number;
}

export interface Signed {
  /** The signer's Ed25519 verifying key: its peer id. */
  issuer: Uint8Array;
  signature: Uint8Array;
  /** The envelope bytes, as signed. */
  envelope: Uint8Array;
}

const AudienceKind = { known: 0, discover: 1 } as const;

// ---- the envelope ---------------------------------------------------------------------------

export function sealEnvelope(payload: Uint8Array): Uint8Array {
  return concatBytes(ENVELOPE_MAGIC, Uint8Array.of(ENVELOPE_VERSION), payload);
}

/** The payload of an envelope this side speaks; its magic and version are checked before anything else. */
export function openEnvelope(envelope: Uint8Array): Uint8Array {
  if (envelope.length < ENVELOPE_HEADER_SIZE) throw new WireError('truncated', `an envelope is at least ${ENVELOPE_HEADER_SIZE} bytes, got ${envelope.length}`);
  if (ENVELOPE_MAGIC.some((byte, i) => envelope[i] !== byte)) throw new WireError('bad-magic', `envelope starts ${bytesToHex(envelope.subarray(0, 3))}, not "SDN" (53444e)`);
  const version = envelope[ENVELOPE_MAGIC.length]!;
  if (version !== ENVELOPE_VERSION) throw new WireError('unknown-version', `envelope version ${version}; this side speaks ${ENVELOPE_VERSION} only`);
  return envelope.subarray(ENVELOPE_HEADER_SIZE);
}

// ---- encoders -------------------------------------------------------------------------------

export function encodeSigned(signed: Signed): Uint8Array {
  requireBytes('issuer', signed.issuer, PEER_ID_SIZE);
  requireBytes('signature', signed.signature, SIGNATURE_SIZE);
  return encodeCanonical([signed.issuer, signed.signature, signed.envelope]);
}

/** The Challenge's CBOR: what its envelope carries and what a Response's digest is taken over. */
export function encodeChallenge(challenge: Challenge): Uint8Array {
  const { audience } = challenge;
  const id = audience.kind === 'known' ? audience.peerId : audience.discoveryId;
  requireBytes('audience id', id, PEER_ID_SIZE);
  requireTimestamp('timestamp', challenge.timestamp);
  requireBytes('nonce', challenge.nonce, CHALLENGE_NONCE_SIZE);
  return encodeCanonical([[AudienceKind[audience.kind], id], challenge.timestamp, challenge.nonce]);
}

export function encodeResponse(response: Response): Uint8Array {
  requireBytes('challenge digest', response.challengeDigest, DIGEST_SIZE);
  requireTimestamp('server timestamp', response.serverTimestamp);
  return encodeCanonical([response.challengeDigest, response.serverTimestamp]);
}

export function encodeRejection(rejection: Rejection): Uint8Array {
  if (!Object.values(RejectionReason).includes(rejection.reason)) throw new WireError('bad-field', `rejection reason must be 0..3, got ${rejection.reason}`);
  requireTimestamp('server timestamp', rejection.serverTimestamp);
  return encodeCanonical([rejection.reason, rejection.serverTimestamp]);
}

// ---- decoders -------------------------------------------------------------------------------

export function decodeSigned(bytes: Uint8Array): Signed {
  const [issuer, signature, envelope] = tuple(decodeCanonical(bytes, 'Signed'), 'Signed', 3);
  return {
    issuer: bytesField('Signed issuer', issuer, PEER_ID_SIZE),
    signature: bytesField('Signed signature', signature, SIGNATURE_SIZE),
    envelope: bytesField('Signed envelope', envelope),
  };
}

export function decodeChallenge(bytes: Uint8Array): Challenge {
  const [audience, timestamp, nonce] = tuple(decodeCanonical(bytes, 'Challenge'), 'Challenge', 3);
  const [kind, id] = tuple(audience, 'Challenge audience', 2);
  if (kind !== AudienceKind.known && kind !== AudienceKind.discover) throw new WireError('bad-field', `Challenge audience kind must be 0 (known) or 1 (discover), got ${describe(kind)}`);
  const audienceId = bytesField('Challenge audience id', id, PEER_ID_SIZE);
  return {
    audience: kind === AudienceKind.known ? { kind: 'known', peerId: audienceId } : { kind: 'discover', discoveryId: audienceId },
    timestamp: timestampField('Challenge timestamp', timestamp),
    nonce: bytesField('Challenge nonce', nonce, CHALLENGE_NONCE_SIZE),
  };
}

export function decodeResponse(bytes: Uint8Array): Response {
  const [digest, timestamp] = tuple(decodeCanonical(bytes, 'Response'), 'Response', 2);
  return { challengeDigest: bytesField('Response challenge digest', digest, DIGEST_SIZE), serverTimestamp: timestampField('Response server timestamp', timestamp) };
}

export function decodeRejection(bytes: Uint8Array): Rejection {
  const [reason, timestamp] = tuple(decodeCanonical(bytes, 'Rejection'), 'Rejection', 2);
  if (!(Object.values(RejectionReason) as unknown[]).includes(reason)) throw new WireError('bad-field', `Rejection reason must be 0..3, got ${describe(reason)}`);
  return { reason: reason as RejectionReason, serverTimestamp: timestampField('Rejection server timestamp', timestamp) };
}

// ---- helpers --------------------------------------------------------------------------------

function tuple(value: unknown, what: string, length: number): unknown[] {
  if (!Array.isArray(value) || value.length !== length) throw new WireError('bad-field', `${what} must be an array of ${length}, got ${describe(value)}`);
  return value;
}

function bytesField(what: string, value: unknown, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new WireError('bad-field', `${what} must be a byte string, got ${describe(value)}`);
  if (size !== undefined && value.length !== size) throw new WireError('bad-field', `${what} must be ${size} bytes, got ${value.length}`);
  return value;
}

function timestampField(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new WireError('bad-field', `${what} must be an unsigned integer, got ${describe(value)}`);
  return value;
}

function requireBytes(what: string, value: Uint8Array, size: number): void {
  if (value.length !== size) throw new WireError('bad-field', `${what} must be ${size} bytes, got ${value.length}`);
}

function requireTimestamp(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new WireError('bad-field', `${what} must be an unsigned integer below 2^53, got ${value}`);
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Map) return 'a map';
  return typeof value === 'number' ? String(value) : typeof value;
}

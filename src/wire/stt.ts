/**
 * The stt profile's handshake payloads (wire version 4; docs/stt.md §2). Fixed
 * sizes, integers big-endian like the rest of the lab's wire:
 *
 *   HELLO       104 B: node_id(32) · nonce(32) · timestamp u64 (Unix ms) · commitment(32)
 *   RESPONSE    152 B: node_id(32) · nonce(32) · timestamp u64 (Unix ms) · challenge(64 + 16)
 *   AUTH_PROOF   32 B: session_id(8) · proof(8 + 16)
 *   FINAL         8 B: session_id(8), sealed under the responder's session key
 *
 * The commitment is an HMAC and the challenge and proof are AEAD ciphertexts (their plaintexts and
 * tags); what they cover is the handshake's business (src/core/stt-handshake.ts), not the codec's.
 * Decoders throw a WireError naming the message and what was wrong.
 */
import { concatBytes, requireLength, view } from './bytes.ts';
import { WireError } from './errors.ts';

/**
 * Frame types of the four handshake messages: 8 to 11, beside the lab's DATA (1), END (2) and
 * CONTROL (3) and clear of the other profiles' handshake types (4 to 7). STT's own numbers
 * (HANDSHAKE 0x01 with the message kind inside) would collide with the lab's stream frames.
 */
export const SttFrame = { HELLO: 8, RESPONSE: 9, AUTH_PROOF: 10, FINAL: 11 } as const;

export const STT_NODE_ID_SIZE = 32;
export const STT_NONCE_SIZE = 32;
export const SESSION_ID_SIZE = 8;
export const COMMITMENT_SIZE = 32;
export const AEAD_TAG_SIZE = 16;
const TIMESTAMP_SIZE = 8;
export const CHALLENGE_SIZE = 2 * STT_NONCE_SIZE + AEAD_TAG_SIZE;
export const PROOF_SIZE = SESSION_ID_SIZE + AEAD_TAG_SIZE;

const HEAD_SIZE = STT_NODE_ID_SIZE + STT_NONCE_SIZE + TIMESTAMP_SIZE;
export const HELLO_SIZE = HEAD_SIZE + COMMITMENT_SIZE;
export const RESPONSE_SIZE = HEAD_SIZE + CHALLENGE_SIZE;
export const AUTH_PROOF_SIZE = SESSION_ID_SIZE + PROOF_SIZE;
export const FINAL_SIZE = SESSION_ID_SIZE;

/** What HELLO and RESPONSE both start with: who sends, its fresh nonce, its Unix clock in ms. */
export interface SttGreeting {
  nodeId: Uint8Array;
  nonce: Uint8Array;
  timestamp: number;
}

export interface SttHello extends SttGreeting {
  commitment: Uint8Array;
}

export interface SttResponse extends SttGreeting {
  challenge: Uint8Array;
}

export interface SttAuthProof {
  sessionId: Uint8Array;
  proof: Uint8Array;
}

// ---- encoders -------------------------------------------------------------------------------

/** The 72 bytes HELLO and RESPONSE begin with: what a commitment or a challenge's AAD covers. */
export function encodeGreeting(greeting: SttGreeting): Uint8Array {
  requireLength('node_id', greeting.nodeId, STT_NODE_ID_SIZE);
  requireLength('nonce', greeting.nonce, STT_NONCE_SIZE);
  if (!Number.isSafeInteger(greeting.timestamp) || greeting.timestamp < 0) throw new WireError('bad-field', `timestamp must be an unsigned integer below 2^53, got ${greeting.timestamp}`);
  const out = new Uint8Array(HEAD_SIZE);
  out.set(greeting.nodeId, 0);
  out.set(greeting.nonce, STT_NODE_ID_SIZE);
  view(out).setBigUint64(STT_NODE_ID_SIZE + STT_NONCE_SIZE, BigInt(greeting.timestamp));
  return out;
}

export function encodeHello(greeting: Uint8Array, commitment: Uint8Array): Uint8Array {
  requireLength('HELLO greeting', greeting, HEAD_SIZE);
  requireLength('commitment', commitment, COMMITMENT_SIZE);
  return concatBytes(greeting, commitment);
}

export function encodeResponse(greeting: Uint8Array, challenge: Uint8Array): Uint8Array {
  requireLength('RESPONSE greeting', greeting, HEAD_SIZE);
  requireLength('challenge', challenge, CHALLENGE_SIZE);
  return concatBytes(greeting, challenge);
}

export function encodeAuthProof(proof: SttAuthProof): Uint8Array {
  requireLength('session_id', proof.sessionId, SESSION_ID_SIZE);
  requireLength('proof', proof.proof, PROOF_SIZE);
  return concatBytes(proof.sessionId, proof.proof);
}

// ---- decoders -------------------------------------------------------------------------------

export function decodeHello(payload: Uint8Array): SttHello {
  requireLength('STT HELLO payload', payload, HELLO_SIZE);
  return { ...decodeGreeting('HELLO', payload), commitment: payload.slice(HEAD_SIZE) };
}

export function decodeResponse(payload: Uint8Array): SttResponse {
  requireLength('STT RESPONSE payload', payload, RESPONSE_SIZE);
  return { ...decodeGreeting('RESPONSE', payload), challenge: payload.slice(HEAD_SIZE) };
}

export function decodeAuthProof(payload: Uint8Array): SttAuthProof {
  requireLength('STT AUTH_PROOF payload', payload, AUTH_PROOF_SIZE);
  return { sessionId: payload.slice(0, SESSION_ID_SIZE), proof: payload.slice(SESSION_ID_SIZE) };
}

export function decodeFinal(payload: Uint8Array): Uint8Array {
  requireLength('STT FINAL payload', payload, FINAL_SIZE);
  return payload.slice();
}

function decodeGreeting(what: string, payload: Uint8Array): SttGreeting {
  const timestamp = view(payload).getBigUint64(STT_NODE_ID_SIZE + STT_NONCE_SIZE);
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError('bad-field', `${what} timestamp ${timestamp} is beyond 2^53 ms`);
  return { nodeId: payload.slice(0, STT_NODE_ID_SIZE), nonce: payload.slice(STT_NODE_ID_SIZE, STT_NODE_ID_SIZE + STT_NONCE_SIZE), timestamp: Number(timestamp) };
}

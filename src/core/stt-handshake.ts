/**
 * The stt handshake (docs/stt.md §4), after the Seigr Toolset Transmissions design: two peers that
 * hold the same pre-shared seed (the lab's API key) prove it to each other in four messages, each
 * side contributing a fresh 32-byte nonce.
 *
 *   initiator → HELLO       node_id_i · nonce_i · timestamp · commitment = HMAC(K_hs, label ‖ …)
 *   responder → RESPONSE    node_id_r · nonce_r · timestamp · challenge = AEAD(K_challenge, nonce_i ‖ nonce_r)
 *   initiator → AUTH_PROOF  session_id · proof = AEAD(K_proof, session_id)
 *   responder → FINAL       session_id, sealed under the responder's new session key
 *
 * Only a holder of the seed can commit to a HELLO, open the challenge (its key comes from the seed
 * and both nonces, its AAD covers the HELLO), seal the proof, or seal FINAL. The session id is the
 * seed's: XOR of both nonces and both node ids, first 8 bytes. The session keys come from HKDF over
 * the seed, both nonces, the session id and a hash of the first three messages; every frame from
 * FINAL on is encrypted under them (stt-protection.ts), and the keys rotate as the profile says.
 *
 * The responder also refuses a HELLO from its own node id, one whose timestamp is outside the
 * freshness window, and one whose nonce it has seen (the node's shared replay cache). Refusals close
 * the connection with no answer, as STT raises a handshake error and sends nothing.
 */
import { AEADS, type Aead, type AeadName } from '../crypto/aead.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import { constantTimeEqual } from '../crypto/mac.ts';
import { bytesToHex, concatBytes } from '../wire/bytes.ts';
import { WireError } from '../wire/errors.ts';
import {
  AEAD_TAG_SIZE,
  AUTH_PROOF_SIZE,
  FINAL_SIZE,
  HELLO_SIZE,
  RESPONSE_SIZE,
  SESSION_ID_SIZE,
  STT_NONCE_SIZE,
  SttFrame,
  decodeAuthProof,
  decodeFinal,
  decodeHello,
  decodeResponse,
  encodeAuthProof,
  encodeGreeting,
  encodeHello,
  encodeResponse,
} from '../wire/stt.ts';
import type { AuthFailure } from './events.ts';
import type { DiscoveryDomain, Handshake, HandshakeClock, HandshakeConfig, HandshakeKind, HandshakeVerdict, Session } from './handshake.ts';
import { SttFrameProtection, type RotationThresholds } from './stt-protection.ts';

export interface SttSecurity {
  /** `stt-datagram`: the same handshake, for UDP, whose frames carry their nonce (stt-protection.ts). */
  kind: 'stt' | 'stt-datagram';
  /** The AEAD every frame is encrypted with (aead.ts); STT's own cipher would be one more name there. */
  cipher: AeadName;
  /** A HELLO's timestamp must be within this of the responder's clock; its nonce is remembered at least this long. */
  freshnessMs: number;
  /** When each direction's key rotates. */
  rotation: RotationThresholds;
}

/** Bytes a sealed frame carries beyond its payload: the key epoch and the AEAD tag. */
export const STT_TAG_SIZE = 1 + AEAD_TAG_SIZE;
/** Over UDP the frame's counter (u64, the AEAD nonce) comes after the epoch. */
export const STT_DATAGRAM_TAG_SIZE = 1 + 8 + AEAD_TAG_SIZE;

const KEY_SIZE = 32;
const label = (what: string): Uint8Array => new TextEncoder().encode(`stt-lab/1 ${what}`);
const KEY_SALT = label('salt');
const HANDSHAKE_KEY_INFO = label('handshake key');
const NODE_ID_LABEL = label('node id');
const HELLO_LABEL = label('hello');
const CHALLENGE_KEY_INFO = label('challenge key');
const CHALLENGE_LABEL = label('challenge');
const PROOF_KEY_INFO = label('auth proof key');
const PROOF_LABEL = label('auth proof');
const SESSION_INFO = label('session keys');
const DISCOVERY_KEY_INFO = label('discovery key');
const COMMUNITY_PREFIX = 'stt-lab/1 community ';

/** STT's 32-byte node id, from the lab's node id as the node seed. */
export function sttNodeId(crypto: CryptoBackend, nodeSeed: Uint8Array): Uint8Array {
  return crypto.sha256(concatBytes(NODE_ID_LABEL, nodeSeed));
}

/** The seed's session id: XOR(nonce_i, nonce_r, node_id_i, node_id_r)[0:8]. */
export function sttSessionId(nonceI: Uint8Array, nonceR: Uint8Array, nodeI: Uint8Array, nodeR: Uint8Array): Uint8Array {
  return Uint8Array.from({ length: SESSION_ID_SIZE }, (_, i) => nonceI[i]! ^ nonceR[i]! ^ nodeI[i]! ^ nodeR[i]!);
}

/** Both sides' ids and nonces, initiator first: what every key after HELLO is derived from. */
interface Parties {
  nodeI: Uint8Array;
  nodeR: Uint8Array;
  nonceI: Uint8Array;
  nonceR: Uint8Array;
}

/** What one side remembers between its messages. */
interface Progress {
  parties: Parties;
  hello: Uint8Array;
  response: Uint8Array;
  sessionId: Uint8Array;
}

export class SttHandshake implements Handshake {
  private readonly aead: Aead;
  private readonly nodeId: Uint8Array;
  private readonly handshakeKey: Uint8Array;
  private sentHello: { bytes: Uint8Array; nonce: Uint8Array } | null = null;
  private progress: Progress | null = null;

  constructor(
    private readonly config: HandshakeConfig,
    private readonly security: SttSecurity,
  ) {
    this.aead = AEADS[security.cipher];
    if (!this.aead) throw new Error(`unknown stt cipher "${security.cipher}" (known: ${Object.keys(AEADS).join(', ')})`);
    if (this.aead.tagSize !== AEAD_TAG_SIZE || this.aead.nonceSize < 8) throw new Error(`stt cipher ${this.aead.name}: frames need a ${AEAD_TAG_SIZE}-byte tag and a nonce of at least 8 bytes`);
    this.nodeId = sttNodeId(config.crypto, config.nodeId);
    this.handshakeKey = config.crypto.hkdfSha256(config.apiKey, KEY_SALT, HANDSHAKE_KEY_INFO, KEY_SIZE);
  }

  initiate(clock: HandshakeClock): Uint8Array {
    const nonce = this.config.random.bytes(STT_NONCE_SIZE);
    const greeting = encodeGreeting({ nodeId: this.nodeId, nonce, timestamp: unixMs(clock) });
    const hello = encodeHello(greeting, this.commitment(greeting));
    this.sentHello = { bytes: hello, nonce };
    return hello;
  }

  receive(message: string, payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    try {
      if (message === 'hello') return this.onHello(payload, clock);
      if (message === 'response') return this.onResponse(payload, clock);
      if (message === 'auth-proof') return this.onAuthProof(payload, clock);
      if (message === 'final') return this.onFinal(payload);
    } catch (err) {
      if (err instanceof WireError) return fail('malformed', err.message);
      throw err;
    }
    throw new Error(`stt has no ${message} message`);
  }

  private onHello(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const hello = decodeHello(payload);
    const greeting = payload.subarray(0, HELLO_SIZE - hello.commitment.length);
    if (!constantTimeEqual(this.commitment(greeting), hello.commitment)) return fail('bad-signature', 'HELLO commitment does not verify: the initiator does not hold this shared seed');
    if (constantTimeEqual(hello.nodeId, this.nodeId)) return fail('reflection', 'HELLO carries this node\'s own id');
    if (Math.abs(unixMs(clock) - hello.timestamp) > this.security.freshnessMs) {
      return fail('stale', `HELLO timestamp ${hello.timestamp} ms is more than ${this.security.freshnessMs} ms from this node's clock (${unixMs(clock)} ms)`);
    }
    // The cache ages its entries on the monotonic clock: a step of the wall clock makes it forget nothing.
    const seen = this.config.helloReplay?.check(bytesToHex(hello.nonce), clock.now) ?? 'fresh';
    if (seen === 'replay') return fail('replay', 'HELLO nonce seen before');
    if (seen === 'full') return fail('replay-cache-full', 'HELLO replay cache is full');
    const nonce = this.config.random.bytes(STT_NONCE_SIZE);
    const parties: Parties = { nodeI: hello.nodeId, nodeR: this.nodeId, nonceI: hello.nonce, nonceR: nonce };
    const ownGreeting = encodeGreeting({ nodeId: this.nodeId, nonce, timestamp: unixMs(clock) });
    const challenge = this.aead.seal(this.derive(CHALLENGE_KEY_INFO, parties), this.zeroNonce(), concatBytes(CHALLENGE_LABEL, payload, ownGreeting), concatBytes(hello.nonce, nonce));
    const response = encodeResponse(ownGreeting, challenge);
    this.progress = { parties, hello: payload, response, sessionId: sessionIdOf(parties) };
    return { ok: true, reply: response };
  }

  private onResponse(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const sent = this.sentHello;
    if (sent === null) throw new Error('RESPONSE received before a HELLO was sent');
    const response = decodeResponse(payload);
    if (constantTimeEqual(response.nodeId, this.nodeId)) return fail('reflection', 'RESPONSE carries this node\'s own id');
    const parties: Parties = { nodeI: this.nodeId, nodeR: response.nodeId, nonceI: sent.nonce, nonceR: response.nonce };
    const greeting = payload.subarray(0, RESPONSE_SIZE - response.challenge.length);
    const opened = this.aead.open(this.derive(CHALLENGE_KEY_INFO, parties), this.zeroNonce(), concatBytes(CHALLENGE_LABEL, sent.bytes, greeting), response.challenge);
    if (opened === null) return fail('bad-signature', 'RESPONSE challenge does not open: the responder does not hold this shared seed, or answers another HELLO');
    if (!constantTimeEqual(opened, concatBytes(sent.nonce, response.nonce))) return fail('bad-signature', 'RESPONSE challenge does not carry both nonces');
    // The node dialled, when the initiator knows it (a discovered or pinned peer): its STT node id follows from the lab's.
    const expected = this.config.expectedPeer && sttNodeId(this.config.crypto, this.config.expectedPeer);
    if (expected && !constantTimeEqual(response.nodeId, expected)) return fail('wrong-peer', `RESPONSE comes from node ${bytesToHex(response.nodeId)}, not from ${bytesToHex(expected)}, the node dialled`);
    const progress: Progress = { parties, hello: sent.bytes, response: payload, sessionId: sessionIdOf(parties) };
    const proof = this.aead.seal(this.derive(PROOF_KEY_INFO, parties), this.zeroNonce(), this.proofAad(progress), progress.sessionId);
    const authProof = encodeAuthProof({ sessionId: progress.sessionId, proof });
    this.progress = progress;
    return { ok: true, reply: authProof, session: this.session('client', progress, authProof, clock) };
  }

  private onAuthProof(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const progress = this.progress;
    if (progress === null) throw new Error('AUTH_PROOF received before a RESPONSE was sent');
    const { sessionId, proof } = decodeAuthProof(payload);
    if (!constantTimeEqual(sessionId, progress.sessionId)) return fail('bad-signature', `AUTH_PROOF names session ${bytesToHex(sessionId)}, this handshake's is ${bytesToHex(progress.sessionId)}`);
    const opened = this.aead.open(this.derive(PROOF_KEY_INFO, progress.parties), this.zeroNonce(), this.proofAad(progress), proof);
    if (opened === null || !constantTimeEqual(opened, progress.sessionId)) return fail('bad-signature', 'AUTH_PROOF proof does not open: the initiator does not hold this shared seed');
    return { ok: true, reply: progress.sessionId, session: this.session('server', progress, payload, clock) };
  }

  /** FINAL was opened under the responder's session key before it got here; its session id must be this one. */
  private onFinal(payload: Uint8Array): HandshakeVerdict {
    const progress = this.progress;
    if (progress === null) throw new Error('FINAL received before an AUTH_PROOF was sent');
    const sessionId = decodeFinal(payload);
    if (!constantTimeEqual(sessionId, progress.sessionId)) return fail('bad-signature', `FINAL names session ${bytesToHex(sessionId)}, this handshake's is ${bytesToHex(progress.sessionId)}`);
    return { ok: true };
  }

  private commitment(greeting: Uint8Array): Uint8Array {
    return this.config.crypto.hmacSha256(this.handshakeKey, concatBytes(HELLO_LABEL, greeting));
  }

  /** A per-handshake key: HKDF(seed, salt = nonce_i ‖ nonce_r, info = label ‖ node_id_i ‖ node_id_r). */
  private derive(info: Uint8Array, p: Parties, length = KEY_SIZE): Uint8Array {
    return this.config.crypto.hkdfSha256(this.config.apiKey, concatBytes(p.nonceI, p.nonceR), concatBytes(info, p.nodeI, p.nodeR), length);
  }

  private proofAad(progress: Progress): Uint8Array {
    return concatBytes(PROOF_LABEL, this.config.crypto.sha256(concatBytes(progress.hello, progress.response)));
  }

  /** Each handshake key seals one message only, so its nonce may be fixed. */
  private zeroNonce(): Uint8Array {
    return new Uint8Array(this.aead.nonceSize);
  }

  /**
   * okm = HKDF(seed, salt = nonce_i ‖ nonce_r, info = label ‖ node ids ‖ session id ‖
   * SHA-256(HELLO ‖ RESPONSE ‖ AUTH_PROOF)): initiator→responder key · responder→initiator key.
   */
  private session(role: 'client' | 'server', progress: Progress, authProof: Uint8Array, clock: HandshakeClock): Session {
    const transcript = this.config.crypto.sha256(concatBytes(progress.hello, progress.response, authProof));
    const okm = this.derive(concatBytes(SESSION_INFO, progress.sessionId, transcript), progress.parties, 2 * KEY_SIZE);
    const initiatorToResponder = okm.slice(0, KEY_SIZE);
    const responderToInitiator = okm.slice(KEY_SIZE);
    const keys = role === 'client' ? { send: initiatorToResponder, receive: responderToInitiator } : { send: responderToInitiator, receive: initiatorToResponder };
    const peerNodeId = role === 'client' ? progress.parties.nodeR : progress.parties.nodeI;
    return { token: progress.sessionId, peerNodeId, protection: new SttFrameProtection(this.aead, this.config.crypto, keys, progress.sessionId, this.security.rotation, clock.now, this.security.kind === 'stt-datagram' ? 'carried' : 'counted') };
  }
}

function sessionIdOf(p: Parties): Uint8Array {
  return sttSessionId(p.nonceI, p.nonceR, p.nodeI, p.nodeR);
}

/** Unix ms as HELLO and RESPONSE carry it; a clock before 1970 counts as 1970. */
function unixMs(clock: HandshakeClock): number {
  return Math.max(0, Math.floor(clock.unixMs));
}

function fail(failure: AuthFailure, detail: string): HandshakeVerdict {
  return { ok: false, failure, detail };
}

export const STT_HANDSHAKE: HandshakeKind<SttSecurity> = {
  name: 'stt',
  messages: [
    { name: 'hello', frameType: SttFrame.HELLO, from: 'client', size: HELLO_SIZE, sealed: false },
    { name: 'response', frameType: SttFrame.RESPONSE, from: 'server', size: RESPONSE_SIZE, sealed: false },
    { name: 'auth-proof', frameType: SttFrame.AUTH_PROOF, from: 'client', size: AUTH_PROOF_SIZE, sealed: false },
    { name: 'final', frameType: SttFrame.FINAL, from: 'server', size: FINAL_SIZE, sealed: true },
  ],
  tagSize: STT_TAG_SIZE,
  encryptsFrames: () => true,
  // RESPONSE carries the responder's node id under the challenge's AAD: the initiator compares it with the node it dialled.
  checksServerId: true,
  createHandshake: (config, security) => new SttHandshake(config, security),
  // STT leaves discovery to the application; its nodes in the lab keep the lab's discovery datagram,
  // under a key and community label of their own.
  discoveryDomain: (crypto: CryptoBackend, apiKey: Uint8Array, community: string): DiscoveryDomain => ({
    keys: { crypto, apiKey: crypto.hkdfSha256(apiKey, KEY_SALT, DISCOVERY_KEY_INFO, KEY_SIZE) },
    community: COMMUNITY_PREFIX + community,
  }),
};

/**
 * stt over UDP (stt-datagram-connection.ts): the same messages and keys; frames carry their nonce, as
 * streams overtake each other. Not among the lab's profiles' kinds (HANDSHAKES): the datagram
 * connection, and a node over UDP, bring their own registry with them.
 */
export const STT_DATAGRAM_HANDSHAKE: HandshakeKind<SttSecurity> = {
  ...STT_HANDSHAKE,
  name: 'stt-datagram',
  tagSize: STT_DATAGRAM_TAG_SIZE,
  // A community of its own: a node over UDP never takes an announcement of one over TCP (and dials it on the wrong transport).
  discoveryDomain: (crypto, apiKey, community) => STT_HANDSHAKE.discoveryDomain(crypto, apiKey, `udp ${community}`),
};

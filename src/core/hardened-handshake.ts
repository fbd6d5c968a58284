/**
 * The asoc-hardened handshake (docs/asoc-hardened.md §4). One round trip after TCP, 118 bytes of
 * payload in all:
 *
 *   client → HELLO  node_id_c · nonce_c · timestamp · suite · MAC_hs("hello" ‖ … ‖ node_id_s intended)
 *   server → ACCEPT node_id_s · nonce_s · suite · MAC_hs("accept" ‖ HELLO ‖ …)   (bound to the HELLO)
 *   client → FINISH (empty frame under the new client→server key: proves the client holds the key now)
 *
 * HELLO's MAC also covers the node id of the server the client means to reach (not sent: the server
 * checks it against its own id), or 16 zero bytes when the client does not know it, so a HELLO meant
 * for one node verifies at no other, and the client refuses an ACCEPT from another node than the
 * one it dials (`wrong-peer`).
 *
 * MAC_hs is HMAC-SHA256 truncated to 16 bytes under a key derived from the API key with HKDF. The
 * session keys come from HKDF over both nonces and a hash of the transcript, so a replayed HELLO
 * yields keys the replayer cannot compute, and an old ACCEPT never matches a new HELLO. A HELLO's
 * timestamp must be within the freshness window, and its nonce is remembered (for longer than that)
 * once FINISH has proved the client holds the key: a nonce a completed handshake used is refused,
 * but a copy of an honest client's HELLO sent first by someone else spends nothing of the client's.
 *
 * Discovery keeps v1's 50-byte datagram but signs with a key derived from the API key for discovery
 * alone and hashes a labelled community, so v1 and hardened nodes never take each other's
 * announcements, and no discovery MAC can be replayed as any other message (docs §6).
 */
import { GCM_TAG_SIZE, type CryptoBackend } from '../crypto/backend.ts';
import { constantTimeEqual } from '../crypto/mac.ts';
import { X25519_KEY_SIZE, x25519Of, type X25519 } from '../crypto/x25519.ts';
import { bytesToHex, concatBytes } from '../wire/bytes.ts';
import { FrameType } from '../wire/frame.ts';
import { NODE_ID_SIZE } from '../wire/hello.ts';
import {
  HANDSHAKE_MAC_SIZE,
  HARDENED_ACCEPT_SIZE,
  HARDENED_HELLO_SIZE,
  HARDENED_X25519_ACCEPT_SIZE,
  HARDENED_X25519_HELLO_SIZE,
  NONCE_SIZE,
  Suite,
  acceptMacInput,
  decodeHardenedAccept,
  decodeHardenedHello,
  helloMacInput,
  suiteEncrypts,
  suiteExchangesKeys,
  withMac,
} from '../wire/hardened.ts';
import { checkHardenedKey } from './api-key.ts';
import { GcmFrameProtection } from './frame-protection.ts';
import type { AuthFailure } from './events.ts';
import type { DiscoveryDomain, Handshake, HandshakeClock, HandshakeConfig, HandshakeKind, HandshakeVerdict, Session } from './handshake.ts';

/** Every label asoc-hardened derives or MACs with: "asoc-hardened/2 <what>", UTF-8 (docs §4). */
function hardenedLabel(what: string): Uint8Array {
  return new TextEncoder().encode(`asoc-hardened/2 ${what}`);
}
/** The HKDF salt of every key derived from the API key (the handshake, discovery and session keys). */
const HARDENED_KEY_SALT = hardenedLabel('salt');
const HANDSHAKE_KEY_INFO = hardenedLabel('handshake key');
const HELLO_LABEL = hardenedLabel('hello');
const ACCEPT_LABEL = hardenedLabel('accept');
const SESSION_INFO = hardenedLabel('session keys');
const DISCOVERY_KEY_INFO = hardenedLabel('discovery key');
const KEY_UPDATE_INFO = hardenedLabel('key update');
const COMMUNITY_PREFIX = 'asoc-hardened/2 community ';
const X25519_COMMUNITY_PREFIX = 'asoc-hardened/2 x25519 community ';
const KEY_SIZE = 32;
const SESSION_ID_SIZE = 8;
/** The intended server of a HELLO from a client that does not know which node it dials (an unpinned static peer). */
export const ANY_NODE: Uint8Array = new Uint8Array(NODE_ID_SIZE);

export interface HardenedSecurity {
  /** `hardened-x25519` for the forward-secret suite (its messages carry key shares), `hardened` for the others. */
  kind: 'hardened' | 'hardened-x25519';
  suite: Suite;
  /** A HELLO's timestamp must be within this of the server's clock; its nonce is remembered at least this long. */
  freshnessMs: number;
  /** No direction's key protects more than this many bytes: it is then replaced, at the same frame on both sides (frame-protection.ts). */
  rekeyAfterBytes: number;
  /** Frames a direction may protect in one session before the connection closes (default 2^48, far below the counter's end). */
  maxFramesPerDirection?: number;
}

/** The handshake MAC key, derived once per API key (HKDF-Extract with a fixed salt, then Expand). */
export function handshakeKey(crypto: CryptoBackend, apiKey: Uint8Array): Uint8Array {
  return crypto.hkdfSha256(apiKey, HARDENED_KEY_SALT, HANDSHAKE_KEY_INFO, KEY_SIZE);
}

export class HardenedHandshake implements Handshake {
  /** 32 random bytes (api-key.ts): a weaker key throws a WeakKeyError here, before any byte is sent. */
  private readonly apiKey: Uint8Array;
  private readonly macKey: Uint8Array;
  private sentHello: Uint8Array | null = null;
  /** Server: the nonce of the HELLO taken, recorded once FINISH verifies. */
  private helloNonce: string | null = null;
  /** The forward-secret suite's X25519, or null in the others. */
  private readonly exchange: X25519 | null;
  /** Client: the ephemeral X25519 secret behind HELLO's key share, until ACCEPT's arrives (then wiped). */
  private ephemeral: Uint8Array | null = null;

  constructor(
    private readonly config: HandshakeConfig,
    private readonly security: HardenedSecurity,
  ) {
    if (suiteExchangesKeys(security.suite) !== (security.kind === 'hardened-x25519')) {
      throw new Error(`asoc-hardened suite ${security.suite} does not go with security kind ${security.kind}`);
    }
    this.apiKey = checkHardenedKey(config.apiKey).key;
    this.macKey = handshakeKey(config.crypto, this.apiKey);
    this.exchange = suiteExchangesKeys(security.suite) ? x25519Of(config.crypto) : null;
  }

  initiate(clock: HandshakeClock): Uint8Array {
    const nonce = this.config.random.bytes(NONCE_SIZE);
    this.ephemeral = this.exchange && this.config.random.bytes(X25519_KEY_SIZE);
    const macInput = helloMacInput({
      nodeId: this.config.nodeId,
      nonce,
      timestamp: Math.floor(clock.unixMs / 1000),
      suite: this.security.suite,
      keyShare: this.ephemeral && this.exchange!.publicKey(this.ephemeral),
    });
    this.sentHello = withMac(macInput, this.mac(HELLO_LABEL, macInput, this.config.expectedPeer ?? ANY_NODE));
    return this.sentHello;
  }

  receive(message: string, payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    if (message === 'hello') return this.onHello(payload, clock);
    if (message === 'accept') return this.onAccept(payload);
    if (message === 'finish') return this.onFinish(clock);
    throw new Error(`asoc-hardened has no ${message} message`);
  }

  private onHello(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const hello = decodeHardenedHello(payload, this.exchange !== null);
    // Both MACs are computed and compared whatever the first gives: the time taken tells nothing of which.
    const forThisNode = this.verify(hello.mac, HELLO_LABEL, hello.macInput, this.config.nodeId);
    const forAnyNode = this.verify(hello.mac, HELLO_LABEL, hello.macInput, ANY_NODE);
    if (!forThisNode && !forAnyNode) return fail('bad-signature', 'HELLO MAC does not verify (a wrong key, or a HELLO meant for another node)');
    if (hello.suite !== this.security.suite) return fail('downgrade', `HELLO asks for suite ${hello.suite}, this node requires ${this.security.suite}`);
    if (constantTimeEqual(hello.nodeId, this.config.nodeId)) return fail('reflection', 'HELLO carries this node\'s own id');
    // Freshness is the handshake's own rule; the replay cache (kept at least as long) only remembers nonces.
    if (Math.abs(clock.unixMs - hello.timestamp * 1000) > this.security.freshnessMs) {
      return fail('stale', `HELLO timestamp ${hello.timestamp} is more than ${this.security.freshnessMs / 1000} s from this node's clock`);
    }
    // Only looked up here: the nonce is recorded when FINISH proves the key (onFinish). The cache
    // ages its entries on the monotonic clock, so a step of the wall clock makes it forget nothing.
    const nonce = bytesToHex(hello.nonce);
    if (this.config.helloReplay?.has(nonce, clock.now)) return fail('replay', 'HELLO nonce already used by a completed handshake');
    const acceptNonce = this.config.random.bytes(NONCE_SIZE);
    const exchanged = this.exchangeWith(hello.keyShare, 'HELLO');
    if (!exchanged.ok) return exchanged.verdict;
    this.helloNonce = nonce;
    const macInput = acceptMacInput({ nodeId: this.config.nodeId, nonce: acceptNonce, suite: hello.suite, keyShare: exchanged.ownShare });
    const accept = withMac(macInput, this.mac(ACCEPT_LABEL, payload, macInput));
    return { ok: true, reply: accept, session: this.session('server', payload, accept, hello.nodeId, exchanged.shared) };
  }

  /**
   * The forward-secret suite's X25519 with the peer's key share: the server draws its ephemeral
   * secret here, the client uses HELLO's. Each secret is wiped once used. In the other suites there
   * is nothing to exchange. A share of small order (one that forces the all-zero secret) is refused.
   */
  private exchangeWith(peerShare: Uint8Array | null, message: 'HELLO' | 'ACCEPT'):
    | { ok: true; shared: Uint8Array | null; ownShare: Uint8Array | null }
    | { ok: false; verdict: HandshakeVerdict } {
    if (this.exchange === null || peerShare === null) return { ok: true, shared: null, ownShare: null };
    const secret = this.ephemeral ?? this.config.random.bytes(X25519_KEY_SIZE);
    this.ephemeral = null;
    const ownShare = message === 'HELLO' ? this.exchange.publicKey(secret) : null;
    const shared = this.exchange.sharedSecret(secret, peerShare);
    secret.fill(0);
    if (shared === null) return { ok: false, verdict: fail('malformed', `${message} key share is a point of small order (it forces the all-zero X25519 secret)`) };
    return { ok: true, shared, ownShare };
  }

  /**
   * FINISH has no payload: it is the client's proof of the key, checked as its frame's tag before
   * it gets here. Its HELLO's nonce is recorded now; one already recorded means another handshake
   * that proved the key used it first.
   */
  private onFinish(clock: HandshakeClock): HandshakeVerdict {
    const verdict = this.config.helloReplay?.check(this.helloNonce!, clock.now) ?? 'fresh';
    if (verdict === 'replay') return fail('replay', 'HELLO nonce used by another completed handshake');
    if (verdict === 'full') return fail('replay-cache-full', 'HELLO replay cache is full');
    return { ok: true };
  }

  private onAccept(payload: Uint8Array): HandshakeVerdict {
    const hello = this.sentHello;
    if (hello === null) throw new Error('ACCEPT received before a HELLO was sent');
    const accept = decodeHardenedAccept(payload, this.exchange !== null);
    if (!this.verify(accept.mac, ACCEPT_LABEL, hello, accept.macInput)) return fail('bad-signature', 'ACCEPT MAC does not verify (or answers another HELLO)');
    if (accept.suite !== this.security.suite) return fail('downgrade', `ACCEPT chose suite ${accept.suite}, this node offered ${this.security.suite}`);
    if (constantTimeEqual(accept.nodeId, this.config.nodeId)) return fail('reflection', 'ACCEPT carries this node\'s own id');
    const expected = this.config.expectedPeer;
    if (expected && !constantTimeEqual(accept.nodeId, expected)) return fail('wrong-peer', `ACCEPT comes from node ${bytesToHex(accept.nodeId)}, not from ${bytesToHex(expected)}, the node dialled`);
    const exchanged = this.exchangeWith(accept.keyShare, 'ACCEPT');
    if (!exchanged.ok) return exchanged.verdict;
    return { ok: true, reply: EMPTY, session: this.session('client', hello, payload, accept.nodeId, exchanged.shared) };
  }

  /**
   * okm = HKDF(ikm = API key, salt = the fixed key salt, info = label ‖ SHA-256(HELLO ‖ ACCEPT)):
   * client→server key · server→client key · session id. The extract step takes the fixed salt, as
   * for the handshake and discovery keys (one pseudorandom key per API key, whatever the peers
   * send); everything fresh, both nonces included, comes in through the transcript hash in the
   * expand step, not as a salt the client partly chooses. In the forward-secret suite the ikm is
   * the API key ‖ the X25519 secret: the key alone, later stolen, no longer opens a recorded session.
   */
  private session(role: 'client' | 'server', hello: Uint8Array, accept: Uint8Array, peerNodeId: Uint8Array, exchanged: Uint8Array | null): Session {
    const { crypto } = this.config;
    const ikm = exchanged === null ? this.apiKey : concatBytes(this.apiKey, exchanged);
    const info = concatBytes(SESSION_INFO, crypto.sha256(concatBytes(hello, accept)));
    const okm = crypto.hkdfSha256(ikm, HARDENED_KEY_SALT, info, 2 * KEY_SIZE + SESSION_ID_SIZE);
    if (exchanged !== null) {
      exchanged.fill(0);
      ikm.fill(0);
    }
    const clientToServer = okm.slice(0, KEY_SIZE);
    const serverToClient = okm.slice(KEY_SIZE, 2 * KEY_SIZE);
    const keys = role === 'client' ? { send: clientToServer, receive: serverToClient } : { send: serverToClient, receive: clientToServer };
    return {
      token: okm.slice(2 * KEY_SIZE),
      peerNodeId,
      protection: new GcmFrameProtection(crypto.aes256gcm, keys, suiteEncrypts(this.security.suite), {
        afterBytes: this.security.rekeyAfterBytes,
        // K' = HKDF(K, fixed salt, "key update"): one way, so a key taken from memory opens none of the frames before it.
        next: (key) => crypto.hkdfSha256(key, HARDENED_KEY_SALT, KEY_UPDATE_INFO, KEY_SIZE),
      }, this.security.maxFramesPerDirection),
    };
  }

  private mac(...parts: Uint8Array[]): Uint8Array {
    return this.config.crypto.hmacSha256(this.macKey, concatBytes(...parts)).subarray(0, HANDSHAKE_MAC_SIZE);
  }

  private verify(mac: Uint8Array, ...parts: Uint8Array[]): boolean {
    return constantTimeEqual(this.mac(...parts), mac);
  }
}

function fail(failure: AuthFailure, detail: string): HandshakeVerdict {
  return { ok: false, failure, detail };
}

const EMPTY = new Uint8Array(0);

/**
 * The hardened kinds differ in their message sizes (the forward-secret suite's carry key shares)
 * and in their discovery community, so nodes of the two never take each other's announcements and
 * dial each other with HELLOs the other cannot read.
 */
function hardenedKind(name: HardenedSecurity['kind'], sizes: { hello: number; accept: number }, communityPrefix: string): HandshakeKind<HardenedSecurity> {
  return {
    name,
    messages: [
      { name: 'hello', frameType: FrameType.HELLO, from: 'client', size: sizes.hello, sealed: false },
      { name: 'accept', frameType: FrameType.ACCEPT, from: 'server', size: sizes.accept, sealed: false },
      { name: 'finish', frameType: FrameType.FINISH, from: 'client', size: 0, sealed: true },
    ],
    tagSize: GCM_TAG_SIZE,
    encryptsFrames: (security) => suiteEncrypts(security.suite),
    checksServerId: true,
    messagesOnStreamZero: true,
    checkKey: checkHardenedKey,
    createHandshake: (config, security) => new HardenedHandshake(config, security),
    discoveryDomain: (crypto, apiKey, community): DiscoveryDomain => ({
      keys: { crypto, apiKey: crypto.hkdfSha256(checkHardenedKey(apiKey).key, HARDENED_KEY_SALT, DISCOVERY_KEY_INFO, KEY_SIZE) },
      community: communityPrefix + community,
    }),
  };
}

export const HARDENED_HANDSHAKE = hardenedKind('hardened', { hello: HARDENED_HELLO_SIZE, accept: HARDENED_ACCEPT_SIZE }, COMMUNITY_PREFIX);
export const HARDENED_X25519_HANDSHAKE = hardenedKind('hardened-x25519', { hello: HARDENED_X25519_HELLO_SIZE, accept: HARDENED_X25519_ACCEPT_SIZE }, X25519_COMMUNITY_PREFIX);

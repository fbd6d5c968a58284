/**
 * The asoc-hardened handshake (docs/asoc-hardened.md §4). One round trip after TCP, 118 bytes of
 * payload in all:
 *
 *   client → HELLO  node_id_c · nonce_c · timestamp · suite · MAC_hs("hello" ‖ …)
 *   server → ACCEPT node_id_s · nonce_s · suite · MAC_hs("accept" ‖ HELLO ‖ …)   (bound to the HELLO)
 *   client → FINISH (empty frame under the new client→server key: proves the client holds the key now)
 *
 * MAC_hs is HMAC-SHA256 truncated to 16 bytes under a key derived from the API key with HKDF. The
 * session keys come from HKDF over both nonces and a hash of the transcript, so a replayed HELLO
 * yields keys the replayer cannot compute (and is refused anyway: its nonce is remembered for the
 * freshness window and its timestamp must be within it), and an old ACCEPT never matches a new HELLO.
 *
 * Discovery keeps v1's 50-byte datagram but signs with a key derived from the API key for discovery
 * alone and hashes a labelled community, so v1 and hardened nodes never take each other's
 * announcements, and no discovery MAC can be replayed as any other message (docs §6).
 */
import { GCM_TAG_SIZE, type CryptoBackend } from '../crypto/backend.ts';
import { constantTimeEqual } from '../crypto/mac.ts';
import { bytesToHex, concatBytes } from '../wire/bytes.ts';
import { FrameType } from '../wire/frame.ts';
import {
  HANDSHAKE_MAC_SIZE,
  HARDENED_ACCEPT_SIZE,
  HARDENED_HELLO_SIZE,
  NONCE_SIZE,
  Suite,
  acceptMacInput,
  decodeHardenedAccept,
  decodeHardenedHello,
  helloMacInput,
  withMac,
} from '../wire/hardened.ts';
import { GcmFrameProtection } from './frame-protection.ts';
import type { AuthFailure } from './events.ts';
import type { DiscoveryDomain, Handshake, HandshakeClock, HandshakeConfig, HandshakeKind, HandshakeVerdict, Session } from './handshake.ts';

/** Every label asoc-hardened derives or MACs with: "asoc-hardened/2 <what>", UTF-8 (docs §4). */
function hardenedLabel(what: string): Uint8Array {
  return new TextEncoder().encode(`asoc-hardened/2 ${what}`);
}
/** The HKDF salt of keys derived from the API key alone (the handshake and discovery keys). */
const HARDENED_KEY_SALT = hardenedLabel('salt');
const HANDSHAKE_KEY_INFO = hardenedLabel('handshake key');
const HELLO_LABEL = hardenedLabel('hello');
const ACCEPT_LABEL = hardenedLabel('accept');
const SESSION_INFO = hardenedLabel('session keys');
const DISCOVERY_KEY_INFO = hardenedLabel('discovery key');
const COMMUNITY_PREFIX = 'asoc-hardened/2 community ';
const KEY_SIZE = 32;
const SESSION_ID_SIZE = 8;

export interface HardenedSecurity {
  kind: 'hardened';
  suite: Suite;
  /** A HELLO's timestamp must be within this of the server's clock; its nonce is remembered at least this long. */
  freshnessMs: number;
}

/** The handshake MAC key, derived once per API key (HKDF-Extract with a fixed salt, then Expand). */
export function handshakeKey(crypto: CryptoBackend, apiKey: Uint8Array): Uint8Array {
  return crypto.hkdfSha256(apiKey, HARDENED_KEY_SALT, HANDSHAKE_KEY_INFO, KEY_SIZE);
}

export class HardenedHandshake implements Handshake {
  private readonly macKey: Uint8Array;
  private sentHello: Uint8Array | null = null;

  constructor(
    private readonly config: HandshakeConfig,
    private readonly security: HardenedSecurity,
  ) {
    this.macKey = handshakeKey(config.crypto, config.apiKey);
  }

  initiate(clock: HandshakeClock): Uint8Array {
    const macInput = helloMacInput({
      nodeId: this.config.nodeId,
      nonce: this.config.random.bytes(NONCE_SIZE),
      timestamp: Math.floor(clock.unixMs / 1000),
      suite: this.security.suite,
    });
    this.sentHello = withMac(macInput, this.mac(HELLO_LABEL, macInput));
    return this.sentHello;
  }

  receive(message: string, payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    if (message === 'hello') return this.onHello(payload, clock);
    if (message === 'accept') return this.onAccept(payload);
    // FINISH has no payload: it is the client's proof of the key, checked as its frame's tag.
    if (message === 'finish') return { ok: true };
    throw new Error(`asoc-hardened has no ${message} message`);
  }

  private onHello(payload: Uint8Array, clock: HandshakeClock): HandshakeVerdict {
    const hello = decodeHardenedHello(payload);
    if (!this.verify(hello.mac, HELLO_LABEL, hello.macInput)) return fail('bad-signature', 'HELLO MAC does not verify');
    if (hello.suite !== this.security.suite) return fail('downgrade', `HELLO asks for suite ${hello.suite}, this node requires ${this.security.suite}`);
    if (constantTimeEqual(hello.nodeId, this.config.nodeId)) return fail('reflection', 'HELLO carries this node\'s own id');
    // Freshness is the handshake's own rule; the replay cache (kept at least as long) only remembers nonces.
    if (Math.abs(clock.unixMs - hello.timestamp * 1000) > this.security.freshnessMs) {
      return fail('stale', `HELLO timestamp ${hello.timestamp} is more than ${this.security.freshnessMs / 1000} s from this node's clock`);
    }
    const verdict = this.config.helloReplay?.check(bytesToHex(hello.nonce), clock.unixMs) ?? 'fresh';
    if (verdict === 'replay') return fail('replay', 'HELLO nonce seen before');
    if (verdict === 'full') return fail('replay-cache-full', 'HELLO replay cache is full');
    const macInput = acceptMacInput({ nodeId: this.config.nodeId, nonce: this.config.random.bytes(NONCE_SIZE), suite: hello.suite });
    const accept = withMac(macInput, this.mac(ACCEPT_LABEL, payload, macInput));
    return { ok: true, reply: accept, session: this.session('server', payload, accept, hello.nodeId) };
  }

  private onAccept(payload: Uint8Array): HandshakeVerdict {
    const hello = this.sentHello;
    if (hello === null) throw new Error('ACCEPT received before a HELLO was sent');
    const accept = decodeHardenedAccept(payload);
    if (!this.verify(accept.mac, ACCEPT_LABEL, hello, accept.macInput)) return fail('bad-signature', 'ACCEPT MAC does not verify (or answers another HELLO)');
    if (accept.suite !== this.security.suite) return fail('downgrade', `ACCEPT chose suite ${accept.suite}, this node offered ${this.security.suite}`);
    if (constantTimeEqual(accept.nodeId, this.config.nodeId)) return fail('reflection', 'ACCEPT carries this node\'s own id');
    return { ok: true, reply: EMPTY, session: this.session('client', hello, payload, accept.nodeId) };
  }

  /**
   * okm = HKDF(ikm = API key, salt = nonce_c ‖ nonce_s, info = label ‖ SHA-256(HELLO ‖ ACCEPT)):
   * client→server key · server→client key · session id.
   */
  private session(role: 'client' | 'server', hello: Uint8Array, accept: Uint8Array, peerNodeId: Uint8Array): Session {
    const { crypto, apiKey } = this.config;
    const salt = concatBytes(hello.subarray(16, 32), accept.subarray(16, 32));
    const info = concatBytes(SESSION_INFO, crypto.sha256(concatBytes(hello, accept)));
    const okm = crypto.hkdfSha256(apiKey, salt, info, 2 * KEY_SIZE + SESSION_ID_SIZE);
    const clientToServer = okm.slice(0, KEY_SIZE);
    const serverToClient = okm.slice(KEY_SIZE, 2 * KEY_SIZE);
    const keys = role === 'client' ? { send: clientToServer, receive: serverToClient } : { send: serverToClient, receive: clientToServer };
    return {
      token: okm.slice(2 * KEY_SIZE),
      peerNodeId,
      protection: new GcmFrameProtection(crypto.aes256gcm, keys, this.security.suite === Suite.ENCRYPTED),
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

export const HARDENED_HANDSHAKE: HandshakeKind<HardenedSecurity> = {
  name: 'hardened',
  messages: [
    { name: 'hello', frameType: FrameType.HELLO, from: 'client', size: HARDENED_HELLO_SIZE, sealed: false },
    { name: 'accept', frameType: FrameType.ACCEPT, from: 'server', size: HARDENED_ACCEPT_SIZE, sealed: false },
    { name: 'finish', frameType: FrameType.FINISH, from: 'client', size: 0, sealed: true },
  ],
  tagSize: GCM_TAG_SIZE,
  createHandshake: (config, security) => new HardenedHandshake(config, security),
  discoveryDomain: (crypto, apiKey, community): DiscoveryDomain => ({
    keys: { crypto, apiKey: crypto.hkdfSha256(apiKey, HARDENED_KEY_SALT, DISCOVERY_KEY_INFO, KEY_SIZE) },
    community: COMMUNITY_PREFIX + community,
  }),
};

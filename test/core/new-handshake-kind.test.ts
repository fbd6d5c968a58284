/**
 * A new security kind needs its handshake, its codec, its registration and its tests, and nothing
 * else: this file is all four for a toy kind, "knock", and changes no other file of the lab.
 *
 *   client → KNOCK  node_id_c · nonce_c · proof(nonce_c)              18 bytes
 *   server → WHO    node_id_s · nonce_s · proof(nonce_c ⊕ nonce_s)     at most 32 bytes (18 sent)
 *   client → ME     empty, sealed: the first frame under the session's tag
 *
 * From then on every frame carries a 1-byte tag. None of it is secure (a proof is a nonce plus a
 * byte of the key); it differs from the real kinds where the connection must not care: frame
 * types, message names, a size that is a bound rather than exact, a third message, a tag size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsocConnection, type ConnectionProfile } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import type { FrameOpener, FrameProtection } from '../../src/core/frame-protection.ts';
import { HANDSHAKES, HandshakeKindError, type HandshakeRegistry } from '../../src/core/handshake-registry.ts';
import type { Handshake, HandshakeConfig, HandshakeKind, HandshakeVerdict, Session } from '../../src/core/handshake.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { concatBytes } from '../../src/wire/bytes.ts';
import { FrameType, encodeHeader } from '../../src/wire/frame.ts';
import { decodeFrames } from '../../src/wire/frame-reader.ts';
import { CLIENT_ID, KEY, SERVER_ID, concat, drain, eventsOf } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';

// ---- its codec ------------------------------------------------------------------------------

const KnockFrame = { KNOCK: 0x61, WHO: 0x62, ME: 0x63 } as const;
const KNOCK_SIZE = 18;
const WHO_MAX = 32;
const KNOCK_VERSION = 7;

interface Knock {
  nodeId: Uint8Array;
  nonce: number;
  proof: number;
}

function encodeKnock(k: Knock): Uint8Array {
  return concatBytes(k.nodeId, Uint8Array.of(k.nonce, k.proof));
}

/** A KNOCK or a WHO: the first 18 bytes (a WHO may carry more, which this version ignores). */
function decodeKnock(payload: Uint8Array): Knock {
  return { nodeId: payload.slice(0, 16), nonce: payload[16]!, proof: payload[17]! };
}

// ---- its handshake --------------------------------------------------------------------------

/** The toy tag: header, payload and session key summed, mod 256. */
class SumTag implements FrameProtection {
  readonly tagSize = 1;
  constructor(private readonly key: number) {}

  seal(header: Uint8Array, payload: Uint8Array): Uint8Array[] {
    const tag = Uint8Array.of(this.sum(header, payload));
    return payload.length > 0 ? [payload, tag] : [tag];
  }

  beginOpen(header: Uint8Array, bodyLength: number): FrameOpener {
    const pieces: Uint8Array[] = [];
    return {
      take: (piece) => void pieces.push(piece),
      finish: () => {
        const body = concatBytes(...pieces);
        if (body.length !== bodyLength || body.length < 1) return null;
        const payload = body.subarray(0, body.length - 1);
        if (this.sum(header, payload) !== body[body.length - 1]) return null;
        return payload.length > 0 ? [payload] : [];
      },
    };
  }

  open(header: Uint8Array, body: Uint8Array): Uint8Array | null {
    const opener = this.beginOpen(header, body.length);
    opener.take(body);
    const payload = opener.finish();
    return payload === null ? null : concatBytes(...payload);
  }

  private sum(header: Uint8Array, payload: Uint8Array): number {
    let sum = this.key;
    for (const byte of header) sum += byte;
    for (const byte of payload) sum += byte;
    return sum & 0xff;
  }
}

class KnockHandshake implements Handshake {
  private readonly secret: number;
  private ownNonce = 0;

  constructor(private readonly config: HandshakeConfig) {
    this.secret = config.apiKey[0]!;
  }

  initiate(): Uint8Array {
    this.ownNonce = this.config.random.u32() & 0xff;
    return encodeKnock({ nodeId: this.config.nodeId, nonce: this.ownNonce, proof: this.proof(this.ownNonce) });
  }

  receive(message: string, payload: Uint8Array): HandshakeVerdict {
    if (message === 'me') return { ok: true }; // its tag is its proof
    const peer = decodeKnock(payload);
    if (message === 'knock') {
      if (peer.proof !== this.proof(peer.nonce)) return { ok: false, failure: 'bad-signature', detail: 'KNOCK proof does not verify' };
      this.ownNonce = this.config.random.u32() & 0xff;
      const who = encodeKnock({ nodeId: this.config.nodeId, nonce: this.ownNonce, proof: this.proof(peer.nonce ^ this.ownNonce) });
      return { ok: true, reply: who, session: this.session(peer.nonce, this.ownNonce, peer.nodeId) };
    }
    if (peer.proof !== this.proof(this.ownNonce ^ peer.nonce)) return { ok: false, failure: 'bad-signature', detail: 'WHO proof does not verify' };
    return { ok: true, reply: new Uint8Array(0), session: this.session(this.ownNonce, peer.nonce, peer.nodeId) };
  }

  private proof(nonce: number): number {
    return (nonce + this.secret) & 0xff;
  }

  private session(clientNonce: number, serverNonce: number, peerNodeId: Uint8Array): Session {
    return { token: Uint8Array.of(clientNonce, serverNonce), peerNodeId, protection: new SumTag(clientNonce ^ serverNonce ^ this.secret) };
  }
}

const KNOCK: HandshakeKind<{ kind: 'knock' }> = {
  name: 'knock',
  messages: [
    { name: 'knock', frameType: KnockFrame.KNOCK, from: 'client', size: KNOCK_SIZE, sealed: false },
    { name: 'who', frameType: KnockFrame.WHO, from: 'server', size: { atMost: WHO_MAX }, sealed: false },
    { name: 'me', frameType: KnockFrame.ME, from: 'client', size: 0, sealed: true },
  ],
  tagSize: 1,
  createHandshake: (config) => new KnockHandshake(config),
  discoveryDomain: (crypto, apiKey, community) => ({ keys: { crypto, apiKey }, community: `knock ${community}` }),
};

// ---- its registration -----------------------------------------------------------------------

const REGISTRY: HandshakeRegistry = HANDSHAKES.with(KNOCK);

const KNOCK_PROFILE: ConnectionProfile = {
  name: 'knock (test)',
  wireVersion: KNOCK_VERSION,
  security: { kind: 'knock' },
  helloReplay: null,
  maxFrameSize: 1 << 20,
  sendReceipts: true,
  limits: {},
};

// ---- its tests ------------------------------------------------------------------------------

/** A client and a server of the knock kind on a fake transport that moves one byte at a time. */
class KnockPair {
  readonly client: AsocConnection;
  readonly server: AsocConnection;
  readonly clientEvents: ConnectionEvent[] = [];
  readonly serverEvents: ConnectionEvent[] = [];
  readonly clientWire: Uint8Array[] = [];
  readonly serverWire: Uint8Array[] = [];

  constructor(options: { clientKey?: Uint8Array; handshakes?: HandshakeRegistry } = {}) {
    const common = { profile: KNOCK_PROFILE, crypto: nodeBackend, random: seededRandom('knock'), now: 0, handshakes: options.handshakes ?? REGISTRY };
    this.client = new AsocConnection({ ...common, role: 'client', nodeId: CLIENT_ID, apiKey: options.clientKey ?? KEY });
    this.server = new AsocConnection({ ...common, role: 'server', nodeId: SERVER_ID, apiKey: KEY });
  }

  /** Moves bytes both ways until neither side has anything to send. */
  pump(): void {
    for (;;) {
      const fromClient = this.client.pollTransmit();
      const fromServer = this.server.pollTransmit();
      if (!fromClient && !fromServer) break;
      for (const bytes of fromClient ?? []) this.carry(bytes, this.clientWire, this.server);
      for (const bytes of fromServer ?? []) this.carry(bytes, this.serverWire, this.client);
    }
    drain(this.client, this.clientEvents);
    drain(this.server, this.serverEvents);
  }

  private carry(bytes: Uint8Array, wire: Uint8Array[], to: AsocConnection): void {
    wire.push(bytes);
    for (let i = 0; i < bytes.length; i++) to.receive(bytes.subarray(i, i + 1), 0);
  }
}

function closes(events: ConnectionEvent[]): [string, string][] {
  return eventsOf(events, 'closed').map((e) => [e.reason, e.detail]);
}

function frame(type: number, payload: Uint8Array): Uint8Array {
  return concat([encodeHeader(type, 0, 0, payload.length, KNOCK_VERSION), payload]);
}

test('a toy kind registered in a test runs a connection pair end to end: three messages, streams both ways, a 1-byte tag on every frame after', () => {
  const pair = new KnockPair();
  pair.pump();
  assert.deepEqual([pair.client.state, pair.server.state], ['established', 'established']);
  assert.deepEqual(pair.server.peerNodeId, CLIENT_ID);
  assert.deepEqual(pair.client.peerNodeId, SERVER_ID);
  assert.deepEqual(pair.client.sessionToken, pair.server.sessionToken);
  const up = pair.client.openStream();
  const down = pair.server.openStream();
  const upData = Uint8Array.from({ length: 5000 }, (_, i) => i * 7);
  pair.client.sendData(up, upData, 0);
  pair.client.endStream(up, 0);
  pair.server.sendData(down, Uint8Array.of(1, 2, 3), 0);
  pair.server.endStream(down, 0);
  pair.pump();
  assert.deepEqual(concat(eventsOf(pair.serverEvents, 'stream-data').map((e) => e.data)), upData);
  assert.deepEqual(concat(eventsOf(pair.clientEvents, 'stream-data').map((e) => e.data)), Uint8Array.of(1, 2, 3));
  assert.deepEqual(eventsOf(pair.clientEvents, 'receipt').map((e) => e.bytes), [5000]);
  const { frames } = decodeFrames(concat(pair.clientWire), { version: KNOCK_VERSION });
  assert.deepEqual(frames.map((f) => [f.type, f.payload.length]), [
    [KnockFrame.KNOCK, 18],
    [KnockFrame.ME, 1],
    [FrameType.DATA, 5001],
    [FrameType.END, 1],
    [FrameType.CONTROL, 14],
  ]);
  assert.equal(pair.client.stats.handshakePayloadBytes, 18 + 18 + 1);
  assert.equal(pair.server.stats.handshakePayloadBytes, 18 + 18 + 1);
});

test('the toy kind\'s refusals are the connection\'s usual closes', () => {
  const wrongKey = new KnockPair({ clientKey: Uint8Array.of(KEY[0]! + 1) });
  wrongKey.pump();
  assert.deepEqual(closes(wrongKey.serverEvents), [['auth-failed', 'KNOCK proof does not verify']]);
  assert.equal(wrongKey.serverWire.length, 0, 'the server answers nothing');

  const dataFirst = new KnockPair();
  dataFirst.client.pollTransmit();
  dataFirst.server.receive(frame(FrameType.DATA, Uint8Array.of(1)), 0);
  drain(dataFirst.server, dataFirst.serverEvents);
  assert.deepEqual(closes(dataFirst.serverEvents), [['expected-knock', 'DATA frame before the handshake completed']]);

  const noMe = new KnockPair();
  noMe.server.receive(concat(noMe.client.pollTransmit()!), 0);
  noMe.server.pollTransmit();
  noMe.server.receive(frame(KnockFrame.KNOCK, new Uint8Array(KNOCK_SIZE)), 0);
  drain(noMe.server, noMe.serverEvents);
  assert.deepEqual(closes(noMe.serverEvents), [['expected-me', 'reserved(97) frame before the handshake completed']]);

  const longWho = new KnockPair();
  longWho.client.pollTransmit();
  longWho.client.receive(frame(KnockFrame.WHO, new Uint8Array(WHO_MAX + 1)), 0);
  drain(longWho.client, longWho.clientEvents);
  assert.deepEqual(closes(longWho.clientEvents), [['bad-length', 'bad-length: reserved(98) payload must be at most 32 bytes, header announces 33']]);

  const alteredMe = new KnockPair();
  alteredMe.server.receive(concat(alteredMe.client.pollTransmit()!), 0);
  alteredMe.client.receive(concat(alteredMe.server.pollTransmit()!), 0);
  const me = concat(alteredMe.client.pollTransmit()!);
  me[me.length - 1]! ^= 1;
  alteredMe.server.receive(me, 0);
  drain(alteredMe.server, alteredMe.serverEvents);
  assert.deepEqual(closes(alteredMe.serverEvents), [['integrity-failed', 'reserved(99) frame (stream 0, seq 0) does not authenticate']]);
});

test('a profile that names the toy kind is refused where the kind is not registered', () => {
  assert.throws(() => new KnockPair({ handshakes: HANDSHAKES }), (err: unknown) => err instanceof HandshakeKindError && /unknown security kind "knock"/.test(err.message));
});

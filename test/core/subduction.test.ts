/**
 * The subduction kind: frozen handshake vectors, a refusal for each of the design's four reasons
 * (and the cases it closes on without one), the client's own checks, a connection pair streaming
 * over a fake transport with every frame tagged, and that no other module of the protocol needed
 * to know the kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsocConnection } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { SUBDUCTION, type AsocProfile } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { IdentityRequiredError, SUBDUCTION_HANDSHAKE, SubductionHandshake, discoveryId, type SubductionSecurity } from '../../src/core/subduction-handshake.ts';
import { nobleBackend, nodeBackend, type CryptoBackend } from '../../src/crypto/backend.ts';
import { blake3Digest } from '../../src/crypto/blake3.ts';
import { nodeEd25519 } from '../../src/crypto/ed25519.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { bytesToHex, hexToBytes } from '../../src/wire/bytes.ts';
import { RECEIPT_SIZE } from '../../src/wire/control.ts';
import { FrameType, HEADER_SIZE, encodeHeader } from '../../src/wire/frame.ts';
import { decodeFrames } from '../../src/wire/frame-reader.ts';
import {
  RejectionReason,
  SubductionFrame,
  decodeChallenge,
  decodeRejection,
  decodeResponse,
  decodeSigned,
  encodeChallenge,
  encodeResponse,
  encodeSigned,
  openEnvelope,
  sealEnvelope,
  type Challenge,
} from '../../src/wire/subduction.ts';
import { CLIENT_ID, CLIENT_IDENTITY, ConnectionPair, KEY, SERVER_ID, SERVER_IDENTITY, concat, drain, eventsOf } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';
import { accepted, refused } from '../support/handshake-verdicts.ts';

const SECURITY = SUBDUCTION.security as SubductionSecurity;
const CLIENT_KEY = nodeEd25519.publicKey(CLIENT_IDENTITY);
const SERVER_KEY = nodeEd25519.publicKey(SERVER_IDENTITY);
const OTHER_IDENTITY = new Uint8Array(32).fill(0x77);
const WIRE_VERSION = SUBDUCTION.wireVersion;

// ---- vectors --------------------------------------------------------------------------------

/** Every input fixed: both identities, the nonce 00…0f, both clocks at 1,700,000,000.5 s, the service "asoc-lab". */
const NONCE = Uint8Array.from({ length: 16 }, (_, i) => i);
const FIXED_RANDOM: RandomSource = { u32: () => 0, bytes: (n) => NONCE.slice(0, n) };
const AT = { now: 0, unixMs: 1_700_000_000_500 };

/** Generated once with the inputs above and frozen: a change to any byte is a change to the protocol. */
const VECTORS = {
  clientKey: 'ed54a59fb1ac3a51239351362941b868e85a60e3d7b2485d828821dc7a69c279',
  serverKey: 'ba3c735cdbe4235e6cadf81c412b883a3472d1045faea189f584f8beca46e343',
  challenge:
    '835820ed54a59fb1ac3a51239351362941b868e85a60e3d7b2485d828821dc7a69c2795840f6168169f181a857f6db8e1a951a4ac609b44e276de4e1b61de715c12e8820f23402d1d7439c0f7cd759dc1134f34ac114d687e05aaa51ea351266b5b1424008583f53444e008382015820eced78767013af0e928f12a9bc7db8a78d66ede1f4492ee1edf4b4a7bfffa8e31a6553f10050000102030405060708090a0b0c0d0e0f',
  response:
    '835820ba3c735cdbe4235e6cadf81c412b883a3472d1045faea189f584f8beca46e343584006316f4d1a8ac73009acb6350656a886ed9da4d763a129a1fc28abf3628cbf7b0688d8f918e99172fded3fd3d6c0955375cc80bfce67311701e3493846b80a04582c53444e0082582042504c4ed0d1c46f1cc9b8c593451a69ce3145ab5a1b9edb575908b05d01c3031a6553f100',
  sessionId: 'c4b81f3b3857e916',
  /** The tag of the client's first sealed frame: DATA, stream 1, seq 0, payload 01 02 03. */
  firstTag: 'a796e7b985eeefab79b7442831db446f',
  /** The server's answer to the same challenge 99.5 s later: clock drift, at 1,700,000,100 s. */
  driftRejection: '82001a6553f164',
};

function handshakeOf(role: 'client' | 'server', crypto: CryptoBackend, options: { identity?: Uint8Array; expectedPeer?: Uint8Array; nonces?: ReplayCache } = {}): SubductionHandshake {
  const identity = options.identity ?? (role === 'client' ? CLIENT_IDENTITY : SERVER_IDENTITY);
  const config = { nodeId: role === 'client' ? CLIENT_ID : SERVER_ID, apiKey: KEY, crypto, random: FIXED_RANDOM, identity, expectedPeer: options.expectedPeer, helloReplay: options.nonces };
  return SUBDUCTION_HANDSHAKE.createHandshake(config, SECURITY) as SubductionHandshake;
}

for (const crypto of [nodeBackend, nobleBackend]) {
  test(`vectors [${crypto.name}]: the challenge, response, session id, first tag and a rejection are byte-exact`, () => {
    const client = handshakeOf('client', crypto);
    const server = handshakeOf('server', crypto, { nonces: new ReplayCache(SUBDUCTION.helloReplay!) });
    const challenge = client.initiate(AT);
    assert.equal(bytesToHex(challenge), VECTORS.challenge);
    const answer = accepted(server.receive('challenge', challenge, AT));
    assert.equal(bytesToHex(answer.reply!), VECTORS.response);
    const done = accepted(client.receive('response', answer.reply!, AT));
    assert.equal(bytesToHex(answer.session!.token), VECTORS.sessionId);
    assert.equal(bytesToHex(done.session!.token), VECTORS.sessionId);
    assert.equal(bytesToHex(done.session!.peerNodeId!), VECTORS.serverKey);
    assert.equal(bytesToHex(answer.session!.peerNodeId!), VECTORS.clientKey);
    const header = encodeHeader(FrameType.DATA, 1, 0, 3 + 16, WIRE_VERSION);
    const [payload, tag] = done.session!.protection!.seal(header, Uint8Array.of(1, 2, 3));
    assert.deepEqual([bytesToHex(payload!), bytesToHex(tag!)], ['010203', VECTORS.firstTag]);
    assert.deepEqual(answer.session!.protection!.open(header, concat([payload!, tag!])), Uint8Array.of(1, 2, 3), 'the server opens what the client sealed');
    const late = refused(handshakeOf('server', crypto).receive('challenge', challenge, { now: 0, unixMs: AT.unixMs + 99_500 }));
    assert.equal(bytesToHex(late.refusal!), VECTORS.driftRejection);
  });
}

test('vectors, read back: what each frozen message says, field by field', () => {
  assert.equal(bytesToHex(CLIENT_KEY), VECTORS.clientKey, 'peer id = the verifying key');
  const signedChallenge = decodeSigned(hexToBytes(VECTORS.challenge));
  assert.deepEqual(signedChallenge.issuer, CLIENT_KEY);
  assert.deepEqual([...signedChallenge.envelope.subarray(0, 4)], [0x53, 0x44, 0x4e, 0x00], '"SDN", version 0');
  assert.ok(nodeEd25519.verify(CLIENT_KEY, signedChallenge.envelope, signedChallenge.signature), 'signed over the whole envelope');
  const challengeCbor = openEnvelope(signedChallenge.envelope);
  assert.deepEqual(decodeChallenge(challengeCbor), { audience: { kind: 'discover', discoveryId: discoveryId('asoc-lab') }, timestamp: 1_700_000_000, nonce: NONCE });
  const signedResponse = decodeSigned(hexToBytes(VECTORS.response));
  assert.deepEqual(signedResponse.issuer, SERVER_KEY);
  assert.deepEqual(decodeResponse(openEnvelope(signedResponse.envelope)), { challengeDigest: blake3Digest(challengeCbor), serverTimestamp: 1_700_000_000 });
  assert.deepEqual(decodeRejection(hexToBytes(VECTORS.driftRejection)), { reason: RejectionReason.CLOCK_DRIFT, serverTimestamp: 1_700_000_100 });
});

// ---- refusals -------------------------------------------------------------------------------

interface Refusal {
  serverClose: [string, string];
  rejection: { reason: number; serverTimestamp: number } | null;
  clientClose: [string, string] | null;
}

/** What the server and the client did about one challenge. */
function outcome(pair: ConnectionPair): Refusal {
  const closes = (events: ConnectionEvent[]) => eventsOf(events, 'closed').map((e): [string, string] => [e.reason, e.detail]);
  const { frames } = decodeFrames(concat(pair.serverWire), { version: WIRE_VERSION });
  assert.ok(frames.length <= 1, 'a refusing server sends one frame at most');
  const rejection = frames[0] ? (assert.equal(frames[0].type, SubductionFrame.REJECTION), decodeRejection(frames[0].payload)) : null;
  return { serverClose: closes(pair.serverEvents)[0]!, rejection, clientClose: closes(pair.clientEvents)[0] ?? null };
}

test('clock drift: a challenge more than 60 s from the server\'s clock is refused with CLOCK_DRIFT; 60 s is within the window', () => {
  for (const ahead of [61_000, -61_000]) {
    const pair = new ConnectionPair({ profile: SUBDUCTION, serverClockAheadMs: 1_700_000_000_000 + ahead, clientClockAheadMs: 1_700_000_000_000 });
    pair.pump();
    const serverNow = 1_700_000_000 + ahead / 1000;
    assert.deepEqual(outcome(pair), {
      serverClose: ['stale', `Challenge timestamp 1700000000 is 61 s from this node's clock (at most 60 s)`],
      rejection: { reason: RejectionReason.CLOCK_DRIFT, serverTimestamp: serverNow },
      clientClose: ['refused', `the server refused: clock drift (its clock, unsigned: ${serverNow} s)`],
    });
    assert.deepEqual(eventsOf(pair.serverEvents, 'closed')[0]!.flush, true, 'the rejection is written before the socket closes');
  }
  const edge = new ConnectionPair({ profile: SUBDUCTION, serverClockAheadMs: 60_000 });
  edge.pump();
  assert.deepEqual([edge.client.state, edge.server.state], ['established', 'established']);
});

test('wrong audience: a challenge for another peer, or for another service, is refused with INVALID_AUDIENCE; for this peer\'s key it is taken', () => {
  const otherPeer = new ConnectionPair({ profile: SUBDUCTION, expectedPeer: nodeEd25519.publicKey(OTHER_IDENTITY) });
  otherPeer.pump();
  const result = outcome(otherPeer);
  assert.deepEqual(result.serverClose, ['wrong-audience', `Challenge is for peer ${bytesToHex(nodeEd25519.publicKey(OTHER_IDENTITY))}, not this node`]);
  assert.deepEqual(result.rejection, { reason: RejectionReason.INVALID_AUDIENCE, serverTimestamp: 0 });
  assert.deepEqual(result.clientClose, ['refused', 'the server refused: invalid audience (its clock, unsigned: 0 s)']);

  const otherService: AsocProfile = { ...SUBDUCTION, security: { ...SECURITY, service: 'another-service' } };
  const misdirected = new ConnectionPair({ profile: SUBDUCTION, clientProfile: otherService });
  misdirected.pump();
  assert.deepEqual(outcome(misdirected).rejection?.reason, RejectionReason.INVALID_AUDIENCE);
  assert.match(outcome(misdirected).serverClose[1], new RegExp(`for discovery id ${bytesToHex(discoveryId('another-service'))}`));

  const known = new ConnectionPair({ profile: SUBDUCTION, expectedPeer: SERVER_KEY });
  known.pump();
  assert.deepEqual([known.client.state, known.server.state], ['established', 'established']);
  assert.deepEqual(known.client.peerNodeId, SERVER_KEY);
  assert.deepEqual(known.server.peerNodeId, CLIENT_KEY);
});

test('replayed nonce: a challenge seen before is refused with REPLAYED_NONCE by any connection sharing the nonce cache', () => {
  const nonces = new ReplayCache(SUBDUCTION.helloReplay!);
  const first = new ConnectionPair({ profile: SUBDUCTION, helloReplay: nonces });
  first.pump();
  assert.equal(first.server.state, 'established');
  assert.equal(nonces.size, 1);
  const challenge = concat(first.clientWire);

  const replay = new ConnectionPair({ profile: SUBDUCTION, helloReplay: nonces, seed: 'replayer' });
  replay.client.pollTransmit(); // the replayer's own challenge is dropped; the recorded one goes instead
  replay.server.receive(challenge, 0);
  replay.pump();
  assert.deepEqual(outcome(replay), {
    serverClose: ['replay', 'Challenge nonce already used by this peer'],
    rejection: { reason: RejectionReason.REPLAYED_NONCE, serverTimestamp: 0 },
    clientClose: ['refused', 'the server refused: replayed nonce (its clock, unsigned: 0 s)'],
  });

  // The cache is what refused it: a server with a fresh cache takes the same bytes.
  const elsewhere = new ConnectionPair({ profile: SUBDUCTION, seed: 'elsewhere' });
  elsewhere.client.pollTransmit();
  elsewhere.server.receive(challenge, 0);
  drain(elsewhere.server, elsewhere.serverEvents);
  assert.equal(elsewhere.server.state, 'established');
});

test('replayed nonce: the cache keys (peer id, nonce), so another peer may use the same nonce', () => {
  const nonces = new ReplayCache(SUBDUCTION.helloReplay!);
  const server = handshakeOf('server', nodeBackend, { nonces });
  accepted(server.receive('challenge', handshakeOf('client', nodeBackend).initiate(AT), AT));
  accepted(server.receive('challenge', handshakeOf('client', nodeBackend, { identity: OTHER_IDENTITY }).initiate(AT), AT));
  const again = refused(server.receive('challenge', handshakeOf('client', nodeBackend).initiate(AT), AT));
  assert.equal(again.failure, 'replay');
  assert.equal(nonces.size, 2);
});

test('bad signature: a challenge whose signature does not verify is refused with INVALID_SIGNATURE and leaves the nonce cache empty', () => {
  const nonces = new ReplayCache(SUBDUCTION.helloReplay!);
  const pair = new ConnectionPair({ profile: SUBDUCTION, helloReplay: nonces });
  const frame = concat(pair.client.pollTransmit()!);
  frame[HEADER_SIZE + 40]! ^= 0x01; // inside the signature
  pair.server.receive(frame, 0);
  pair.pump();
  const result = outcome(pair);
  assert.deepEqual(result.serverClose, ['auth-failed', 'Challenge signature does not verify']);
  assert.deepEqual(result.rejection, { reason: RejectionReason.INVALID_SIGNATURE, serverTimestamp: 0 });
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
  assert.equal(nonces.size, 0, 'only a challenge that passed every check is remembered');
});

test('a challenge that does not decode, or speaks another envelope version, is closed on with no rejection', () => {
  const signedWith = (envelope: Uint8Array) => encodeSigned({ issuer: CLIENT_KEY, signature: nodeEd25519.sign(CLIENT_IDENTITY, envelope), envelope });
  const challenge: Challenge = { audience: { kind: 'discover', discoveryId: discoveryId('asoc-lab') }, timestamp: 0, nonce: NONCE };
  const version1 = sealEnvelope(encodeChallenge(challenge));
  version1[3] = 1;
  const cbor = encodeChallenge(challenge); // 83 82 01 5820 <id: 32 bytes> 00 50 <nonce>: the timestamp is byte 37
  const wide = Uint8Array.from([...cbor.subarray(0, 37), 0x18, 0x00, ...cbor.subarray(38)]);
  const cases: [string, Uint8Array, [string, RegExp]][] = [
    ['envelope version 1, validly signed', signedWith(version1), ['unsupported-version', /Challenge: unknown-version: envelope version 1; this side speaks 0 only/]],
    ['a timestamp in two bytes', signedWith(sealEnvelope(wide)), ['malformed', /bad-cbor: Challenge: CBOR decode error: integer encoded in more bytes than necessary/]],
    ['not CBOR', Uint8Array.of(0xff, 0xff), ['malformed', /Challenge: bad-cbor/]],
    ['"SDX" for "SDN"', signedWith(Uint8Array.of(0x53, 0x44, 0x58, 0, ...encodeChallenge(challenge))), ['malformed', /Challenge: bad-magic/]],
  ];
  for (const [what, payload, [reason, detail]] of cases) {
    const pair = new ConnectionPair({ profile: SUBDUCTION });
    pair.client.pollTransmit();
    pair.server.receive(concat([encodeHeader(SubductionFrame.CHALLENGE, 0, 0, payload.length, WIRE_VERSION), payload]), 0);
    pair.pump();
    const result = outcome(pair);
    assert.equal(result.serverClose[0], reason, what);
    assert.match(result.serverClose[1], detail, what);
    assert.equal(result.rejection, null, `${what}: nothing is sent`);
  }
});

// ---- the client's checks ----------------------------------------------------------------------

test('the client refuses a response from another peer than the one it asked for, one for another challenge, and a bad signature', () => {
  const asked = handshakeOf('client', nodeBackend, { expectedPeer: SERVER_KEY });
  const challenge = asked.initiate(AT);
  // An impostor answers the challenge meant for the server, signing as itself.
  const impostor = handshakeOf('server', nodeBackend, { identity: OTHER_IDENTITY });
  const digest = blake3Digest(openEnvelope(decodeSigned(challenge).envelope));
  const envelope = sealEnvelope(encodeResponse({ challengeDigest: digest, serverTimestamp: 0 }));
  const impostorResponse = encodeSigned({ issuer: nodeEd25519.publicKey(OTHER_IDENTITY), signature: nodeEd25519.sign(OTHER_IDENTITY, envelope), envelope });
  assert.equal(refused(impostor.receive('challenge', challenge, AT)).failure, 'wrong-audience', 'an honest impostor refuses the audience itself');
  const misbound = refused(asked.receive('response', impostorResponse, AT));
  assert.deepEqual([misbound.failure, misbound.detail], ['wrong-audience', `Response signed by ${bytesToHex(nodeEd25519.publicKey(OTHER_IDENTITY))}, the client asked for ${bytesToHex(SERVER_KEY)}`]);

  const server = handshakeOf('server', nodeBackend);
  const otherClient = handshakeOf('client', nodeBackend);
  const answerToOther = accepted(server.receive('challenge', otherClient.initiate({ now: 0, unixMs: AT.unixMs + 1_000 }), AT)).reply!;
  const anyPeer = handshakeOf('client', nodeBackend);
  anyPeer.initiate(AT);
  assert.deepEqual(refused(anyPeer.receive('response', answerToOther, AT)).detail, 'Response answers another challenge');

  const fresh = handshakeOf('client', nodeBackend);
  const reply = accepted(handshakeOf('server', nodeBackend).receive('challenge', fresh.initiate(AT), AT)).reply!.slice();
  reply[50]! ^= 0x80;
  assert.deepEqual(refused(fresh.receive('response', reply, AT)).failure, 'bad-signature');
});

test('the client closes on a rejection it cannot read, and only the server may send one', () => {
  const pair = new ConnectionPair({ profile: SUBDUCTION });
  pair.client.pollTransmit();
  const garbage = Uint8Array.of(0x82, 0x09, 0x00); // reason 9
  pair.client.receive(concat([encodeHeader(SubductionFrame.REJECTION, 0, 0, garbage.length, WIRE_VERSION), garbage]), 0);
  drain(pair.client, pair.clientEvents);
  assert.deepEqual(eventsOf(pair.clientEvents, 'closed').map((e) => [e.reason, e.detail]), [['malformed', 'bad-field: Rejection reason must be 0..3, got 9']]);

  const toServer = new ConnectionPair({ profile: SUBDUCTION });
  const rejection = Uint8Array.of(0x82, 0x00, 0x00);
  toServer.server.receive(concat([encodeHeader(SubductionFrame.REJECTION, 0, 0, rejection.length, WIRE_VERSION), rejection]), 0);
  drain(toServer.server, toServer.serverEvents);
  assert.deepEqual(eventsOf(toServer.serverEvents, 'closed').map((e) => e.reason), ['expected-challenge']);

  const tooLong = new ConnectionPair({ profile: SUBDUCTION });
  tooLong.client.pollTransmit();
  tooLong.client.receive(encodeHeader(SubductionFrame.REJECTION, 0, 0, 12, WIRE_VERSION), 0);
  drain(tooLong.client, tooLong.clientEvents);
  assert.deepEqual(eventsOf(tooLong.clientEvents, 'closed').map((e) => e.detail), ['bad-length: reserved(7) payload must be at most 11 bytes, header announces 12']);
});

test('a connection of the kind needs the node\'s Ed25519 identity', () => {
  const common = { role: 'client' as const, profile: SUBDUCTION, nodeId: CLIENT_ID, apiKey: KEY, crypto: nodeBackend, random: seededRandom('id'), now: 0 };
  assert.throws(() => new AsocConnection(common), (err: unknown) => err instanceof IdentityRequiredError && /needs the node's Ed25519 identity/.test(err.message));
  assert.throws(() => new AsocConnection({ ...common, identity: new Uint8Array(16) }), (err: unknown) => err instanceof IdentityRequiredError && /32-byte seed, got 16 bytes/.test(err.message));
});

// ---- frames after the handshake -------------------------------------------------------------

/**
 * A client and a server over a fake transport that cuts what each side writes into pieces of
 * random sizes (seeded), and may alter what passes.
 */
class ChunkedPair {
  readonly client: AsocConnection;
  readonly server: AsocConnection;
  readonly clientEvents: ConnectionEvent[] = [];
  readonly serverEvents: ConnectionEvent[] = [];
  readonly clientWire: Uint8Array[] = [];
  private readonly cuts = seededRandom('cuts');
  /** Called with each whole write from the client before it is cut; returns what the server gets. */
  alterClientBytes: (bytes: Uint8Array) => Uint8Array = (bytes) => bytes;

  constructor(clientCrypto: CryptoBackend, serverCrypto: CryptoBackend) {
    const common = { profile: SUBDUCTION, apiKey: KEY, random: seededRandom('chunked'), now: 0 };
    this.client = new AsocConnection({ ...common, role: 'client', crypto: clientCrypto, nodeId: CLIENT_ID, identity: CLIENT_IDENTITY });
    this.server = new AsocConnection({ ...common, role: 'server', crypto: serverCrypto, nodeId: SERVER_ID, identity: SERVER_IDENTITY, helloReplay: new ReplayCache(SUBDUCTION.helloReplay!) });
  }

  pump(): void {
    for (let round = 0; round < 1000; round++) {
      const fromClient = this.client.pollTransmit();
      const fromServer = this.server.pollTransmit();
      if (!fromClient && !fromServer) break;
      for (const bytes of fromClient ?? []) {
        this.clientWire.push(bytes);
        this.carry(this.alterClientBytes(bytes), this.server);
      }
      for (const bytes of fromServer ?? []) this.carry(bytes, this.client);
    }
    drain(this.client, this.clientEvents);
    drain(this.server, this.serverEvents);
  }

  private carry(bytes: Uint8Array, to: AsocConnection): void {
    for (let at = 0; at < bytes.length; ) {
      const piece = 1 + (this.cuts.u32() % 70_000);
      to.receive(bytes.subarray(at, at + piece), 0);
      at += piece;
    }
  }
}

function received(events: ConnectionEvent[], streamId: number): Uint8Array {
  return concat(eventsOf(events, 'stream-data').filter((e) => e.streamId === streamId).map((e) => e.data));
}

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

for (const [clientCrypto, serverCrypto] of [[nodeBackend, nodeBackend], [nodeBackend, nobleBackend], [nobleBackend, nodeBackend]] as const) {
  test(`streams both ways over a chunking transport, every frame tagged [client ${clientCrypto.name}, server ${serverCrypto.name}]`, () => {
    const pair = new ChunkedPair(clientCrypto, serverCrypto);
    pair.pump();
    assert.deepEqual([pair.client.state, pair.server.state], ['established', 'established']);
    const up = [pattern(2.5 * 1024 * 1024, 1), pattern(70_001, 2)];
    const down = pattern(300_000, 3);
    const upIds = up.map((data) => {
      const id = pair.client.openStream();
      pair.client.sendData(id, data, 0);
      pair.client.endStream(id, 0);
      return id;
    });
    const downId = pair.server.openStream();
    pair.server.sendData(downId, down, 0);
    pair.server.endStream(downId, 0);
    pair.pump();
    upIds.forEach((id, i) => assert.deepEqual(received(pair.serverEvents, id), up[i]));
    assert.deepEqual(received(pair.clientEvents, downId), down);
    assert.deepEqual(eventsOf(pair.clientEvents, 'receipt').map((e) => [e.streamId, e.bytes]), upIds.map((id, i) => [id, up[i]!.length]));
    // The challenge in the clear, then DATA chunks of 1 MiB and the rest, END: each carries a 16-byte tag.
    const { frames } = decodeFrames(concat(pair.clientWire), { version: WIRE_VERSION, maxFrameSize: SUBDUCTION.maxFrameSize + 16 });
    assert.deepEqual(frames.map((f) => [f.type, f.payload.length]), [
      [SubductionFrame.CHALLENGE, frames[0]!.payload.length],
      [FrameType.DATA, 1024 * 1024 + 16],
      [FrameType.DATA, 1024 * 1024 + 16],
      [FrameType.DATA, 512 * 1024 + 16],
      [FrameType.END, 16],
      [FrameType.DATA, 70_001 + 16],
      [FrameType.END, 16],
      [FrameType.CONTROL, RECEIPT_SIZE + 16],
    ]);
  });
}

test('a frame altered, replayed or injected after the handshake does not authenticate and closes the connection', () => {
  const attacks: [string, (sealed: Uint8Array, earlier: Uint8Array) => Uint8Array][] = [
    ['one payload bit flipped', (sealed) => {
      const copy = sealed.slice();
      copy[HEADER_SIZE + 100]! ^= 0x04;
      return copy;
    }],
    ['an earlier frame sent again', (_sealed, earlier) => earlier],
    ['a frame made up, with a tag of zeros', () => concat([encodeHeader(FrameType.DATA, 3, 0, 116, WIRE_VERSION), new Uint8Array(116)])],
  ];
  for (const [what, attack] of attacks) {
    const pair = new ChunkedPair(nodeBackend, nodeBackend);
    pair.pump();
    const id = pair.client.openStream();
    pair.client.sendData(id, pattern(200, 9), 0);
    pair.pump();
    const earlier = lastFrame(pair.clientWire);
    pair.client.sendData(id, pattern(200, 10), 0);
    pair.alterClientBytes = (() => {
      const parts: Uint8Array[] = [];
      return (bytes: Uint8Array) => {
        parts.push(bytes);
        const whole = concat(parts);
        if (whole.length < HEADER_SIZE + 216) return new Uint8Array(0);
        return attack(whole, earlier);
      };
    })();
    pair.pump();
    assert.deepEqual(eventsOf(pair.serverEvents, 'closed').map((e) => e.reason), ['integrity-failed'], what);
    assert.deepEqual(received(pair.serverEvents, id), pattern(200, 9), `${what}: only the authentic frame was delivered`);
  }
});

/** The last whole frame the client wrote (its header and body, as on the wire). */
function lastFrame(wire: Uint8Array[]): Uint8Array {
  const bytes = concat(wire);
  const { frames } = decodeFrames(bytes, { version: WIRE_VERSION, maxFrameSize: SUBDUCTION.maxFrameSize + 16 });
  const last = frames[frames.length - 1]!;
  return bytes.subarray(bytes.length - HEADER_SIZE - last.payload.length);
}

// ---- nothing else knows the kind --------------------------------------------------------------

/** The modules a connection is made of: connection.ts and everything it imports, transitively. */
function connectionModules(): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+\.ts)'/g)) visit(join(dirname(file), spec!));
  };
  visit(fileURLToPath(new URL('../../src/core/connection.ts', import.meta.url)));
  return [...seen];
}

test('no module a connection is made of names subduction in code, but the kind\'s own, its codec and its one registry entry', () => {
  const own = ['core/subduction-handshake.ts', 'wire/subduction.ts'];
  const modules = connectionModules();
  for (const file of own) assert.ok(modules.some((m) => m.endsWith(`src/${file}`)), `${file} is reached through the registry`);
  const offenders = modules.filter((file) => {
    if (own.some((o) => file.endsWith(`src/${o}`)) || file.endsWith('src/core/handshake-registry.ts')) return false;
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    return /subduction/i.test(code);
  });
  assert.deepEqual(offenders, []);
  const registry = readFileSync(modules.find((m) => m.endsWith('src/core/handshake-registry.ts'))!, 'utf8');
  assert.deepEqual(registry.match(/.*subduction.*/gi), [
    "import { SUBDUCTION_HANDSHAKE } from './subduction-handshake.ts';",
    'export const HANDSHAKES = new HandshakeRegistry([V1_HANDSHAKE, HARDENED_HANDSHAKE, HARDENED_X25519_HANDSHAKE, SUBDUCTION_HANDSHAKE, STT_HANDSHAKE]);',
  ]);
});

/**
 * The stt kind: frozen handshake vectors, a refusal for each reason (each names what was wrong),
 * frames encrypted after the handshake, and key rotation under load across many streams with no
 * byte lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionEvent } from '../../src/core/events.ts';
import type { HandshakeVerdict } from '../../src/core/handshake.ts';
import { ConnectionStateError } from '../../src/core/connection.ts';
import { FrameDispatcher, UnhandledFrameError } from '../../src/core/frame-dispatcher.ts';
import { ASOC_HARDENED, STT, type AsocProfile } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { STT_HANDSHAKE, STT_TAG_SIZE, SttHandshake, sttNodeId, sttSessionId, type SttSecurity } from '../../src/core/stt-handshake.ts';
import { nodeChaCha20Poly1305, nobleChaCha20Poly1305 } from '../../src/crypto/aead.ts';
import { nobleBackend, nodeBackend, type CryptoBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { bytesToHex, hexToBytes } from '../../src/wire/bytes.ts';
import { WireError } from '../../src/wire/errors.ts';
import { FrameType, HEADER_SIZE, encodeHeader } from '../../src/wire/frame.ts';
import { decodeFrames } from '../../src/wire/frame-reader.ts';
import { HELLO_SIZE, SttFrame, decodeAuthProof, decodeHello, decodeResponse, encodeGreeting, encodeHello } from '../../src/wire/stt.ts';
import { CLIENT_ID, ConnectionPair, SERVER_ID, concat, drain, eventsOf } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';
import { accepted, refused } from '../support/handshake-verdicts.ts';

const SECURITY = STT.security as SttSecurity;
const WIRE_VERSION = STT.wireVersion;
const MAX_BODY = STT.maxFrameSize + STT_TAG_SIZE;

// ---- vectors --------------------------------------------------------------------------------

/** Every input fixed: the lab's test node ids and key, nonces 00…1f (initiator) and 20…3f (responder), both clocks at 1,700,000,000.5 s. */
const INITIATOR_NONCE = Uint8Array.from({ length: 32 }, (_, i) => i);
const RESPONDER_NONCE = Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i);
const fixed = (nonce: Uint8Array): RandomSource => ({ u32: () => 0, bytes: (n) => nonce.slice(0, n) });
const AT = { now: 0, unixMs: 1_700_000_000_500 };

/** Generated once with the inputs above and frozen: a change to any byte is a change to the protocol. */
const VECTORS = {
  initiatorId: 'fd0b1c56af1e244f97605ecd0642ac8bf17d45d53c37f801dbfdb0459f9e44c1',
  responderId: '903a1a5435b8abc3ae0720b3852aba8d34e87b8f4db59266dee2e20876fd8775',
  hello:
    'fd0b1c56af1e244f97605ecd0642ac8bf17d45d53c37f801dbfdb0459f9e44c1000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0000018bcfe569f47e9d6729dd09202da8f7c0ce6a275678cbe8217155e0aba2737859a6fc49dac3',
  response:
    '903a1a5435b8abc3ae0720b3852aba8d34e87b8f4db59266dee2e20876fd8775202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f0000018bcfe569f4e94bc5ea71840058ff1b9ae5e14c67f92f63d7679882ff13d0dff72929c9540155d82bc209b149ab4985beb07c524b518a4f9792fea8e190bde65f96187ec480b99bdcd1ac493129e6ed6a06fc60b4b5',
  authProof: '4d112622ba86afacf74e5dd1631122e3c9416071b8e293ac9d050e5a7de21bf8',
  sessionId: '4d112622ba86afac',
  /** FINAL as sent: epoch 0, then the session id sealed under the responder's first key. */
  final: '00b418f19783ea95c4869275c262dc591d41384189a878c159',
  /** The initiator's first DATA frame body: stream 1, seq 0, payload 01 02 03. */
  firstData: '0064ee4cc483ac7115ee1676c217474b6e29cde4',
};

/** The pre-shared seed the vectors were frozen under (pair.ts's KEY is 32 bytes derived from this text, for asoc-hardened). */
const VECTOR_SEED = new TextEncoder().encode('test-secret-key');

function handshakeOf(role: 'client' | 'server', crypto: CryptoBackend, options: { key?: Uint8Array; nodeId?: Uint8Array; nonces?: ReplayCache; nonce?: Uint8Array; expectedPeer?: Uint8Array } = {}): SttHandshake {
  const config = {
    nodeId: options.nodeId ?? (role === 'client' ? CLIENT_ID : SERVER_ID),
    apiKey: options.key ?? VECTOR_SEED,
    crypto,
    random: fixed(options.nonce ?? (role === 'client' ? INITIATOR_NONCE : RESPONDER_NONCE)),
    helloReplay: options.nonces,
    expectedPeer: options.expectedPeer,
  };
  return STT_HANDSHAKE.createHandshake(config, SECURITY) as SttHandshake;
}

/** The four messages of one handshake between the two fixed parties, and both sessions. */
function runHandshake(crypto: CryptoBackend) {
  const client = handshakeOf('client', crypto);
  const server = handshakeOf('server', crypto, { nonces: new ReplayCache(STT.helloReplay!) });
  const hello = client.initiate(AT);
  const response = accepted(server.receive('hello', hello, AT)).reply!;
  const clientDone = accepted(client.receive('response', response, AT));
  const serverDone = accepted(server.receive('auth-proof', clientDone.reply!, AT));
  return { client, server, hello, response, authProof: clientDone.reply!, final: serverDone.reply!, clientSession: clientDone.session!, serverSession: serverDone.session! };
}

for (const crypto of [nodeBackend, nobleBackend]) {
  test(`vectors [${crypto.name}]: HELLO, RESPONSE, AUTH_PROOF, the session id, FINAL and the first DATA frame are byte-exact`, () => {
    const run = runHandshake(crypto);
    assert.equal(bytesToHex(sttNodeId(crypto, CLIENT_ID)), VECTORS.initiatorId);
    assert.equal(bytesToHex(sttNodeId(crypto, SERVER_ID)), VECTORS.responderId);
    assert.equal(bytesToHex(run.hello), VECTORS.hello);
    assert.equal(bytesToHex(run.response), VECTORS.response);
    assert.equal(bytesToHex(run.authProof), VECTORS.authProof);
    assert.equal(bytesToHex(run.clientSession.token), VECTORS.sessionId);
    assert.equal(bytesToHex(run.serverSession.token), VECTORS.sessionId);
    assert.equal(bytesToHex(run.final), VECTORS.sessionId, 'FINAL carries the session id');
    const finalHeader = encodeHeader(SttFrame.FINAL, 0, 0, 8 + STT_TAG_SIZE, WIRE_VERSION);
    const sealedFinal = concat(run.serverSession.protection!.seal(finalHeader, run.final, 0));
    assert.equal(bytesToHex(sealedFinal), VECTORS.final);
    assert.deepEqual(run.clientSession.protection!.open(finalHeader, sealedFinal), run.final);
    const dataHeader = encodeHeader(FrameType.DATA, 1, 0, 3 + STT_TAG_SIZE, WIRE_VERSION);
    const data = concat(run.clientSession.protection!.seal(dataHeader, Uint8Array.of(1, 2, 3), 0));
    assert.equal(bytesToHex(data), VECTORS.firstData);
    assert.deepEqual(run.serverSession.protection!.open(dataHeader, data), Uint8Array.of(1, 2, 3), 'the responder opens what the initiator sealed');
    assert.deepEqual(run.clientSession.peerNodeId, sttNodeId(crypto, SERVER_ID));
    assert.deepEqual(run.serverSession.peerNodeId, sttNodeId(crypto, CLIENT_ID));
  });
}

test('vectors, read back: the fields of each frozen message, and the session id is the seed\'s XOR of nonces and node ids', () => {
  const initiatorId = hexToBytes(VECTORS.initiatorId);
  const responderId = hexToBytes(VECTORS.responderId);
  const hello = decodeHello(hexToBytes(VECTORS.hello));
  assert.deepEqual([hello.nodeId, hello.nonce, hello.timestamp], [initiatorId, INITIATOR_NONCE, 1_700_000_000_500]);
  const response = decodeResponse(hexToBytes(VECTORS.response));
  assert.deepEqual([response.nodeId, response.nonce, response.timestamp], [responderId, RESPONDER_NONCE, 1_700_000_000_500]);
  const proof = decodeAuthProof(hexToBytes(VECTORS.authProof));
  assert.equal(bytesToHex(proof.sessionId), VECTORS.sessionId);
  const xor = Uint8Array.from({ length: 8 }, (_, i) => INITIATOR_NONCE[i]! ^ RESPONDER_NONCE[i]! ^ initiatorId[i]! ^ responderId[i]!);
  assert.deepEqual(sttSessionId(INITIATOR_NONCE, RESPONDER_NONCE, initiatorId, responderId), xor);
  assert.equal(bytesToHex(xor), VECTORS.sessionId);
  assert.equal(hexToBytes(VECTORS.final)[0], 0, 'FINAL goes under key epoch 0');
  assert.equal(hexToBytes(VECTORS.final).length, 8 + STT_TAG_SIZE);
});

test('the two ChaCha20-Poly1305 implementations behind the cipher interface give the same bytes and refuse the same forgeries', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const nonce = Uint8Array.from({ length: 12 }, (_, i) => i);
  const aad = Uint8Array.of(1, 2, 3);
  for (const length of [0, 1, 64, 1000]) {
    const plaintext = Uint8Array.from({ length }, (_, i) => i & 0xff);
    const sealed = nodeChaCha20Poly1305.seal(key, nonce, aad, plaintext);
    assert.deepEqual(nobleChaCha20Poly1305.seal(key, nonce, aad, plaintext), sealed);
    for (const cipher of [nodeChaCha20Poly1305, nobleChaCha20Poly1305]) {
      assert.deepEqual(cipher.open(key, nonce, aad, sealed), plaintext);
      const forged = sealed.slice();
      forged[forged.length - 1]! ^= 1;
      assert.equal(cipher.open(key, nonce, aad, forged), null);
      assert.equal(cipher.open(key, nonce, Uint8Array.of(1, 2, 4), sealed), null);
      assert.equal(cipher.open(key, nonce, aad, sealed.subarray(0, 15)), null);
    }
  }
  // RFC 8439 §2.8.2's test vector.
  const rfcKey = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const rfcNonce = hexToBytes('070000004041424344454647');
  const rfcAad = hexToBytes('50515253c0c1c2c3c4c5c6c7');
  const sunscreen = new TextEncoder().encode("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
  const sealed = nodeChaCha20Poly1305.seal(rfcKey, rfcNonce, rfcAad, sunscreen);
  assert.equal(bytesToHex(sealed.subarray(sealed.length - 16)), '1ae10b594f09e26a7e902ecbd0600691');
});

// ---- refusals -------------------------------------------------------------------------------

/** The close each side saw: [reason, detail], or null. */
function closes(pair: ConnectionPair): { server: [string, string] | null; client: [string, string] | null } {
  const first = (events: ConnectionEvent[]) => eventsOf(events, 'closed').map((e): [string, string] => [e.reason, e.detail])[0] ?? null;
  return { server: first(pair.serverEvents), client: first(pair.clientEvents) };
}

test('the handshake over connections: four messages, both sides established with the same session id and each other\'s STT node id', () => {
  const pair = new ConnectionPair({ profile: STT });
  pair.pump();
  assert.deepEqual([pair.client.state, pair.server.state], ['established', 'established']);
  assert.deepEqual(pair.client.sessionToken, pair.server.sessionToken);
  assert.equal(pair.client.sessionToken!.length, 8);
  assert.deepEqual(pair.client.peerNodeId, sttNodeId(nodeBackend, SERVER_ID));
  const client = decodeFrames(concat(pair.clientWire), { version: WIRE_VERSION }).frames;
  const server = decodeFrames(concat(pair.serverWire), { version: WIRE_VERSION }).frames;
  assert.deepEqual(client.map((f) => [f.type, f.payload.length]), [[SttFrame.HELLO, 104], [SttFrame.AUTH_PROOF, 32]]);
  assert.deepEqual(server.map((f) => [f.type, f.payload.length]), [[SttFrame.RESPONSE, 152], [SttFrame.FINAL, 8 + STT_TAG_SIZE]]);
  assert.equal(pair.client.stats.handshakePayloadBytes, 104 + 152 + 32 + 8 + STT_TAG_SIZE);
});

test('wrong seed: the responder refuses a HELLO whose commitment is not under its seed, and says so', () => {
  const pair = new ConnectionPair({ profile: STT, clientKey: new TextEncoder().encode('another-seed') });
  pair.pump();
  assert.deepEqual(closes(pair).server, ['auth-failed', 'HELLO commitment does not verify: the initiator does not hold this shared seed']);
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
  assert.equal(pair.serverWire.length, 0, 'nothing is sent back');
});

test('reflection: a HELLO from this node\'s own id is refused', () => {
  const pair = new ConnectionPair({ profile: STT, clientId: SERVER_ID });
  pair.pump();
  assert.deepEqual(closes(pair).server, ['reflection', 'HELLO carries this node\'s own id']);
});

test('stale: a HELLO more than 60 s from the responder\'s clock is refused; 60 s is within the window', () => {
  for (const ahead of [60_001, -60_001]) {
    const pair = new ConnectionPair({ profile: STT, clientClockAheadMs: 1_700_000_000_000, serverClockAheadMs: 1_700_000_000_000 + ahead });
    pair.pump();
    assert.deepEqual(closes(pair).server, ['stale', `HELLO timestamp 1700000000000 ms is more than 60000 ms from this node's clock (${1_700_000_000_000 + ahead} ms)`]);
  }
  const edge = new ConnectionPair({ profile: STT, serverClockAheadMs: 60_000 });
  edge.pump();
  assert.deepEqual([edge.client.state, edge.server.state], ['established', 'established']);
});

test('replay: a HELLO seen before is refused by any connection sharing the replay cache; a fresh cache answers it, but the replayer cannot go on', () => {
  const nonces = new ReplayCache(STT.helloReplay!);
  const first = new ConnectionPair({ profile: STT, helloReplay: nonces });
  first.pump();
  assert.equal(first.server.state, 'established');
  const hello = concat(first.clientWire).subarray(0, HEADER_SIZE + HELLO_SIZE);

  const replay = new ConnectionPair({ profile: STT, helloReplay: nonces, seed: 'replayer' });
  replay.server.receive(hello, 0);
  drain(replay.server, replay.serverEvents);
  assert.deepEqual(closes(replay).server, ['replay', 'HELLO nonce seen before']);

  // Without the cache the responder answers, but only the seed's holder can send AUTH_PROOF: a
  // replayer sending the recorded one names the old session.
  const elsewhere = new ConnectionPair({ profile: STT, seed: 'elsewhere' });
  elsewhere.server.receive(concat(first.clientWire), 0);
  drain(elsewhere.server, elsewhere.serverEvents);
  const [reason, detail] = closes(elsewhere).server!;
  assert.equal(reason, 'auth-failed');
  assert.match(detail, new RegExp(`^AUTH_PROOF names session ${bytesToHex(first.client.sessionToken!)}, this handshake's is [0-9a-f]{16}$`));
});

test('a HELLO nonce is remembered on the monotonic clock: a step of the wall clock past the nonce window makes the responder forget nothing', () => {
  const nonces = new ReplayCache(STT.helloReplay!);
  const server = () => handshakeOf('server', nodeBackend, { nonces });
  const hello = handshakeOf('client', nodeBackend).initiate(AT);
  accepted(server().receive('hello', hello, AT));
  // The wall clock steps forward past the nonce window (125 s) for a moment, while another initiator, whose clock stepped too, connects.
  const step = STT.helloReplay!.kind === 'window' ? STT.helloReplay!.windowMs + 10_000 : assert.fail('stt keeps a window');
  const stepped = { now: 1_000, unixMs: AT.unixMs + 1_000 + step };
  accepted(server().receive('hello', handshakeOf('client', nodeBackend, { nonce: new Uint8Array(32).fill(7) }).initiate(stepped), stepped));
  // The clock is back: the recorded HELLO is fresh by its timestamp, and its nonce is still remembered.
  const back = { now: 2_900, unixMs: AT.unixMs + 2_900 };
  assert.deepEqual(pick(refused(server().receive('hello', hello, back))), ['replay', 'HELLO nonce seen before']);
});

test('wrong peer: an initiator that dialled one node refuses a RESPONSE from another seed holder, naming both; from the node dialled it goes on', () => {
  const hello = (expectedPeer: Uint8Array) => {
    const client = handshakeOf('client', nodeBackend, { expectedPeer });
    return { client, response: accepted(handshakeOf('server', nodeBackend).receive('hello', client.initiate(AT), AT)).reply! };
  };
  const other = new Uint8Array(16).fill(0xbb);
  const misdirected = hello(other);
  const [reason, detail] = pick(refused(misdirected.client.receive('response', misdirected.response, AT)));
  assert.equal(reason, 'wrong-peer');
  assert.equal(detail, `RESPONSE comes from node ${bytesToHex(sttNodeId(nodeBackend, SERVER_ID))}, not from ${bytesToHex(sttNodeId(nodeBackend, other))}, the node dialled`);
  const meant = hello(SERVER_ID);
  accepted(meant.client.receive('response', meant.response, AT));
});

test('a full replay cache refuses a new HELLO rather than forget a nonce, and the refusal says so', () => {
  const nonces = new ReplayCache({ kind: 'window', windowMs: 60_000, maxAgeMs: 60_000, capacity: 1 });
  const server = () => handshakeOf('server', nodeBackend, { nonces });
  accepted(server().receive('hello', handshakeOf('client', nodeBackend).initiate(AT), AT));
  const other = handshakeOf('client', nodeBackend, { nonce: new Uint8Array(32).fill(5) }).initiate(AT);
  assert.deepEqual(pick(refused(server().receive('hello', other, AT))), ['replay-cache-full', 'HELLO replay cache is full']);
});

test('the initiator refuses a RESPONSE whose challenge does not open (altered, or answering another HELLO) or that reflects its own id', () => {
  const { response } = runHandshake(nodeBackend);
  const altered = response.slice();
  altered[100]! ^= 0x01; // inside the challenge
  const client = handshakeOf('client', nodeBackend);
  client.initiate(AT);
  assert.deepEqual(pick(refused(client.receive('response', altered, AT))), ['bad-signature', 'RESPONSE challenge does not open: the responder does not hold this shared seed, or answers another HELLO']);

  const other = handshakeOf('client', nodeBackend, { nonce: new Uint8Array(32).fill(9) });
  other.initiate(AT);
  assert.equal(refused(other.receive('response', response, AT)).detail, 'RESPONSE challenge does not open: the responder does not hold this shared seed, or answers another HELLO');

  const wrongSeed = handshakeOf('client', nodeBackend, { key: new TextEncoder().encode('another-seed') });
  wrongSeed.initiate(AT);
  assert.equal(refused(wrongSeed.receive('response', response, AT)).failure, 'bad-signature');

  const self = handshakeOf('client', nodeBackend, { nodeId: SERVER_ID });
  self.initiate(AT);
  assert.deepEqual(pick(refused(self.receive('response', response, AT))), ['reflection', 'RESPONSE carries this node\'s own id']);
});

test('the responder refuses an AUTH_PROOF naming another session or whose proof does not open', () => {
  const run = runHandshake(nodeBackend);
  const fresh = () => {
    const server = handshakeOf('server', nodeBackend);
    accepted(server.receive('hello', run.hello, AT));
    return server;
  };
  const otherSession = run.authProof.slice();
  otherSession[0]! ^= 0xff;
  const named = refused(fresh().receive('auth-proof', otherSession, AT));
  assert.deepEqual(pick(named), ['bad-signature', `AUTH_PROOF names session ${bytesToHex(otherSession.subarray(0, 8))}, this handshake's is ${bytesToHex(run.final)}`]);
  const badProof = run.authProof.slice();
  badProof[20]! ^= 0x01;
  assert.deepEqual(pick(refused(fresh().receive('auth-proof', badProof, AT))), ['bad-signature', 'AUTH_PROOF proof does not open: the initiator does not hold this shared seed']);
});

test('the initiator refuses a FINAL naming another session, and a FINAL altered on the wire does not authenticate', () => {
  const run = runHandshake(nodeBackend);
  const wrong = run.final.slice();
  wrong[7]! ^= 1;
  assert.deepEqual(pick(refused(run.client.receive('final', wrong, AT))), ['bad-signature', `FINAL names session ${bytesToHex(wrong)}, this handshake's is ${bytesToHex(run.final)}`]);

  const pair = new ConnectionPair({ profile: STT });
  pair.server.receive(concat(pair.client.pollTransmit()!), 0);
  pair.client.receive(concat(pair.server.pollTransmit()!), 0);
  pair.server.receive(concat(pair.client.pollTransmit()!), 0);
  const final = concat(pair.server.pollTransmit()!);
  final[final.length - 1]! ^= 1;
  pair.client.receive(final, 0);
  drain(pair.client, pair.clientEvents);
  assert.deepEqual(closes(pair).client, ['integrity-failed', 'reserved(11) frame (stream 0, seq 0) does not authenticate']);
});

test('malformed: a HELLO whose timestamp is beyond 2^53 ms is refused as malformed; a message of the wrong size on its header', () => {
  const greeting = encodeGreeting({ nodeId: new Uint8Array(32).fill(1), nonce: new Uint8Array(32), timestamp: 0 });
  greeting.fill(0xff, 64, 72);
  const hello = encodeHello(greeting, new Uint8Array(32));
  assert.deepEqual(pick(refused(handshakeOf('server', nodeBackend).receive('hello', hello, AT))), ['malformed', 'bad-field: HELLO timestamp 18446744073709551615 is beyond 2^53 ms']);

  const pair = new ConnectionPair({ profile: STT });
  pair.server.receive(encodeHeader(SttFrame.HELLO, 0, 0, HELLO_SIZE + 1, WIRE_VERSION), 0);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(closes(pair).server, ['bad-length', 'bad-length: reserved(8) payload must be 104 bytes, header announces 105']);
});

test('out of turn, or another wire version: the connection closes naming the message it awaited', () => {
  const early = new ConnectionPair({ profile: STT });
  early.server.receive(concat([encodeHeader(SttFrame.AUTH_PROOF, 0, 0, 32, WIRE_VERSION), new Uint8Array(32)]), 0);
  drain(early.server, early.serverEvents);
  assert.deepEqual(closes(early).server![0], 'expected-hello');

  const hardenedPeer = new ConnectionPair({ profile: STT, serverProfile: { ...STT, wireVersion: 2 } as AsocProfile });
  hardenedPeer.pump();
  assert.deepEqual(closes(hardenedPeer).server![0], 'version-mismatch');
});

function pick(verdict: Extract<HandshakeVerdict, { ok: false }>): [string, string] {
  return [verdict.failure, verdict.detail];
}

// ---- frames and key rotation ------------------------------------------------------------------

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

function received(events: ConnectionEvent[], streamId: number): Uint8Array {
  return concat(eventsOf(events, 'stream-data').filter((e) => e.streamId === streamId).map((e) => e.data));
}

/** The key epoch of each DATA, END and CONTROL frame one side wrote, from the wire. */
function epochsOnWire(wire: Uint8Array[]): number[] {
  const { frames } = decodeFrames(concat(wire), { version: WIRE_VERSION, maxFrameSize: MAX_BODY });
  return frames.filter((f) => f.type === FrameType.DATA || f.type === FrameType.END || f.type === FrameType.CONTROL).map((f) => f.payload[0]!);
}

test('every frame after the handshake is encrypted: the payload is not on the wire, and an altered or injected frame closes the connection', () => {
  const secret = new TextEncoder().encode('the payload must not travel in the clear '.repeat(20));
  const pair = new ConnectionPair({ profile: STT });
  pair.pump();
  const id = pair.client.openStream();
  pair.client.sendData(id, secret, 0);
  pair.client.endStream(id, 0);
  pair.pump();
  assert.deepEqual(received(pair.serverEvents, id), secret);
  assert.ok(!Buffer.from(concat(pair.clientWire)).includes(Buffer.from(secret.subarray(0, 16))), 'no plaintext on the wire');

  for (const [what, frame] of [
    ['a made-up DATA frame', concat([encodeHeader(FrameType.DATA, 5, 0, 40 + STT_TAG_SIZE, WIRE_VERSION), new Uint8Array(40 + STT_TAG_SIZE)])],
    ['a frame two epochs ahead', concat([encodeHeader(FrameType.DATA, 5, 0, 40 + STT_TAG_SIZE, WIRE_VERSION), Uint8Array.of(2), new Uint8Array(40 + STT_TAG_SIZE - 1)])],
  ] as const) {
    const victim = new ConnectionPair({ profile: STT });
    victim.pump();
    victim.server.receive(frame, 0);
    drain(victim.server, victim.serverEvents);
    assert.deepEqual(closes(victim).server, ['integrity-failed', 'DATA frame (stream 5, seq 0) does not authenticate'], what);
  }
});

test('key rotation under load: 16 streams both ways, keys rotating by bytes, by frames and by time, and every byte arrives in order', () => {
  const rotation = { bytes: 96 * 1024, messages: 40, ms: 250 };
  const profile: AsocProfile = { ...STT, security: { ...SECURITY, rotation }, limits: { chunkSize: 16 * 1024 } };
  const pair = new ConnectionPair({ profile });
  pair.pump();
  const random = seededRandom('load');
  const streams = [...Array(16).keys()].map((i) => {
    const side = i % 2 === 0 ? pair.client : pair.server;
    return { side, id: side.openStream(), sent: [] as Uint8Array[] };
  });
  // Interleaved writes of random sizes on random streams, the clock moving 10 ms a round.
  for (let round = 0; round < 300; round++) {
    for (let k = 0; k < 4; k++) {
      const stream = streams[random.u32() % streams.length]!;
      const data = pattern(1 + (random.u32() % 40_000), round * 4 + k);
      stream.sent.push(data);
      stream.side.sendData(stream.id, data, pair.now);
    }
    pair.advance(10);
  }
  for (const stream of streams) stream.side.endStream(stream.id, pair.now);
  pair.pump();

  assert.deepEqual([pair.client.state, pair.server.state], ['established', 'established'], 'no stream was interrupted');
  for (const stream of streams) {
    const events = stream.side === pair.client ? pair.serverEvents : pair.clientEvents;
    const expected = concat(stream.sent);
    assert.deepEqual(received(events, stream.id), expected, `stream ${stream.id}: every byte, in order`);
    assert.deepEqual(eventsOf(events, 'stream-end').find((e) => e.streamId === stream.id)?.bytes, expected.length);
  }
  for (const wire of [pair.clientWire, pair.serverWire]) {
    const epochs = epochsOnWire(wire);
    const rotations = epochs.filter((epoch, i) => i > 0 && epoch !== epochs[i - 1]).length;
    assert.ok(rotations >= 20, `the keys rotated ${rotations} times`);
    assert.ok(epochs.every((epoch, i) => i === 0 || epoch === epochs[i - 1] || epoch === ((epochs[i - 1]! + 1) & 0xff)), 'one epoch at a time');
  }
});

test('key rotation: each threshold alone rotates the key, at the frame after it is reached', () => {
  const cases: [string, { bytes: number; messages: number; ms: number }, (pair: ConnectionPair, id: number) => void, number[]][] = [
    ['10 frames', { bytes: 1e12, messages: 10, ms: 1e12 }, (pair, id) => {
      for (let i = 0; i < 25; i++) pair.client.sendData(id, Uint8Array.of(i), 0);
    }, [...Array(10).fill(0), ...Array(10).fill(1), ...Array(5).fill(2)]],
    ['1000 bytes', { bytes: 1000, messages: 1e12, ms: 1e12 }, (pair, id) => {
      for (let i = 0; i < 5; i++) pair.client.sendData(id, new Uint8Array(400), 0);
    }, [0, 0, 0, 1, 1]],
    ['one second', { bytes: 1e12, messages: 1e12, ms: 1000 }, (pair, id) => {
      for (const at of [0, 999, 1000, 1500, 2000]) pair.client.sendData(id, Uint8Array.of(1), at);
    }, [0, 0, 1, 1, 2]],
  ];
  for (const [what, rotation, send, expected] of cases) {
    const pair = new ConnectionPair({ profile: { ...STT, security: { ...SECURITY, rotation } } });
    pair.pump();
    const id = pair.client.openStream();
    send(pair, id);
    pair.pump();
    assert.deepEqual(epochsOnWire(pair.clientWire), expected, what);
    assert.equal(pair.server.state, 'established', what);
  }
});

// ---- custom frames --------------------------------------------------------------------------

test('custom frames 0x80–0xFF: sent encrypted, taken whole, dispatched to the handler of their type', () => {
  const pair = new ConnectionPair({ profile: STT });
  pair.pump();
  const marker = new TextEncoder().encode('a custom payload only its handler reads');
  pair.client.sendCustomFrame(0x80, 0, marker, 0);
  pair.client.sendCustomFrame(0xff, 7, new Uint8Array(70_000).fill(3), 0);
  pair.client.sendCustomFrame(0x81, 1, new Uint8Array(0), 0);
  pair.pump();
  assert.ok(!Buffer.from(concat(pair.clientWire)).includes(Buffer.from(marker)), 'custom payloads travel encrypted');

  const dispatcher = new FrameDispatcher();
  const seen: string[] = [];
  dispatcher.register(0x80, (f) => seen.push(`0x80 on ${f.streamId}: ${new TextDecoder().decode(f.payload)}`));
  dispatcher.register(0xff, (f) => seen.push(`0xff on ${f.streamId}: ${f.payload.length} bytes`));
  const frames = eventsOf(pair.serverEvents, 'custom-frame');
  assert.equal(frames.length, 3);
  for (const frame of frames.slice(0, 2)) dispatcher.dispatch(frame);
  assert.deepEqual(seen, ['0x80 on 0: a custom payload only its handler reads', '0xff on 7: 70000 bytes']);
  assert.throws(() => dispatcher.dispatch(frames[2]!), (err: unknown) => err instanceof UnhandledFrameError && err.message === 'no handler registered for custom frame type 0x81 (registered: 0x80, 0xff)');
  dispatcher.unregister(0xff);
  assert.deepEqual(dispatcher.registeredTypes, [0x80]);
  assert.equal(pair.server.state, 'established');
});

test('custom frames: types below 0x80 are refused as handlers and as frames, other profiles have none, and a frame above the maximum is refused', () => {
  const dispatcher = new FrameDispatcher();
  for (const type of [0x7f, 0x100, 1.5]) assert.throws(() => dispatcher.register(type, () => undefined), (err: unknown) => err instanceof WireError && err.code === 'bad-field' && /a custom frame type is 0x80 to 0xff/.test(err.message));
  const pair = new ConnectionPair({ profile: STT });
  assert.throws(() => pair.client.sendCustomFrame(0x80, 0, new Uint8Array(1), 0), ConnectionStateError, 'not before the handshake');
  pair.pump();
  assert.throws(() => pair.client.sendCustomFrame(FrameType.DATA, 1, new Uint8Array(1), 0), (err: unknown) => err instanceof WireError && /got 1$/.test(err.message));
  assert.throws(() => pair.client.sendCustomFrame(0x80, 0, new Uint8Array(STT.maxFrameSize + 1), 0), (err: unknown) => err instanceof ConnectionStateError && /at most 2097152 bytes, got 2097153/.test(err.message));
  const hardened = new ConnectionPair({ profile: ASOC_HARDENED });
  hardened.pump();
  assert.throws(() => hardened.client.sendCustomFrame(0x80, 0, new Uint8Array(1), 0), (err: unknown) => err instanceof ConnectionStateError && /profile asoc-hardened has no custom frames/.test(err.message));
});

test('custom frames count toward key rotation like any other frame, and interleave with streams', () => {
  const pair = new ConnectionPair({ profile: { ...STT, security: { ...SECURITY, rotation: { bytes: 1e12, messages: 3, ms: 1e12 } } } });
  pair.pump();
  const id = pair.client.openStream();
  for (let i = 0; i < 6; i++) {
    pair.client.sendCustomFrame(0x90, id, Uint8Array.of(i), 0);
    pair.client.sendData(id, Uint8Array.of(100 + i), 0);
  }
  pair.pump();
  assert.deepEqual(eventsOf(pair.serverEvents, 'custom-frame').map((e) => e.payload[0]), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...received(pair.serverEvents, id)], [100, 101, 102, 103, 104, 105]);
  const { frames } = decodeFrames(concat(pair.clientWire), { version: WIRE_VERSION, maxFrameSize: MAX_BODY });
  assert.deepEqual(frames.filter((f) => f.type === 0x90 || f.type === FrameType.DATA).map((f) => f.payload[0]), [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
});

import { test } from 'node:test';
import { createHash, hkdfSync } from 'node:crypto';
import assert from 'node:assert/strict';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { nobleBackend, nodeBackend } from '../../src/crypto/backend.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_HARDENED_X25519, ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import type { HardenedSecurity } from '../../src/core/hardened-handshake.ts';
import { FrameType, HEADER_SIZE, encodeHeader } from '../../src/wire/frame.ts';
import { decodeFrames } from '../../src/wire/frame-reader.ts';
import { HARDENED_ACCEPT_SIZE, HARDENED_HELLO_SIZE, HARDENED_X25519_ACCEPT_SIZE, HARDENED_X25519_HELLO_SIZE } from '../../src/wire/hardened.ts';
import { fixedKey } from '../../sim/asoc/cluster.ts';
import { CLIENT_ID, ConnectionPair, KEY, SERVER_ID, concat, drain, eventsOf } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';

const MiB = 1024 * 1024;
const HARDENED_PROFILES: AsocProfile[] = [ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_HARDENED_X25519];

/** HELLO's and ACCEPT's payload sizes: the forward-secret suite's carry a 32-byte key share each. */
function handshakeSizes(profile: AsocProfile): { hello: number; accept: number } {
  return profile === ASOC_HARDENED_X25519 ? { hello: HARDENED_X25519_HELLO_SIZE, accept: HARDENED_X25519_ACCEPT_SIZE } : { hello: HARDENED_HELLO_SIZE, accept: HARDENED_ACCEPT_SIZE };
}

function patterned(length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Moves what `from` queued into `to`, through `alter` (which may change, drop or duplicate the bytes). */
function deliver(from: AsocConnection, to: AsocConnection, now: number, alter: (bytes: Uint8Array) => Uint8Array[] = (b) => [b]): Uint8Array {
  const parts = from.pollTransmit() ?? [];
  const bytes = concat(parts);
  for (const piece of alter(bytes)) to.receive(piece, now);
  return bytes;
}

function streamBytes(events: ConnectionEvent[], streamId: number): Uint8Array {
  return concat(eventsOf(events, 'stream-data').filter((e) => e.streamId === streamId).map((e) => e.data));
}

/** The client sends `upData` and the server `downData` on a stream each; both must arrive intact. */
function exchangeStreams(pair: ConnectionPair, upData: Uint8Array, downData: Uint8Array): void {
  const up = pair.client.openStream();
  const down = pair.server.openStream();
  pair.client.sendData(up, upData, 0);
  pair.server.sendData(down, downData, 0);
  pair.client.endStream(up, 0);
  pair.server.endStream(down, 0);
  pair.pump();
  assert.deepEqual(streamBytes(pair.serverEvents, up), upData);
  assert.deepEqual(streamBytes(pair.clientEvents, down), downData);
}

function closeReason(events: ConnectionEvent[]): string | undefined {
  return eventsOf(events, 'closed')[0]?.reason;
}

for (const profile of HARDENED_PROFILES) {
  const sizes = handshakeSizes(profile);
  const handshakeBytes = sizes.hello + sizes.accept + 16;
  test(`${profile.name}: handshake in one round trip, ${sizes.hello} + ${sizes.accept} + 16 = ${handshakeBytes} payload bytes, both sides learn the other's id`, () => {
    const pair = new ConnectionPair({ profile });
    const hello = deliver(pair.client, pair.server, 0);
    assert.equal(hello.length, HEADER_SIZE + sizes.hello);
    assert.equal(hello[0], 2, 'wire version 2');
    const accept = deliver(pair.server, pair.client, 0);
    assert.equal(accept.length, HEADER_SIZE + sizes.accept);
    drain(pair.client, pair.clientEvents);
    assert.equal(pair.client.state, 'established', 'the client may send as soon as ACCEPT arrives');
    assert.equal(pair.server.state, 'handshaking', 'the server waits for FINISH');
    // The client's first stream goes out right behind FINISH, in the same flight.
    const id = pair.client.openStream();
    pair.client.sendData(id, patterned(1000), 0);
    pair.client.endStream(id, 0);
    pair.pump();
    assert.equal(pair.server.state, 'established');
    assert.equal(pair.client.stats.handshakePayloadBytes, handshakeBytes);
    assert.equal(pair.server.stats.handshakePayloadBytes, handshakeBytes);
    // The budget is the pre-shared-key suites'; key shares add 64 bytes to the forward-secret one.
    if (profile !== ASOC_HARDENED_X25519) assert.ok(handshakeBytes < 128, 'under the 128-byte budget of docs/asoc-hardened.md');
    assert.deepEqual(pair.server.peerNodeId, CLIENT_ID);
    assert.deepEqual(pair.client.peerNodeId, SERVER_ID, 'unlike v1, the client learns (and has authenticated) the server id');
    assert.deepEqual(pair.client.sessionToken, pair.server.sessionToken, 'both derived the same session id');
    assert.deepEqual(streamBytes(pair.serverEvents, id), patterned(1000));
  });

  test(`${profile.name}: streams both ways arrive intact, with receipts; every frame carries a 16-byte tag`, () => {
    const pair = new ConnectionPair({ profile });
    pair.handshake();
    const upData = patterned(3 * MiB + 5, 1);
    const downData = patterned(64 * 1024, 2);
    exchangeStreams(pair, upData, downData);
    assert.deepEqual(eventsOf(pair.clientEvents, 'receipt').map((r) => r.bytes), [upData.length]);
    assert.deepEqual(eventsOf(pair.serverEvents, 'receipt').map((r) => r.bytes), [downData.length]);
    // After HELLO the client sent FINISH, 4 DATA, END and a receipt (13 B) for the server's stream:
    // each frame costs 14 + 16 bytes on top of its payload.
    const overhead = pair.client.stats.bytesSent - pair.client.stats.payloadBytesSent - (HEADER_SIZE + sizes.hello);
    assert.equal(overhead, (HEADER_SIZE + 16) * (1 + 4 + 1 + 1) + 13);
  });

  test(`${profile.name}: input cut one byte at a time gives the same stream as input in one piece`, () => {
    const pair = new ConnectionPair({ profile });
    pair.handshake();
    const id = pair.client.openStream();
    const data = patterned(5000, 3);
    pair.client.sendData(id, data, 0);
    pair.client.endStream(id, 0);
    deliver(pair.client, pair.server, 0, (bytes) => Array.from(bytes, (byte) => Uint8Array.of(byte)));
    drain(pair.server, pair.serverEvents);
    assert.deepEqual(streamBytes(pair.serverEvents, id), data);
    assert.equal(eventsOf(pair.serverEvents, 'stream-end').length, 1);
  });

  test(`${profile.name}: one flipped bit anywhere in a DATA frame closes the receiver (integrity-failed); no forged byte is delivered`, () => {
    // (A changed length byte makes the receiver wait for bytes that never come: nothing is delivered either.)
    for (const offset of [0, 1, 5, 9, 14, 500, HEADER_SIZE + 1000 + 15]) {
      const pair = new ConnectionPair({ profile });
      pair.handshake();
      const id = pair.client.openStream();
      pair.client.sendData(id, patterned(1000), 0);
      deliver(pair.client, pair.server, 0, (bytes) => {
        const altered = bytes.slice();
        altered[offset]! ^= 0x01;
        return [altered];
      });
      drain(pair.server, pair.serverEvents);
      const reason = closeReason(pair.serverEvents);
      // Flipping the version byte is caught by the header check before the tag: still a close, never data.
      assert.ok(reason === 'integrity-failed' || reason === 'bad-version', `offset ${offset}: closed with ${reason}`);
      assert.equal(eventsOf(pair.serverEvents, 'stream-data').length, 0, `offset ${offset}: nothing delivered`);
    }
  });

  test(`${profile.name}: a replayed, dropped or reordered frame closes the receiver`, () => {
    const cases: Record<string, (frames: Uint8Array[]) => Uint8Array[]> = {
      replayed: (frames) => [frames[0]!, frames[0]!, frames[1]!],
      dropped: (frames) => [frames[1]!],
      reordered: (frames) => [frames[1]!, frames[0]!],
    };
    for (const [name, alter] of Object.entries(cases)) {
      const pair = new ConnectionPair({ profile });
      pair.handshake();
      const id = pair.client.openStream();
      pair.client.sendData(id, patterned(2000), 0);
      pair.client.endStream(id, 0);
      // Two frames: DATA (14 + 2000 + 16) and END (14 + 16).
      deliver(pair.client, pair.server, 0, (bytes) => alter([bytes.subarray(0, 2030), bytes.subarray(2030)]));
      drain(pair.server, pair.serverEvents);
      assert.equal(closeReason(pair.serverEvents), 'integrity-failed', name);
      assert.equal(eventsOf(pair.serverEvents, 'stream-end').length, 0, `${name}: the stream never completes`);
    }
  });
}

test('asoc-hardened/encrypted: the tensor never appears on the wire; asoc-hardened (integrity only) sends it in the clear', () => {
  const marker = new TextEncoder().encode('TENSOR-MARKER-0123456789');
  for (const [profile, visible] of [
    [ASOC_HARDENED_ENCRYPTED, false],
    [ASOC_HARDENED, true],
  ] as const) {
    const pair = new ConnectionPair({ profile });
    pair.handshake();
    const id = pair.client.openStream();
    pair.client.sendData(id, marker, 0);
    pair.client.endStream(id, 0);
    pair.pump();
    assert.deepEqual(streamBytes(pair.serverEvents, id), marker);
    const wire = Buffer.from(concat(pair.clientWire));
    assert.equal(wire.includes(Buffer.from(marker)), visible, profile.name);
  }
});

test('HELLO replay: refused by the same server once its handshake completed (nonce remembered); another server answers but never establishes, then times out', () => {
  const shared = new ReplayCache(ASOC_HARDENED.helloReplay!);
  const first = new ConnectionPair({ profile: ASOC_HARDENED, seed: 'one', helloReplay: shared });
  first.handshake();
  assert.equal(first.server.state, 'established');
  const hello = first.clientWire[0]!.length === HEADER_SIZE ? concat(first.clientWire.slice(0, 2)) : first.clientWire[0]!;
  assert.equal(hello.length, HEADER_SIZE + HARDENED_HELLO_SIZE);
  const replayedHere = new AsocConnection({ role: 'server', profile: ASOC_HARDENED, nodeId: SERVER_ID, apiKey: KEY, crypto: nodeBackend, random: seededRandom('s2'), now: 1000, helloReplay: shared });
  replayedHere.receive(hello, 1000);
  const hereEvents: ConnectionEvent[] = [];
  drain(replayedHere, hereEvents);
  assert.deepEqual(eventsOf(hereEvents, 'auth-failed').map((e) => e.reason), ['replay']);
  assert.equal(replayedHere.pollTransmit(), null, 'no ACCEPT, no error frame');
  assert.equal(replayedHere.peerEvidence, 'mac', 'a verified MAC, no proof of the key: asoc-hardened does not charge it');

  const otherServer = new AsocConnection({
    role: 'server', profile: ASOC_HARDENED, nodeId: Uint8Array.from({ length: 16 }, () => 0x77), apiKey: KEY,
    crypto: nodeBackend, random: seededRandom('s3'), now: 1000, helloReplay: new ReplayCache(ASOC_HARDENED.helloReplay!),
  });
  otherServer.receive(hello, 1000);
  assert.ok(otherServer.pollTransmit(), 'the other server answers with an ACCEPT…');
  // …but the replayer holds no key for FINISH: whatever it sends next fails, and silence times out.
  const otherEvents: ConnectionEvent[] = [];
  otherServer.handleTimeout(1000 + ASOC_HARDENED.limits.handshakeTimeoutMs!);
  drain(otherServer, otherEvents);
  assert.equal(eventsOf(otherEvents, 'established').length, 0);
  assert.equal(closeReason(otherEvents), 'handshake-timeout');
});

test("a copy of a client's HELLO sent first, by someone without the key, spends nothing of the client's: its own HELLO completes", () => {
  const shared = new ReplayCache(ASOC_HARDENED.helloReplay!);
  const pair = new ConnectionPair({ profile: ASOC_HARDENED, seed: 'copied', helloReplay: shared });
  const hello = concat(pair.client.pollTransmit()!);
  const copy = new AsocConnection({ role: 'server', profile: ASOC_HARDENED, nodeId: SERVER_ID, apiKey: KEY, crypto: nodeBackend, random: seededRandom('copy'), now: 0, helloReplay: shared });
  copy.receive(hello, 0);
  assert.ok(copy.pollTransmit(), 'the copy is answered');
  copy.transportClosed(0, 'the attacker resets');
  assert.equal(shared.size, 0, 'nothing recorded without FINISH');
  pair.server.receive(hello, 0);
  pair.pump();
  assert.equal(pair.server.state, 'established');
  assert.equal(pair.server.peerEvidence, 'key');
  assert.equal(shared.size, 1, 'recorded once FINISH proved the key');
});

test('two handshakes with one nonce that both prove the key: the second FINISH fails as a replay, from a peer that proved the key', () => {
  const shared = new ReplayCache(ASOC_HARDENED.helloReplay!);
  const [one, two] = [new ConnectionPair({ profile: ASOC_HARDENED, seed: 'twin', helloReplay: shared }), new ConnectionPair({ profile: ASOC_HARDENED, seed: 'twin', helloReplay: shared })];
  const helloOne = concat(one.client.pollTransmit()!);
  const helloTwo = concat(two.client.pollTransmit()!);
  assert.deepEqual(helloOne, helloTwo, 'the same seed, the same HELLO');
  one.server.receive(helloOne, 0);
  two.server.receive(helloTwo, 0);
  one.pump();
  two.pump();
  assert.equal(one.server.state, 'established');
  assert.deepEqual(eventsOf(two.serverEvents, 'auth-failed').map((e) => e.reason), ['replay']);
  assert.equal(two.server.peerEvidence, 'key');
});

test('a HELLO older, or newer, than the freshness window is refused as stale', () => {
  for (const skew of [31_000, -31_000]) {
    const pair = new ConnectionPair({ profile: ASOC_HARDENED, serverClockAheadMs: skew });
    pair.handshake();
    assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['stale'], `skew ${skew} ms`);
    assert.equal(pair.serverWire.length, 0);
  }
  const ok = new ConnectionPair({ profile: ASOC_HARDENED, serverClockAheadMs: 29_000 });
  ok.handshake();
  assert.equal(ok.server.state, 'established', '29 s of skew is within the window');
});

test('ACCEPT replay (server impersonation): an ACCEPT from an earlier session does not verify for a new HELLO', () => {
  const earlier = new ConnectionPair({ profile: ASOC_HARDENED, seed: 'earlier' });
  earlier.handshake();
  const capturedAccept = concat(earlier.serverWire).subarray(0, HEADER_SIZE + HARDENED_ACCEPT_SIZE);
  const victim = new ConnectionPair({ profile: ASOC_HARDENED, seed: 'victim' });
  victim.client.pollTransmit(); // its HELLO goes to the impostor, who answers with the old ACCEPT
  victim.client.receive(capturedAccept, 0);
  drain(victim.client, victim.clientEvents);
  assert.deepEqual(eventsOf(victim.clientEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
  assert.equal(victim.client.state, 'closed');
});

test('versions: a v1 client and a hardened server (and the reverse) close cleanly with version-mismatch', () => {
  const v1ToHardened = new ConnectionPair({ clientProfile: ASOC_V1, serverProfile: ASOC_HARDENED });
  v1ToHardened.handshake();
  assert.equal(closeReason(v1ToHardened.serverEvents), 'version-mismatch');
  assert.equal(v1ToHardened.serverWire.length, 0, 'the hardened server answers nothing');
  const hardenedToV1 = new ConnectionPair({ clientProfile: ASOC_HARDENED, serverProfile: ASOC_V1 });
  hardenedToV1.handshake();
  assert.equal(closeReason(hardenedToV1.serverEvents), 'version-mismatch');
  assert.equal(hardenedToV1.client.state, 'handshaking', 'the hardened client never falls back to v1');
});

test('suites: an integrity-only client and an encrypted-only server do not agree (downgrade), and nothing is sent', () => {
  const pair = new ConnectionPair({ clientProfile: ASOC_HARDENED, serverProfile: ASOC_HARDENED_ENCRYPTED });
  pair.handshake();
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['downgrade']);
  assert.equal(pair.serverWire.length, 0);
});

test('a MITM who rewrites the suite byte of the HELLO breaks its MAC', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED_ENCRYPTED });
  deliver(pair.client, pair.server, 0, (bytes) => {
    const altered = bytes.slice();
    altered[HEADER_SIZE + 36] = 0; // suite: encrypted → integrity
    return [altered];
  });
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
});

test('reflection: a HELLO carrying the server\'s own id is refused', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED, clientId: SERVER_ID });
  pair.handshake();
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['reflection']);
});

test('a wrong key: the server closes at once and sends not one byte', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED, clientKey: fixedKey('wrong') });
  pair.handshake();
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
  assert.equal(pair.serverWire.length, 0);
});

test('the server waits for FINISH: any other frame after ACCEPT closes it (expected-finish)', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED });
  deliver(pair.client, pair.server, 0);
  deliver(pair.server, pair.client, 0);
  // Drop the client's FINISH and DATA; send the server an unauthenticated DATA frame instead.
  pair.client.pollTransmit();
  const forged = new Uint8Array(HEADER_SIZE + 16 + 4);
  forged.set([2, FrameType.DATA, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20]);
  pair.server.receive(forged, 0);
  drain(pair.server, pair.serverEvents);
  assert.equal(closeReason(pair.serverEvents), 'expected-finish', 'closed on the frame type, before any tag is checked');
  assert.equal(eventsOf(pair.serverEvents, 'established').length, 0);
});

test('node:crypto and noble interoperate: a noble client with a node:crypto server and the reverse, both suites', () => {
  for (const [profile, clientCrypto, serverCrypto] of HARDENED_PROFILES.flatMap((p) => [
    [p, nobleBackend, nodeBackend],
    [p, nodeBackend, nobleBackend],
  ] as const)) {
    const pair = new ConnectionPair({ profile, clientCrypto, serverCrypto });
    pair.handshake();
    const id = pair.client.openStream();
    pair.client.sendData(id, patterned(70_000), 0);
    pair.client.endStream(id, 0);
    pair.pump();
    assert.deepEqual(streamBytes(pair.serverEvents, id), patterned(70_000), profile.name);
  }
});

test('the hardened wire decodes with the plain frame codec: headers say version 2 and lengths count the tag', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED });
  pair.handshake();
  const id = pair.client.openStream();
  pair.client.sendData(id, patterned(100), 0);
  pair.client.endStream(id, 0);
  pair.pump();
  const { frames } = decodeFrames(concat(pair.clientWire), { version: 2 });
  assert.deepEqual(frames.map((f) => [f.type, f.payload.length]), [
    [FrameType.HELLO, HARDENED_HELLO_SIZE],
    [FrameType.FINISH, 16],
    [FrameType.DATA, 116],
    [FrameType.END, 16],
  ]);
});

test('before the handshake completes, a frame of the wrong type closes on its header and first byte: nothing it announces is allocated', () => {
  const bigControl = new Uint8Array(HEADER_SIZE + 1);
  bigControl.set([2, FrameType.CONTROL, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0]); // announces 16 MiB
  const server = new ConnectionPair({ profile: ASOC_HARDENED });
  server.client.pollTransmit();
  server.server.receive(bigControl, 0);
  drain(server.server, server.serverEvents);
  assert.equal(closeReason(server.serverEvents), 'expected-hello');
  const awaitingFinish = new ConnectionPair({ profile: ASOC_HARDENED });
  deliver(awaitingFinish.client, awaitingFinish.server, 0);
  awaitingFinish.server.pollTransmit();
  awaitingFinish.server.receive(bigControl, 0);
  drain(awaitingFinish.server, awaitingFinish.serverEvents);
  assert.equal(closeReason(awaitingFinish.serverEvents), 'expected-finish');
  const client = new ConnectionPair({ profile: ASOC_HARDENED });
  client.client.pollTransmit();
  client.client.receive(bigControl, 0);
  drain(client.client, client.clientEvents);
  assert.equal(closeReason(client.clientEvents), 'expected-accept');
});

test('a DATA frame fed one byte at a time with a bad tag delivers nothing and closes (integrity-failed)', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED });
  pair.handshake();
  const id = pair.client.openStream();
  pair.client.sendData(id, patterned(3000), 0);
  deliver(pair.client, pair.server, 0, (bytes) => {
    const altered = bytes.slice();
    altered[altered.length - 1]! ^= 0x01; // the last tag byte
    return Array.from(altered, (byte) => Uint8Array.of(byte));
  });
  drain(pair.server, pair.serverEvents);
  assert.equal(closeReason(pair.serverEvents), 'integrity-failed');
  assert.equal(eventsOf(pair.serverEvents, 'stream-opened').length, 0);
  assert.equal(eventsOf(pair.serverEvents, 'stream-data').length, 0);
});

/** A frame sealed with the client's own session keys: what a key-holding but misbehaving peer can send. */
function sealedByClient(pair: ConnectionPair, type: number, streamId: number, seq: number, payload: Uint8Array): Uint8Array {
  const protection = pair.client['protection']!;
  const header = encodeHeader(type, streamId, seq, payload.length + protection.tagSize, 2);
  return concat([header, ...protection.seal(header, payload)]);
}

test('§9.2 under asoc-hardened, from a peer with the keys: unknown type ignored, bad seq and stream 0 close', () => {
  const ignored = new ConnectionPair({ profile: ASOC_HARDENED });
  ignored.handshake();
  ignored.server.receive(sealedByClient(ignored, 9, 1, 0, patterned(100)), 0);
  ignored.server.receive(sealedByClient(ignored, FrameType.DATA, 1, 0, patterned(10)), 0);
  drain(ignored.server, ignored.serverEvents);
  assert.deepEqual(eventsOf(ignored.serverEvents, 'frame-ignored').map((e) => e.frameType), [9]);
  assert.deepEqual(streamBytes(ignored.serverEvents, 1), patterned(10), 'the connection goes on');

  const gap = new ConnectionPair({ profile: ASOC_HARDENED });
  gap.handshake();
  gap.server.receive(sealedByClient(gap, FrameType.DATA, 1, 0, patterned(10)), 0);
  gap.server.receive(sealedByClient(gap, FrameType.DATA, 1, 2, patterned(10)), 0);
  drain(gap.server, gap.serverEvents);
  assert.equal(closeReason(gap.serverEvents), 'bad-seq');

  const zero = new ConnectionPair({ profile: ASOC_HARDENED });
  zero.handshake();
  zero.server.receive(sealedByClient(zero, FrameType.DATA, 0, 0, patterned(10)), 0);
  drain(zero.server, zero.serverEvents);
  assert.equal(closeReason(zero.serverEvents), 'bad-stream-id');
});

test('a handshake message off stream 0 or seq 0 closes the connection (bad-stream-id, bad-seq); v1 takes it, as the reference does', () => {
  const moved = (bytes: Uint8Array, streamId: number, seq: number): Uint8Array => {
    const out = bytes.slice();
    new DataView(out.buffer).setUint32(2, streamId);
    new DataView(out.buffer).setUint32(6, seq);
    return out;
  };
  for (const [streamId, seq, reason] of [[5, 0, 'bad-stream-id'], [0, 3, 'bad-seq']] as const) {
    const toServer = new ConnectionPair({ profile: ASOC_HARDENED });
    toServer.server.receive(moved(concat(toServer.client.pollTransmit()!), streamId, seq), 0);
    drain(toServer.server, toServer.serverEvents);
    assert.equal(closeReason(toServer.serverEvents), reason, `HELLO on ${streamId}/${seq}`);
    const toClient = new ConnectionPair({ profile: ASOC_HARDENED });
    toClient.server.receive(concat(toClient.client.pollTransmit()!), 0);
    toClient.client.receive(moved(concat(toClient.server.pollTransmit()!), streamId, seq), 0);
    drain(toClient.client, toClient.clientEvents);
    assert.equal(closeReason(toClient.clientEvents), reason, `ACCEPT on ${streamId}/${seq}`);
  }
  const v1 = new ConnectionPair({ profile: ASOC_V1 });
  v1.server.receive(moved(concat(v1.client.pollTransmit()!), 5, 3), 0);
  assert.equal(v1.server.state, 'established');
});

test('session keys: HKDF with the fixed salt over the API key, expanded with the transcript hash (the nonces enter only through it)', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED });
  pair.handshake();
  const hello = concat(pair.clientWire).subarray(HEADER_SIZE, HEADER_SIZE + HARDENED_HELLO_SIZE);
  const accept = concat(pair.serverWire).subarray(HEADER_SIZE, HEADER_SIZE + HARDENED_ACCEPT_SIZE);
  const label = (what: string) => new TextEncoder().encode(`asoc-hardened/2 ${what}`);
  const info = Buffer.concat([label('session keys'), createHash('sha256').update(Buffer.concat([hello, accept])).digest()]);
  const okm = new Uint8Array(hkdfSync('sha256', KEY, label('salt'), info, 72));
  assert.deepEqual(pair.client.sessionToken, okm.subarray(64, 72));
  assert.deepEqual(pair.server.sessionToken, okm.subarray(64, 72));
});

test('rekey in a session: with a small threshold, 1 MiB each way in 1 KiB frames arrives intact across some thousand key changes, in both suites', () => {
  for (const base of HARDENED_PROFILES) {
    const profile = { ...base, security: { ...(base.security as HardenedSecurity), rekeyAfterBytes: 2_000 } };
    const pair = new ConnectionPair({ profile, limits: { chunkSize: 1024 } });
    pair.handshake();
    exchangeStreams(pair, patterned(MiB, 3), patterned(MiB, 4));
    const usage = pair.client.keyUsage!;
    assert.ok(usage.keyUpdates > 1000, `${usage.keyUpdates} key changes`);
    assert.ok(usage.mostBytesUnderOneKey < 2_000 + 1024 + 14, `at most one frame past the threshold: ${usage.mostBytesUnderOneKey}`);
  }
});

test('a session that has protected as many frames as it may closes (key-exhausted) rather than reuse a nonce', () => {
  const profile = { ...ASOC_HARDENED, security: { ...(ASOC_HARDENED.security as HardenedSecurity), maxFramesPerDirection: 4 } };
  const pair = new ConnectionPair({ profile });
  pair.handshake(); // FINISH is the client's first protected frame
  const id = pair.client.openStream();
  let sent = 0;
  while (pair.client.state === 'established' && sent < 10) {
    pair.client.sendData(id, patterned(10), 0);
    sent++;
  }
  assert.equal(sent, 4, 'FINISH and 3 DATA frames fit in 4; the 4th DATA frame does not');
  drain(pair.client, pair.clientEvents);
  assert.equal(closeReason(pair.clientEvents), 'key-exhausted');
  assert.equal(eventsOf(pair.clientEvents, 'closed').length, 1);
});

/** The frames (type, payload length with its tag) that `from` queued since it last gave them out. */
function framesOut(from: AsocConnection, to: AsocConnection, version = 2): { type: number; length: number }[] {
  const bytes = deliver(from, to, 0);
  return decodeFrames(bytes, { version }).frames.map((f) => ({ type: f.type, length: f.payload.length }));
}

for (const profile of HARDENED_PROFILES) {
  test(`${profile.name}: a message that fits one frame is one protected frame: END carries it; the receiver gets it whole, once, and its receipt counts it`, () => {
    const pair = new ConnectionPair({ profile });
    pair.handshake();
    const id = pair.client.openStream();
    const message = patterned(1024, 5);
    pair.client.endStream(id, 0, message);
    assert.deepEqual(framesOut(pair.client, pair.server), [{ type: FrameType.END, length: 1024 + 16 }]);
    drain(pair.server, pair.serverEvents);
    assert.deepEqual(
      pair.serverEvents.filter((e) => e.type.startsWith('stream')).map((e) => e.type),
      ['stream-opened', 'stream-data', 'stream-end'],
    );
    assert.deepEqual(streamBytes(pair.serverEvents, id), message);
    assert.deepEqual(eventsOf(pair.serverEvents, 'stream-end')[0], { type: 'stream-end', streamId: id, bytes: 1024, frames: 1 });
    pair.pump();
    assert.deepEqual(eventsOf(pair.clientEvents, 'receipt').map((r) => [r.bytes, r.frames]), [[1024, 1]]);
  });

  test(`${profile.name}: END carries only the last chunk: a longer message goes as DATA frames, then END with the rest`, () => {
    const pair = new ConnectionPair({ profile, limits: { chunkSize: 1000 } });
    pair.handshake();
    const id = pair.client.openStream();
    const message = patterned(2500, 6);
    pair.client.endStream(id, 0, message);
    assert.deepEqual(framesOut(pair.client, pair.server), [
      { type: FrameType.DATA, length: 1000 + 16 },
      { type: FrameType.DATA, length: 1000 + 16 },
      { type: FrameType.END, length: 500 + 16 },
    ]);
    drain(pair.server, pair.serverEvents);
    assert.deepEqual(streamBytes(pair.serverEvents, id), message);
    assert.deepEqual(eventsOf(pair.serverEvents, 'stream-end')[0], { type: 'stream-end', streamId: id, bytes: 2500, frames: 3 });
  });

  test(`${profile.name}: an END that carries data and does not authenticate closes the receiver before any of its bytes is delivered, however the bytes are cut`, () => {
    for (const cut of ['whole', 'bytes'] as const) {
      for (const offset of [3, HEADER_SIZE, HEADER_SIZE + 700, HEADER_SIZE + 1024 + 15]) {
        const pair = new ConnectionPair({ profile });
        pair.handshake();
        const id = pair.client.openStream();
        pair.client.endStream(id, 0, patterned(1024, 8));
        deliver(pair.client, pair.server, 0, (bytes) => {
          const forged = bytes.slice();
          forged[offset]! ^= 0x10;
          return cut === 'whole' ? [forged] : Array.from(forged, (byte) => Uint8Array.of(byte));
        });
        drain(pair.server, pair.serverEvents);
        assert.equal(closeReason(pair.serverEvents), 'integrity-failed', `${cut}, offset ${offset}`);
        assert.equal(eventsOf(pair.serverEvents, 'stream-data').length, 0, `${cut}, offset ${offset}: nothing delivered`);
        assert.equal(eventsOf(pair.serverEvents, 'stream-end').length, 0);
      }
    }
  });
}

test('v1 keeps its wire: the same call sends DATA then an empty END, and a v1 receiver refuses an END that carries bytes', () => {
  const pair = new ConnectionPair({ profile: ASOC_V1 });
  pair.handshake();
  const id = pair.client.openStream();
  pair.client.endStream(id, 0, patterned(1024, 5));
  assert.deepEqual(framesOut(pair.client, pair.server, 1).map((f) => [f.type, f.length]), [[FrameType.DATA, 1024], [FrameType.END, 0]]);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(streamBytes(pair.serverEvents, id), patterned(1024, 5));
  pair.server.receive(concat([encodeHeader(FrameType.END, 3, 0, 4, 1), new Uint8Array(4)]), 0);
  drain(pair.server, pair.serverEvents);
  assert.equal(closeReason(pair.serverEvents), 'bad-length');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import { ASOC_V1, ASOC_V1_REFERENCE } from '../../src/core/profile.ts';
import { signAccept } from '../../src/core/v1-auth.ts';
import { encodeFrame, encodeHeader, FrameType } from '../../src/wire/frame.ts';
import { hexToBytes } from '../../src/wire/bytes.ts';
import { CLIENT_ID, ConnectionPair, KEY, concat, drain, eventsOf } from '../support/pair.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { loadReferenceVectors } from '../../src/vectors/reference-vectors.ts';

const MiB = 1024 * 1024;

function established(pair: ConnectionPair): void {
  pair.handshake();
  assert.equal(pair.client.state, 'established');
  assert.equal(pair.server.state, 'established');
}

function closedReason(events: ConnectionEvent[]): string | undefined {
  return eventsOf(events, 'closed')[0]?.reason;
}

function streamBytes(events: ConnectionEvent[], streamId: number): Uint8Array {
  return concat(eventsOf(events, 'stream-data').filter((e) => e.streamId === streamId).map((e) => e.data));
}

function pattern(length: number, salt: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + salt) & 0xff);
}

test('handshake: HELLO 36 + ACCEPT 16 = 52 payload bytes, 80 on the wire; the server learns the client id', () => {
  const pair = new ConnectionPair();
  established(pair);
  assert.deepEqual(pair.clientWire.map((b) => b.length), [14, 36]);
  assert.deepEqual(pair.serverWire.map((b) => b.length), [14, 16]);
  assert.equal(pair.client.stats.handshakePayloadBytes, 52);
  assert.equal(pair.server.stats.handshakePayloadBytes, 52);
  assert.deepEqual(eventsOf(pair.serverEvents, 'established')[0]!.peerNodeId, CLIENT_ID);
  assert.equal(eventsOf(pair.clientEvents, 'established')[0]!.peerNodeId, null);
  assert.deepEqual(pair.client.sessionToken, pair.server.sessionToken);
});

test('the client HELLO is byte-exact with the reference vectors', () => {
  for (const v of loadReferenceVectors().hello) {
    const client = new AsocConnection({
      role: 'client',
      profile: ASOC_V1,
      nodeId: hexToBytes(v.node_id),
      apiKey: new TextEncoder().encode(v.api_key),
      crypto: nodeBackend,
      random: { u32: () => v.challenge, bytes: (n) => new Uint8Array(n) },
      now: 0,
    });
    assert.equal(Buffer.from(concat(client.pollTransmit()!)).toString('hex'), v.frame);
  }
});

test('a wrong key: the server closes at once and sends not one byte', () => {
  const pair = new ConnectionPair({ clientKey: new TextEncoder().encode('not-the-key') });
  pair.handshake();
  assert.equal(pair.server.state, 'closed');
  assert.equal(closedReason(pair.serverEvents), 'auth-failed');
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed'), [{ type: 'auth-failed', reason: 'bad-signature' }]);
  assert.equal(pair.serverWire.length, 0);
  assert.equal(pair.client.state, 'handshaking');
});

test('a client rejects an ACCEPT signed with another key', () => {
  const pair = new ConnectionPair();
  pair.client.pollTransmit();
  const forged = signAccept({ crypto: nodeBackend, apiKey: new TextEncoder().encode('attacker') }, new Uint8Array(8));
  pair.client.receive(encodeFrame({ type: FrameType.ACCEPT, streamId: 0, seq: 0, payload: forged }), 0);
  drain(pair.client, pair.clientEvents);
  assert.equal(closedReason(pair.clientEvents), 'auth-failed');
});

test('an ACCEPT signed with the right key is accepted by any client: nothing binds it to the HELLO', () => {
  const pair = new ConnectionPair();
  pair.client.pollTransmit();
  pair.client.receive(encodeFrame({ type: FrameType.ACCEPT, streamId: 0, seq: 0, payload: signAccept({ crypto: nodeBackend, apiKey: KEY }, new Uint8Array(8)) }), 0);
  assert.equal(pair.client.state, 'established');
});

test('streams: 3 MiB + 5 bytes in 1 MiB DATA frames, END, then the receipt reaches the sender', () => {
  const pair = new ConnectionPair();
  established(pair);
  const data = pattern(3 * MiB + 5, 7);
  const id = pair.client.openStream();
  assert.equal(id, 1);
  pair.client.sendData(id, data, 0);
  pair.client.endStream(id, 0);
  pair.pump();
  assert.deepEqual(streamBytes(pair.serverEvents, id), data);
  assert.deepEqual(eventsOf(pair.serverEvents, 'stream-end'), [{ type: 'stream-end', streamId: 1, bytes: data.length, frames: 4 }]);
  assert.deepEqual(eventsOf(pair.clientEvents, 'receipt'), [{ type: 'receipt', streamId: 1, bytes: data.length, frames: 4 }]);
  // 4 DATA + END, each with a 14-byte header: the overhead claim P2 counts exactly these.
  assert.equal(pair.client.stats.bytesSent, 14 + 36 + data.length + 5 * 14);
});

test('concurrent streams both ways, frames interleaved, each stream intact', () => {
  const pair = new ConnectionPair({ limits: { chunkSize: 1000 } });
  established(pair);
  const sent = new Map<number, Uint8Array>();
  const c1 = pair.client.openStream();
  const c3 = pair.client.openStream();
  const s2 = pair.server.openStream();
  const s4 = pair.server.openStream();
  assert.deepEqual([c1, c3, s2, s4], [1, 3, 2, 4]);
  for (let round = 0; round < 5; round++) {
    for (const [side, id] of [[pair.client, c1], [pair.server, s2], [pair.client, c3], [pair.server, s4]] as const) {
      const piece = pattern(1500 + round, id * 10 + round);
      sent.set(id, concat([sent.get(id) ?? new Uint8Array(0), piece]));
      side.sendData(id, piece, 0);
    }
  }
  for (const [side, id] of [[pair.client, c1], [pair.client, c3], [pair.server, s2], [pair.server, s4]] as const) side.endStream(id, 0);
  pair.pump();
  for (const id of [c1, c3]) assert.deepEqual(streamBytes(pair.serverEvents, id), sent.get(id));
  for (const id of [s2, s4]) assert.deepEqual(streamBytes(pair.clientEvents, id), sent.get(id));
  assert.equal(eventsOf(pair.serverEvents, 'stream-end').length, 2);
  assert.equal(eventsOf(pair.clientEvents, 'stream-end').length, 2);
});

test('input cut one byte at a time gives the same stream as input in one piece', () => {
  const pair = new ConnectionPair({ limits: { chunkSize: 100 } });
  const hello = concat(pair.client.pollTransmit()!);
  const data = pattern(1000, 3);
  const server = pair.server;
  for (const byte of hello) server.receive(Uint8Array.of(byte), 0);
  const accept = concat(server.pollTransmit()!);
  pair.client.receive(accept, 0);
  const id = pair.client.openStream();
  pair.client.sendData(id, data, 0);
  pair.client.endStream(id, 0);
  for (const byte of concat(pair.client.pollTransmit()!)) server.receive(Uint8Array.of(byte), 0);
  drain(server, pair.serverEvents);
  assert.deepEqual(streamBytes(pair.serverEvents, id), data);
  assert.equal(eventsOf(pair.serverEvents, 'stream-end')[0]?.frames, 10);
});

test('a DATA frame arriving whole is handed out without a copy', () => {
  const pair = new ConnectionPair();
  established(pair);
  const frame = encodeFrame({ type: FrameType.DATA, streamId: 1, seq: 0, payload: pattern(4096, 1) });
  pair.server.receive(frame, 0);
  drain(pair.server, pair.serverEvents);
  const piece = eventsOf(pair.serverEvents, 'stream-data')[0]!;
  assert.equal(piece.data.buffer, frame.buffer);
});

test('§9.2: an unknown frame type is ignored and the connection goes on', () => {
  const pair = new ConnectionPair();
  established(pair);
  pair.server.receive(encodeFrame({ type: 9, streamId: 5, seq: 0, payload: pattern(300, 1) }), 0);
  pair.server.receive(encodeFrame({ type: FrameType.CONTROL, streamId: 0, seq: 0, payload: Uint8Array.of(0, 1) }), 0);
  pair.server.receive(encodeFrame({ type: FrameType.DATA, streamId: 1, seq: 0, payload: Uint8Array.of(42) }), 0);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(
    eventsOf(pair.serverEvents, 'frame-ignored').map((e) => e.frameType),
    [9, FrameType.CONTROL],
  );
  assert.equal(pair.server.state, 'established');
  assert.deepEqual(streamBytes(pair.serverEvents, 1), Uint8Array.of(42));
});

const violations: { name: string; bytes: () => Uint8Array; reason: string }[] = [
  { name: 'unknown version', bytes: () => Uint8Array.from([2, ...encodeHeader(FrameType.DATA, 1, 0, 0).subarray(1)]), reason: 'bad-version' },
  { name: 'sequence gap', bytes: () => concat([encodeFrame({ type: 1, streamId: 1, seq: 0, payload: Uint8Array.of(1) }), encodeFrame({ type: 1, streamId: 1, seq: 2, payload: Uint8Array.of(1) })]), reason: 'bad-seq' },
  { name: 'stream not starting at 0', bytes: () => encodeFrame({ type: 1, streamId: 3, seq: 1, payload: Uint8Array.of(1) }), reason: 'bad-seq' },
  { name: 'END at the wrong seq', bytes: () => concat([encodeFrame({ type: 1, streamId: 1, seq: 0, payload: Uint8Array.of(1) }), encodeFrame({ type: 2, streamId: 1, seq: 5, payload: new Uint8Array(0) })]), reason: 'bad-seq' },
  { name: 'DATA on stream 0', bytes: () => encodeFrame({ type: 1, streamId: 0, seq: 0, payload: Uint8Array.of(1) }), reason: 'bad-stream-id' },
  { name: 'frame above the maximum', bytes: () => encodeHeader(FrameType.DATA, 1, 0, ASOC_V1.maxFrameSize + 1), reason: 'frame-too-large' },
  { name: 'an END with a payload', bytes: () => encodeFrame({ type: FrameType.END, streamId: 7, seq: 1, payload: Uint8Array.of(1) }), reason: 'bad-length' },
  { name: 'a gap in the middle of a stream', bytes: () => encodeFrame({ type: 1, streamId: 7, seq: 2, payload: Uint8Array.of(1) }), reason: 'bad-seq' },
];

for (const v of violations) {
  test(`§9.2: ${v.name} closes the connection (${v.reason}) and aborts open streams`, () => {
    const pair = new ConnectionPair();
    established(pair);
    pair.server.receive(encodeFrame({ type: FrameType.DATA, streamId: 7, seq: 0, payload: Uint8Array.of(9) }), 0);
    pair.server.receive(v.bytes(), 0);
    drain(pair.server, pair.serverEvents);
    assert.equal(closedReason(pair.serverEvents), v.reason);
    assert.ok(eventsOf(pair.serverEvents, 'stream-aborted').some((e) => e.streamId === 7 && e.reason === v.reason));
    assert.equal(pair.server.pollTransmit(), null, 'a violation sends nothing');
  });
}

test('after the handshake a HELLO or ACCEPT of any size is ignored, not buffered', () => {
  const pair = new ConnectionPair();
  established(pair);
  pair.server.receive(encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: new Uint8Array(4000) }), 0);
  pair.server.receive(encodeFrame({ type: FrameType.ACCEPT, streamId: 0, seq: 0, payload: new Uint8Array(16) }), 0);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(eventsOf(pair.serverEvents, 'frame-ignored').map((e) => e.frameType), [FrameType.HELLO, FrameType.ACCEPT]);
  assert.equal(pair.server.state, 'established');
});

test('during the handshake the other side\'s handshake frame closes too: a server does not take ACCEPT, a client not HELLO', () => {
  const pair = new ConnectionPair();
  const hello = concat(pair.client.pollTransmit()!);
  pair.client.receive(hello, 0);
  pair.server.receive(encodeFrame({ type: FrameType.ACCEPT, streamId: 0, seq: 0, payload: new Uint8Array(16) }), 0);
  drain(pair.server, pair.serverEvents);
  drain(pair.client, pair.clientEvents);
  assert.equal(closedReason(pair.serverEvents), 'expected-hello');
  assert.equal(closedReason(pair.clientEvents), 'expected-accept');
});

test('a frame before the handshake closes: the server wants HELLO first, the client ACCEPT (the reference after reading it whole, with the same reasons)', () => {
  for (const profile of [ASOC_V1, ASOC_V1_REFERENCE]) {
    const pair = new ConnectionPair({ profile });
    pair.client.pollTransmit();
    const data = encodeFrame({ type: FrameType.DATA, streamId: 1, seq: 0, payload: new Uint8Array(100) });
    pair.server.receive(data, 0);
    pair.client.receive(data, 0);
    drain(pair.server, pair.serverEvents);
    drain(pair.client, pair.clientEvents);
    assert.equal(closedReason(pair.serverEvents), 'expected-hello', profile.name);
    assert.equal(closedReason(pair.clientEvents), 'expected-accept', profile.name);
  }
});

test('§9.3: no HELLO (server) or no ACCEPT (client) within 10 s closes the connection', () => {
  const pair = new ConnectionPair();
  pair.client.pollTransmit(); // the HELLO is lost
  pair.advance(9_999);
  assert.equal(pair.server.state, 'handshaking');
  pair.advance(1);
  assert.equal(closedReason(pair.serverEvents), 'handshake-timeout');
  assert.equal(closedReason(pair.clientEvents), 'handshake-timeout');
});

test('§9.3: an inbound stream idle for 30 s is aborted; the connection and its other streams live on', () => {
  const pair = new ConnectionPair();
  established(pair);
  pair.server.receive(encodeFrame({ type: 1, streamId: 1, seq: 0, payload: Uint8Array.of(1) }), 0);
  pair.advance(20_000);
  pair.server.receive(encodeFrame({ type: 1, streamId: 3, seq: 0, payload: Uint8Array.of(1) }), pair.now);
  pair.advance(10_000);
  assert.deepEqual(eventsOf(pair.serverEvents, 'stream-aborted'), [{ type: 'stream-aborted', streamId: 1, bytes: 1, reason: 'stream-idle-timeout' }]);
  assert.equal(pair.server.state, 'established');
  assert.equal(pair.server.openInboundStreams, 1);
});

test('§9.3: bytes the transport does not take for 10 s mean the peer is dead', () => {
  const pair = new ConnectionPair();
  established(pair);
  const id = pair.client.openStream();
  pair.client.sendData(id, pattern(100, 1), pair.now);
  pair.now += 10_000;
  assert.equal(pair.client.pollTimeout(), 10_000);
  pair.client.handleTimeout(pair.now);
  drain(pair.client, pair.clientEvents);
  assert.equal(closedReason(pair.clientEvents), 'send-timeout');
});

test('more concurrent inbound streams than allowed closes the connection', () => {
  const pair = new ConnectionPair({ limits: { maxConcurrentStreams: 2 } });
  established(pair);
  for (const streamId of [1, 3, 5]) pair.server.receive(encodeFrame({ type: 1, streamId, seq: 0, payload: Uint8Array.of(1) }), 0);
  drain(pair.server, pair.serverEvents);
  assert.equal(closedReason(pair.serverEvents), 'too-many-streams');
});

test('an END on a stream never seen is an empty stream', () => {
  const pair = new ConnectionPair();
  established(pair);
  pair.server.receive(encodeFrame({ type: FrameType.END, streamId: 11, seq: 0, payload: new Uint8Array(0) }), 0);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(eventsOf(pair.serverEvents, 'stream-end'), [{ type: 'stream-end', streamId: 11, bytes: 0, frames: 0 }]);
});

test('the transport ending mid-stream aborts that stream with a clean reason', () => {
  const pair = new ConnectionPair();
  established(pair);
  pair.server.receive(encodeFrame({ type: 1, streamId: 1, seq: 0, payload: pattern(10, 1) }), 0);
  pair.server.transportClosed(0);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(eventsOf(pair.serverEvents, 'stream-aborted'), [{ type: 'stream-aborted', streamId: 1, bytes: 10, reason: 'transport-closed' }]);
  assert.equal(closedReason(pair.serverEvents), 'transport-closed');
});

test('a replayed HELLO: asoc-v1 (RFC text) rejects it, the reference behaviour accepts it', () => {
  for (const [profile, expected] of [[ASOC_V1, 'closed'], [ASOC_V1_REFERENCE, 'established']] as const) {
    const helloReplay = profile.helloReplay ? new ReplayCache(profile.helloReplay) : undefined;
    const first = new ConnectionPair({ profile, helloReplay, seed: 'replay' });
    first.handshake();
    const captured = concat(first.clientWire);
    const victim = new ConnectionPair({ profile, helloReplay, seed: 'victim' });
    victim.server.receive(captured, 1000);
    assert.equal(victim.server.state, expected, profile.name);
    if (expected === 'closed') {
      drain(victim.server, victim.serverEvents);
      assert.equal(closedReason(victim.serverEvents), 'replay');
    }
  }
});

test('application errors are typed: no stream before the handshake, no send on an unknown stream', () => {
  const pair = new ConnectionPair();
  assert.throws(() => pair.client.openStream(), { name: 'ConnectionStateError' });
  established(pair);
  assert.throws(() => pair.client.sendData(99, Uint8Array.of(1), 0), { name: 'ConnectionStateError' });
});

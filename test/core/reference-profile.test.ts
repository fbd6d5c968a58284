/**
 * What asoc-v1/reference does differently from asoc-v1 in the connection core, each as the Python
 * reference does it (asoc/node_ready.py at the commit docs/asoc-v1.md names): the first frame is
 * read whole, whatever its type and size, before anything is checked; once established, every
 * header and every payload must come within 30 s, or the connection ends; no stream is timed alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASOC_V1, ASOC_V1_REFERENCE, type AsocProfile } from '../../src/core/profile.ts';
import { FrameType, HEADER_SIZE, encodeFrame, encodeHeader } from '../../src/wire/frame.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/driver/dialer.ts';
import { ConnectionPair, concat, drain, eventsOf } from '../support/pair.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';

const MiB = 1024 * 1024;

function closedReason(events: ConnectionEvent[]): string | undefined {
  return eventsOf(events, 'closed')[0]?.reason;
}

/** A server of `profile` that has been sent nothing yet (the client's HELLO is dropped). */
function silentServer(profile: AsocProfile): ConnectionPair {
  const pair = new ConnectionPair({ profile });
  pair.client.pollTransmit();
  return pair;
}

test('before the handshake, asoc-v1 closes a DATA frame on its first byte; the reference reads all 8 MiB of it first', () => {
  const v1 = silentServer(ASOC_V1);
  v1.server.receive(encodeHeader(FrameType.DATA, 1, 0, 8 * MiB), 0);
  v1.server.receive(new Uint8Array(1), 0);
  drain(v1.server, v1.serverEvents);
  assert.equal(closedReason(v1.serverEvents), 'expected-hello');

  const reference = silentServer(ASOC_V1_REFERENCE);
  reference.server.receive(encodeHeader(FrameType.DATA, 1, 0, 8 * MiB), 0);
  for (let i = 0; i < 8; i++) {
    assert.equal(reference.server.state, 'handshaking', `still reading after ${i} MiB`);
    reference.server.receive(new Uint8Array(MiB), 0);
  }
  drain(reference.server, reference.serverEvents);
  assert.equal(closedReason(reference.serverEvents), 'expected-hello', 'closed once the last byte was in');
  assert.equal(reference.server.stats.bytesReceived, HEADER_SIZE + 8 * MiB);
  assert.equal(reference.server.pollTransmit(), null, 'nothing sent back');
});

test('a HELLO of the wrong size: asoc-v1 refuses it on the header, the reference after reading it', () => {
  const hello = encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: new Uint8Array(4000) });
  const v1 = silentServer(ASOC_V1);
  v1.server.receive(hello.subarray(0, HEADER_SIZE), 0);
  drain(v1.server, v1.serverEvents);
  assert.equal(closedReason(v1.serverEvents), 'bad-length');

  const reference = silentServer(ASOC_V1_REFERENCE);
  reference.server.receive(hello.subarray(0, HEADER_SIZE + 3999), 0);
  assert.equal(reference.server.state, 'handshaking');
  reference.server.receive(hello.subarray(HEADER_SIZE + 3999), 0);
  drain(reference.server, reference.serverEvents);
  assert.equal(closedReason(reference.serverEvents), 'bad-length');
});

test('the reference takes a HELLO and an ACCEPT that arrive a byte at a time', () => {
  const pair = new ConnectionPair({ profile: ASOC_V1_REFERENCE });
  const hello = concat(pair.client.pollTransmit()!);
  for (const byte of hello) pair.server.receive(Uint8Array.of(byte), 0);
  const accept = concat(pair.server.pollTransmit()!);
  for (const byte of accept) pair.client.receive(Uint8Array.of(byte), 0);
  assert.equal(pair.server.state, 'established');
  assert.equal(pair.client.state, 'established');
});

test('the whole first frame must be in within the 10 s handshake timeout', () => {
  const reference = silentServer(ASOC_V1_REFERENCE);
  reference.server.receive(encodeHeader(FrameType.DATA, 1, 0, 8 * MiB), 0);
  reference.server.receive(new Uint8Array(MiB), 9_000);
  assert.equal(reference.server.pollTimeout(), 10_000);
  reference.server.handleTimeout(10_000);
  drain(reference.server, reference.serverEvents);
  assert.equal(closedReason(reference.serverEvents), 'handshake-timeout');
});

test('established, the reference ends a connection with no frame for 30 s; asoc-v1 keeps it', () => {
  for (const [profile, expected] of [
    [ASOC_V1, undefined],
    [ASOC_V1_REFERENCE, 'read-timeout'],
  ] as const) {
    const pair = new ConnectionPair({ profile });
    pair.handshake();
    pair.advance(29_999);
    assert.equal(closedReason(pair.serverEvents), undefined, `${profile.name}: not before 30 s`);
    pair.advance(1);
    assert.equal(closedReason(pair.serverEvents), expected, profile.name);
  }
});

test('the reference times each read: a payload still coming 30 s after its header ends the connection, a frame that completes restarts the clock', () => {
  const pair = new ConnectionPair({ profile: ASOC_V1_REFERENCE });
  pair.handshake();
  const frame = encodeFrame({ type: FrameType.DATA, streamId: 3, seq: 0, payload: new Uint8Array(1000) });
  pair.now = 20_000;
  pair.server.receive(frame, pair.now); // a whole frame at 20 s: the next header may take until 50 s
  assert.equal(pair.server.pollTimeout(), 50_000);
  pair.now = 40_000;
  const slow = encodeFrame({ type: FrameType.DATA, streamId: 3, seq: 1, payload: new Uint8Array(1000) });
  pair.server.receive(slow.subarray(0, HEADER_SIZE + 10), pair.now); // its header at 40 s: the payload has until 70 s
  for (let at = 45_000; at < 70_000; at += 5_000) pair.server.receive(slow.subarray(HEADER_SIZE + 10, HEADER_SIZE + 11), at);
  assert.equal(pair.server.pollTimeout(), 70_000, 'bytes trickling in do not restart a read');
  pair.now = 70_000;
  pair.server.handleTimeout(pair.now);
  drain(pair.server, pair.serverEvents);
  assert.equal(closedReason(pair.serverEvents), 'read-timeout');
  assert.deepEqual(eventsOf(pair.serverEvents, 'stream-aborted').map((e) => [e.streamId, e.reason]), [[3, 'read-timeout']]);
});

test('no stream is timed on its own in the reference: one quiet stream beside a busy one is not aborted', () => {
  const pair = new ConnectionPair({ profile: ASOC_V1_REFERENCE });
  pair.handshake();
  pair.server.receive(encodeFrame({ type: FrameType.DATA, streamId: 3, seq: 0, payload: Uint8Array.of(1) }), 0);
  for (let at = 10_000, seq = 0; at <= 60_000; at += 10_000, seq++) {
    pair.now = at;
    pair.server.receive(encodeFrame({ type: FrameType.DATA, streamId: 5, seq, payload: Uint8Array.of(1) }), at);
    pair.server.handleTimeout(at);
  }
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(eventsOf(pair.serverEvents, 'stream-aborted'), []);
  assert.equal(pair.server.openInboundStreams, 2);
});

test('the reference client reads its first frame whole too, then checks the type, the size and the HMAC of ACCEPT', () => {
  const frames = [
    [encodeFrame({ type: FrameType.ACCEPT, streamId: 0, seq: 0, payload: new Uint8Array(20) }), 'bad-length'],
    [encodeFrame({ type: FrameType.ACCEPT, streamId: 0, seq: 0, payload: new Uint8Array(16) }), 'auth-failed'],
  ] as const;
  for (const [frame, reason] of frames) {
    const pair = new ConnectionPair({ profile: ASOC_V1_REFERENCE });
    pair.client.pollTransmit();
    pair.client.receive(frame.subarray(0, HEADER_SIZE + 10), 0);
    assert.equal(pair.client.state, 'handshaking', 'nothing checked before the last byte');
    pair.client.receive(frame.subarray(HEADER_SIZE + 10), 0);
    drain(pair.client, pair.clientEvents);
    assert.equal(closedReason(pair.clientEvents), reason);
  }
});

test('the client connects within the reference\'s 5 s', () => {
  assert.equal(DEFAULT_CONNECT_TIMEOUT_MS, 5_000);
});

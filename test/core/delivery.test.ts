/** What the core does about bytes that do not get delivered, and frames that do not get finished. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, encodeHeader, FrameType } from '../../src/wire/frame.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { ConnectionPair, drain, eventsOf } from '../support/pair.ts';

const MiB = 1024 * 1024;

function establishedPair(limits = {}): ConnectionPair {
  const pair = new ConnectionPair({ limits });
  pair.handshake();
  assert.equal(pair.client.state, 'established');
  return pair;
}

function closed(events: ConnectionEvent[]): { reason: string; detail: string } | undefined {
  const e = eventsOf(events, 'closed')[0];
  return e && { reason: e.reason, detail: e.detail };
}

/** Advances the client alone to `at`, handling its deadline if it is due. */
function clientAt(pair: ConnectionPair, at: number): void {
  pair.now = at;
  const deadline = pair.client.pollTimeout();
  if (deadline !== null && deadline <= at) pair.client.handleTimeout(at);
  drain(pair.client, pair.clientEvents);
}

test('bytes handed to a transport that then holds them without progress time out, though the core queue is empty', () => {
  const pair = establishedPair();
  const id = pair.client.openStream();
  pair.client.sendData(id, new Uint8Array(MiB), 0);
  assert.ok(pair.client.pollTransmit());
  assert.equal(pair.client.queuedBytes, 0);
  pair.client.transportBacklog(MiB + 14, 0); // the socket took the frame and holds all of it
  assert.equal(pair.client.pollTimeout(), 10_000);
  clientAt(pair, 9_999);
  assert.equal(pair.client.state, 'established');
  clientAt(pair, 10_000);
  assert.equal(closed(pair.clientEvents)?.reason, 'send-timeout');
  assert.match(closed(pair.clientEvents)!.detail, /1048590 bytes not delivered for 10000 ms \(0 queued here, 1048590 in the transport\): the peer stopped reading or cannot be reached/);
});

test('delivery progress restarts the stall clock; a transport that holds nothing stops it', () => {
  const pair = establishedPair();
  const id = pair.client.openStream();
  pair.client.sendData(id, new Uint8Array(1000), 0);
  pair.client.pollTransmit();
  pair.client.transportBacklog(1014, 0);
  pair.client.transportBacklog(600, 8_000); // 414 bytes delivered at 8 s
  assert.equal(pair.client.pollTimeout(), 18_000);
  pair.client.transportBacklog(600, 12_000); // nothing more: the clock keeps running from 8 s
  assert.equal(pair.client.pollTimeout(), 18_000);
  // New bytes handed out while old ones are held do not restart it either.
  pair.client.sendData(id, new Uint8Array(1000), 13_000);
  pair.client.pollTransmit();
  pair.client.transportBacklog(1614, 13_000);
  assert.equal(pair.client.pollTimeout(), 18_000);
  pair.client.transportBacklog(0, 14_000);
  assert.equal(pair.client.pollTimeout(), null);
});

test('a driver that never reports its backlog: handing bytes to the transport is taking them (the clock stops at pollTransmit)', () => {
  const pair = establishedPair();
  const id = pair.client.openStream();
  pair.client.sendData(id, new Uint8Array(1000), 0);
  assert.equal(pair.client.pollTimeout(), 10_000);
  pair.client.pollTransmit();
  assert.equal(pair.client.pollTimeout(), null);
});

test('the transport closing drops what is queued, also after a close that meant to flush it', () => {
  for (const closeFirst of [false, true]) {
    const pair = establishedPair();
    const id = pair.client.openStream();
    pair.client.sendData(id, new Uint8Array(2 * MiB), 0);
    if (closeFirst) pair.client.close(0);
    assert.ok(pair.client.queuedBytes > 2 * MiB);
    pair.client.transportClosed(1);
    assert.equal(pair.client.queuedBytes, 0);
    assert.equal(pair.client.pollTransmit(), null);
    drain(pair.client, pair.clientEvents);
    assert.equal(closed(pair.clientEvents)?.reason, closeFirst ? 'local' : 'transport-closed');
  }
});

test('after the handshake, 7 bytes of a header and then silence close the connection at the partial-frame deadline', () => {
  const pair = establishedPair({ partialFrameTimeoutMs: 5_000 });
  const header = encodeHeader(FrameType.DATA, 1, 0, 100, 1);
  pair.server.receive(header.subarray(0, 7), 1_000);
  assert.equal(pair.server.pollTimeout(), 6_000);
  pair.server.handleTimeout(5_999);
  assert.equal(pair.server.state, 'established');
  pair.server.handleTimeout(6_000);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(closed(pair.serverEvents), { reason: 'partial-frame-timeout', detail: '7 bytes of an unfinished frame, then nothing for 5000 ms' });
});

test('each byte of a frame moves the partial-frame deadline; between frames there is none', () => {
  const pair = establishedPair({ partialFrameTimeoutMs: 5_000 });
  const frame = encodeFrame({ type: FrameType.END, streamId: 1, seq: 0, payload: new Uint8Array(0) });
  for (let i = 0; i < frame.length - 1; i++) pair.server.receive(frame.subarray(i, i + 1), i * 4_000);
  assert.equal(pair.server.pollTimeout(), (frame.length - 2) * 4_000 + 5_000);
  pair.server.receive(frame.subarray(frame.length - 1), (frame.length - 1) * 4_000);
  assert.equal(pair.server.state, 'established');
  pair.server.pollTransmit(); // the END's receipt, which would arm the send-stall clock
  assert.equal(pair.server.pollTimeout(), null);
});

/** The shared connection driver (src/driver/connection-driver.ts) over in-memory streams and a fake clock: sends settle, closes close. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASOC_V1_REFERENCE } from '../../src/core/profile.ts';
import { ConnectionClosedError, ReceiptTimeoutError, type ReceiptOutcome } from '../../src/driver/connection-driver.ts';
import { core, FakeClock, recordingLifecycle, RecordingConnection, streamPair, type FakeStream } from './fakes.ts';

function connected(options: { serverProfile?: typeof ASOC_V1_REFERENCE; handshakeTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const { a, b } = streamPair(clock, '10.0.0.1', '10.0.0.2');
  const clientLog = recordingLifecycle();
  const serverLog = recordingLifecycle();
  const limits = options.handshakeTimeoutMs ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {};
  const server = new RecordingConnection(b, core('server', { clock, profile: options.serverProfile, limits }), serverLog, clock);
  const client = new RecordingConnection(a, core('client', { clock, limits }), clientLog, clock);
  return { clock, a, b, client, server, clientLog: clientLog.log, serverLog: serverLog.log };
}

const settled = () => {
  const outcomes: ReceiptOutcome[] = [];
  return { outcomes, settle: (o: ReceiptOutcome) => void outcomes.push(o) };
};

test('the handshake over the driver: both sides report established once, the client first sends its HELLO', () => {
  const { clock, a, client, server, clientLog, serverLog } = connected();
  assert.equal(a.written.length, 1, 'the HELLO went out from the constructor');
  clock.settle();
  assert.deepEqual([clientLog, serverLog], [['established'], ['established 1']], 'a v1 client never learns the server id; the server learns the client’s');
  assert.ok(client.isOpen && server.isOpen);
});

test('a send settles with the receiver’s receipt, and its timeout is disarmed', () => {
  const { clock, client, server } = connected();
  clock.settle();
  const { outcomes, settle } = settled();
  const armedBefore = clock.armed;
  const streamId = client.sendStream(new Uint8Array(3000).fill(7), 5_000, settle);
  clock.settle();
  assert.deepEqual(server.ended, [{ streamId, bytes: 3000, frames: 1 }]);
  assert.deepEqual(outcomes, [{ bytes: 3000, frames: 1 }]);
  assert.ok(clock.armed <= armedBefore, 'no receipt timer left armed');
  clock.advance(10_000);
  assert.equal(outcomes.length, 1, 'settled once');
});

test('a send to a peer that sends no receipts settles with ReceiptTimeoutError exactly at its timeout', () => {
  const { clock, client } = connected({ serverProfile: ASOC_V1_REFERENCE });
  clock.settle();
  const { outcomes, settle } = settled();
  client.sendStream(new Uint8Array(10), 2_000, settle);
  clock.advance(1_999);
  assert.equal(outcomes.length, 0);
  clock.advance(1);
  assert.equal(outcomes.length, 1);
  assert.ok(outcomes[0] instanceof ReceiptTimeoutError, String(outcomes[0]));
  assert.ok(client.isOpen, 'a missing receipt does not close the connection');
});

test('a graceful close: frames queued before it are still written, then FIN; waiting sends fail with the close', () => {
  const { clock, a, client, server, clientLog, serverLog } = connected({ serverProfile: ASOC_V1_REFERENCE });
  clock.settle();
  const { outcomes, settle } = settled();
  const streamId = client.sendStream(new Uint8Array(500).fill(1), 60_000, settle);
  client.close('done here');
  assert.equal(a.finSent, false, 'FIN waits for the turn that writes the rest');
  clock.settle();
  assert.equal(a.finSent, true);
  assert.equal(a.destroyed, false);
  assert.deepEqual(server.ended, [{ streamId, bytes: 500, frames: 1 }], 'the stream before the close arrived whole');
  assert.equal(outcomes.length, 1);
  assert.ok(outcomes[0] instanceof ConnectionClosedError);
  assert.equal(client.abandoned.length, 1, 'the subclass was told to fail its other sends');
  assert.equal(client.isOpen, false);
  assert.equal(clientLog.at(-1), 'closed local');
  assert.match(serverLog.at(-1)!, /^closed /, 'the peer’s FIN closes the other side');
  assert.equal(clock.armed, 0, 'no timer outlives both closes');
});

test('a protocol violation resets: the stream is destroyed, not ended, and the lifecycle hears the reason', () => {
  const { clock, b, server, serverLog } = connected();
  clock.settle();
  // A frame of wire version 9 from the client's side: §9.2 says close.
  const bogus = new Uint8Array(14);
  bogus[0] = 9;
  bogus[1] = 1;
  (b.events as NonNullable<FakeStream['events']>).data(bogus);
  clock.settle();
  assert.equal(b.destroyed, true);
  assert.equal(b.finSent, false);
  assert.equal(server.isOpen, false);
  assert.equal(serverLog.at(-1), 'closed bad-version');
});

test('the transport going away under an open connection closes it once, with the transport’s reason', () => {
  const { clock, a, client, clientLog } = connected();
  clock.settle();
  a.peer.destroy();
  clock.settle();
  assert.equal(client.isOpen, false);
  assert.deepEqual(clientLog.filter((l) => l.startsWith('closed')), ['closed transport-closed']);
});

test('a handshake that never completes closes at the handshake timeout of the fake clock', () => {
  const { clock, a, clientLog } = connected({ handshakeTimeoutMs: 3_000 });
  a.peer.events = null; // the server's side hears nothing: the HELLO is lost
  clock.advance(2_999);
  assert.deepEqual(clientLog, []);
  clock.advance(1);
  assert.deepEqual(clientLog, ['closed handshake-timeout']);
});

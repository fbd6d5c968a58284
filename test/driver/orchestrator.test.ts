/**
 * The shared orchestration (src/driver/orchestrator.ts) of two nodes over in-memory streams, a fake
 * connector and a fake clock: the peer table, dialing and redialing, admission limits, stopping.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdmissionSettings } from '../../src/core/admission.ts';
import type { ConnectionLimits } from '../../src/core/connection.ts';
import { ASOC_V1 } from '../../src/core/profile.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { NodeOrchestrator } from '../../src/driver/orchestrator.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { API_KEY, countingRandom, FakeClock, FakeConnector, HALF_RANDOM, nodeIdOf, RecordingConnection, streamPair, type FakeStream } from './fakes.ts';

interface TestNode {
  orchestrator: NodeOrchestrator<FakeStream, RecordingConnection>;
  connector: FakeConnector;
  /** What the orchestration reported, in order. */
  events: string[];
}

function node(clock: FakeClock, n: number, options: { apiKey?: Uint8Array; admission?: Partial<AdmissionSettings>; limits?: Partial<ConnectionLimits> } = {}): TestNode {
  const connector = new FakeConnector();
  const events: string[] = [];
  const orchestrator = new NodeOrchestrator<FakeStream, RecordingConnection>({
    nodeId: nodeIdOf(n),
    profile: ASOC_V1,
    community: 'lab',
    apiKey: options.apiKey ?? API_KEY,
    crypto: nodeBackend,
    limits: options.limits,
    admission: options.admission,
    now: () => clock.now,
    unixNow: () => 1_700_000_000_000 + clock.now,
    random: countingRandom(),
    dialRandom: HALF_RANDOM,
    connectTimeoutMs: 5_000,
    maxDialedPeers: 10,
    connector,
    timers: clock,
    drive: (socket, core, lifecycle) => new RecordingConnection(socket, core, lifecycle, clock),
    refuse: (socket) => socket.destroy(),
    reports: {
      peerUp: (conn) => events.push(`up ${conn.peer.key}`),
      authFailed: (_conn, reason, direction) => events.push(`auth-failed ${reason} ${direction}`),
      closed: (_conn, reason) => events.push(`closed ${reason}`),
      refused: (address, reason) => events.push(`refused ${address} ${reason}`),
      discovered: (peer) => events.push(`discovered ${peer.nodeId}`),
      dialStep: (key, step) => events.push(`dial ${key} ${step.type}`),
    },
  });
  return { orchestrator, connector, events };
}

/** Completes `from`'s oldest open connect attempt with a stream to `to`, which accepts it from `fromAddress`. */
function connect(clock: FakeClock, from: TestNode, to: TestNode, fromAddress: string): void {
  const attempt = from.connector.open[0];
  assert.ok(attempt, 'an attempt to complete');
  const { a, b } = streamPair(clock, fromAddress, attempt.host, attempt.port);
  to.orchestrator.accept(b, fromAddress);
  from.connector.complete(attempt, { connected: a });
  clock.settle();
}

const B = { host: '10.0.0.2', port: 9000 };
const A_HEX = bytesToHex(nodeIdOf(1));

test('peer table: a static peer is listed by its address on the dialing side and by its node id on the accepting one', () => {
  const clock = new FakeClock();
  const [a, b] = [node(clock, 1), node(clock, 2)];
  b.orchestrator.start([]);
  a.orchestrator.start([B]);
  assert.deepEqual(a.orchestrator.peers(), [], 'nothing listed before the handshake');
  connect(clock, a, b, '10.0.0.1');
  assert.deepEqual(a.orchestrator.peers(), [{ key: '10.0.0.2:9000', nodeId: null, address: '10.0.0.2', port: 9000, direction: 'outbound', source: 'static' }]);
  assert.deepEqual(b.orchestrator.peers(), [{ key: A_HEX, nodeId: A_HEX, address: '10.0.0.1', port: 40_000, direction: 'inbound', source: 'inbound' }]);
  assert.equal(b.orchestrator.connectionTo(A_HEX)?.peer?.key, A_HEX);
  assert.equal(b.orchestrator.connectionTo('10.0.0.9:1'), undefined);
  assert.deepEqual([a.events.filter((e) => e.startsWith('up')), b.events.filter((e) => e.startsWith('up'))], [['up 10.0.0.2:9000'], [`up ${A_HEX}`]]);
});

test('a closed connection leaves both peer tables, and the static peer is redialed after the backoff (3 s at the middle draw)', () => {
  const clock = new FakeClock();
  const [a, b] = [node(clock, 1), node(clock, 2)];
  b.orchestrator.start([]);
  a.orchestrator.start([B]);
  connect(clock, a, b, '10.0.0.1');
  b.orchestrator.connectionTo(A_HEX)!.close('bye');
  clock.settle();
  assert.deepEqual([a.orchestrator.peers(), b.orchestrator.peers()], [[], []]);
  assert.equal(a.orchestrator.connections.size + b.orchestrator.connections.size, 0);
  assert.deepEqual(a.events.slice(-3), ['closed transport-closed', 'dial 10.0.0.2:9000 disconnected', 'dial 10.0.0.2:9000 retry']);
  clock.advance(2_999);
  assert.equal(a.connector.attempts.length, 1);
  clock.advance(1);
  assert.equal(a.connector.attempts.length, 2, 'redialed');
  connect(clock, a, b, '10.0.0.1');
  assert.equal(a.orchestrator.peers().length, 1, 'back in the table');
});

test('two connections to one peer: the first is listed; when it closes, the other open one takes its place', () => {
  const clock = new FakeClock();
  const [a, b] = [node(clock, 1), node(clock, 2)];
  b.orchestrator.start([]);
  a.orchestrator.start([B, { host: 'b.local', port: 9000 }]);
  connect(clock, a, b, '10.0.0.1');
  connect(clock, a, b, '10.0.0.1');
  assert.equal(b.orchestrator.connections.size, 2);
  assert.equal(b.orchestrator.peers().length, 1, 'one entry per key');
  const first = b.orchestrator.connectionTo(A_HEX)!;
  first.close('first one goes');
  clock.settle();
  const second = b.orchestrator.connectionTo(A_HEX);
  assert.ok(second && second !== first && second.isOpen, 'the other connection is listed now');
  assert.equal(b.orchestrator.peers().length, 1);
});

test('admission: beyond maxConnections an inbound connection is refused and dropped before any handshake', () => {
  const clock = new FakeClock();
  const b = node(clock, 2, { admission: { maxConnections: 1 } });
  b.orchestrator.start([]);
  const first = streamPair(clock, '10.0.0.1', '10.0.0.2');
  const second = streamPair(clock, '10.0.0.3', '10.0.0.2');
  b.orchestrator.accept(first.b, '10.0.0.1');
  b.orchestrator.accept(second.b, '10.0.0.3');
  assert.deepEqual(b.events, ['refused 10.0.0.3 too-many-connections']);
  assert.equal(second.b.destroyed, true);
  assert.equal(first.b.destroyed, false);
  assert.equal(b.orchestrator.connections.size, 1);
});

test('admission: failed authentications lock an address out; a slot held without a HELLO counts as one too', () => {
  const clock = new FakeClock();
  const b = node(clock, 2, { admission: { maxAuthFailures: 3 }, limits: { handshakeTimeoutMs: 1_000 } });
  const intruder = node(clock, 9, { apiKey: new TextEncoder().encode('a wrong key') });
  b.orchestrator.start([]);
  intruder.orchestrator.start([B]);
  connect(clock, intruder, b, '10.0.0.9');
  assert.deepEqual(b.events, ['auth-failed bad-signature inbound', 'closed auth-failed']);
  clock.advance(3_000); // the intruder's redial
  connect(clock, intruder, b, '10.0.0.9');
  // A third connection from the address that never sends its HELLO: the handshake timeout counts.
  const silent = streamPair(clock, '10.0.0.9', '10.0.0.2');
  b.orchestrator.accept(silent.b, '10.0.0.9');
  clock.advance(1_000);
  assert.ok(b.events.includes('closed handshake-timeout'), b.events.join('; '));
  const next = streamPair(clock, '10.0.0.9', '10.0.0.2');
  b.orchestrator.accept(next.b, '10.0.0.9');
  assert.equal(b.events.at(-1), 'refused 10.0.0.9 locked-out');
  const other = streamPair(clock, '10.0.0.1', '10.0.0.2');
  b.orchestrator.accept(other.b, '10.0.0.1');
  assert.equal(other.b.destroyed, false, 'another address is still admitted');
});

test('stop: dialers stop (the attempt in flight is cancelled, no redial) and inbound connections are refused', () => {
  const clock = new FakeClock();
  const a = node(clock, 1);
  a.orchestrator.start([B]);
  assert.equal(a.orchestrator.running, true);
  a.orchestrator.stop();
  assert.equal(a.orchestrator.running, false);
  assert.equal(a.connector.attempts[0]!.cancelled, true);
  clock.advance(120_000);
  assert.equal(a.connector.attempts.length, 1);
  const late = streamPair(clock, '10.0.0.5', '10.0.0.1');
  a.orchestrator.accept(late.b, '10.0.0.5');
  assert.deepEqual(a.events.at(-1), 'refused 10.0.0.5 stopping');
  assert.equal(late.b.destroyed, true);
});

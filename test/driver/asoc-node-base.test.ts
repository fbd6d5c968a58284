/**
 * The node wiring both nodes share (src/driver/asoc-node-base.ts) on a fake environment: a clock
 * that moves only when the test says, in-memory streams, a connector the test completes, counted
 * randomness. Events, waitForPeer and send, the graceful stop and its cut, and what it asks of the
 * environment.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AsocConnection } from '../../src/core/connection.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { AsocNodeBase, STOP_GRACE_MS, type NodeOptions, type SendOptions } from '../../src/driver/asoc-node-base.ts';
import type { SendReceipt } from '../../src/driver/connection-driver.ts';
import type { NodeEnvironment, RandomUse } from '../../src/driver/node-environment.ts';
import type { ConnectionLifecycle } from '../../src/driver/orchestrator.ts';
import { PeerNotFoundError } from '../../src/driver/peer.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { API_KEY, countingRandom, FakeClock, FakeConnector, nodeIdOf, RecordingConnection, streamPair, type FakeStream } from './fakes.ts';

class FakeNodeConnection extends RecordingConnection {
  constructor(
    readonly socket: FakeStream,
    core: AsocConnection,
    lifecycle: ConnectionLifecycle<FakeNodeConnection>,
    clock: FakeClock,
  ) {
    super(socket, core, lifecycle as unknown as ConnectionLifecycle<RecordingConnection>, clock);
  }
}

/** An AsocNodeBase on the fake environment; what the environment was asked is kept. */
class FakeNode extends AsocNodeBase<FakeStream, FakeNodeConnection, Uint8Array> {
  readonly connector: FakeConnector;
  readonly randomUses: RandomUse[];
  readonly cut: FakeStream[];

  constructor(
    private readonly clock: FakeClock,
    options: Partial<NodeOptions> = {},
  ) {
    const connector = new FakeConnector();
    const randomUses: RandomUse[] = [];
    const cut: FakeStream[] = [];
    const env: NodeEnvironment<FakeStream> = {
      now: () => clock.now,
      unixNow: () => 1_700_000_000_000 + clock.now,
      discoveryClock: { now: () => 1_700_000_000_000 + clock.now, deadlineTimer: clock.deadlineTimer },
      timers: clock,
      connector,
      destroy: (socket) => {
        cut.push(socket);
        socket.destroy();
      },
      random: (use) => {
        randomUses.push(use);
        return countingRandom();
      },
      crypto: nodeBackend,
      label: 'fake',
    };
    super(env, { community: 'lab', apiKey: API_KEY, ...options });
    this.connector = connector;
    this.randomUses = randomUses;
    this.cut = cut;
  }

  start(): void {
    this.launch(9000, null);
  }

  stop(): void {
    this.halt(() => {});
  }

  accept(socket: FakeStream, address: string): void {
    this.orchestrator.accept(socket, address);
  }

  protected override drive(socket: FakeStream, core: AsocConnection, lifecycle: ConnectionLifecycle<FakeNodeConnection>): FakeNodeConnection {
    return new FakeNodeConnection(socket, core, lifecycle, this.clock);
  }

  protected override sendOn(conn: FakeNodeConnection, source: Uint8Array, _options: SendOptions): Promise<SendReceipt> {
    return new Promise((resolve, reject) =>
      conn.sendStream(source, 60_000, (outcome) => (outcome instanceof Error ? reject(outcome) : resolve({ streamId: 0, ...outcome, confirmed: true, elapsedMs: 0 }))),
    );
  }
}

/** Every event of `node`, as text, in order. */
function record(node: FakeNode): string[] {
  const log: string[] = [];
  node.on('peer-up', (peer) => log.push(`peer-up ${peer.key} ${peer.direction}`));
  node.on('peer-down', ({ peer, reason }) => log.push(`peer-down ${peer.key} ${reason}`));
  node.on('connection-closed', (c) => log.push(`connection-closed ${c.address}:${c.port} ${c.direction} ${c.reason} established=${c.established}`));
  node.on('auth-failed', (f) => log.push(`auth-failed ${f.address} ${f.reason} ${f.direction}`));
  node.on('refused', (r) => log.push(`refused ${r.address} ${r.reason}`));
  return log;
}

const B = { host: '10.0.0.2', port: 9000 };

/** `a` dials `b` (a static peer) and the handshake completes. */
function connectedPair(options: { bKey?: Uint8Array } = {}) {
  const clock = new FakeClock();
  const a = new FakeNode(clock, { nodeId: nodeIdOf(1), staticPeers: [B] });
  const b = new FakeNode(clock, { nodeId: nodeIdOf(2), ...(options.bKey ? { apiKey: options.bKey } : {}) });
  const [aLog, bLog] = [record(a), record(b)];
  b.start();
  a.start();
  const attempt = a.connector.open[0]!;
  const { a: aEnd, b: bEnd } = streamPair(clock, '10.0.0.1', attempt.host, attempt.port);
  b.accept(bEnd, '10.0.0.1');
  a.connector.complete(attempt, { connected: aEnd });
  clock.settle();
  return { clock, a, b, aLog, bLog, aEnd, bEnd };
}

test("the orchestration's reports become the node's events, on both sides", () => {
  const { a, b, aLog, bLog } = connectedPair();
  const aHex = bytesToHex(nodeIdOf(1));
  assert.deepEqual(aLog, ['peer-up 10.0.0.2:9000 outbound']);
  assert.deepEqual(bLog, [`peer-up ${aHex} inbound`]);
  assert.deepEqual(
    a.peers().map((p) => p.key),
    ['10.0.0.2:9000'],
  );
  assert.equal(b.connectionCount, 1);
});

test('a failed handshake is an auth-failed and a connection-closed that never was established, without a peer-down', () => {
  const { bLog } = connectedPair({ bKey: new TextEncoder().encode('another key') });
  assert.ok(bLog.some((e) => e.startsWith('auth-failed 10.0.0.1 ') && e.endsWith(' inbound')), bLog.join('; '));
  assert.ok(bLog.some((e) => e.startsWith('connection-closed 10.0.0.1:40000 inbound ') && e.endsWith('established=false')), bLog.join('; '));
  assert.ok(!bLog.some((e) => e.startsWith('peer-down') || e.startsWith('peer-up')), bLog.join('; '));
});

test('send resolves with the receipt; to a peer not connected it rejects at once, naming the node and who is connected', async () => {
  const { clock, a } = connectedPair();
  const sending = a.send('10.0.0.2:9000', new Uint8Array(5000));
  clock.settle();
  assert.deepEqual({ ...(await sending), streamId: 0 }, { streamId: 0, bytes: 5000, frames: 1, confirmed: true, elapsedMs: 0 });
  await assert.rejects(a.send('10.9.9.9:1', new Uint8Array(1)), (err: Error) => err instanceof PeerNotFoundError && err.message === 'fake: no connected peer "10.9.9.9:1" (connected: 10.0.0.2:9000)');
});

test("waitForPeer resolves with a peer that is up, and otherwise gives up on the environment's clock, saying why dials fail", async () => {
  const clock = new FakeClock();
  const a = new FakeNode(clock, { staticPeers: [B] });
  a.start();
  a.connector.complete(a.connector.open[0]!, { failed: 'connect ECONNREFUSED 10.0.0.2:9000' });
  const waiting = a.waitForPeer(undefined, 2_000);
  let settled = false;
  waiting.then(
    () => (settled = true),
    () => (settled = true),
  );
  clock.advance(1_999);
  await Promise.resolve();
  assert.equal(settled, false, 'still waiting 1 ms before the timeout');
  clock.advance(1);
  await assert.rejects(waiting, (err: Error) => err instanceof PeerNotFoundError && /^fake: no matching peer within 2000 ms \(connected: none; dialing 10\.0\.0\.2:9000: connect ECONNREFUSED/.test(err.message));

  const { a: up } = connectedPair();
  assert.equal((await up.waitForPeer('10.0.0.2:9000', 1)).key, '10.0.0.2:9000');
});

test('stop closes every connection gracefully (FIN, peer-down) and cuts the sockets still open STOP_GRACE_MS later', () => {
  const { clock, a, aLog, aEnd } = connectedPair();
  a.stop();
  clock.settle();
  assert.equal(a.running, false);
  assert.ok(aEnd.finSent, 'FIN after what was queued');
  assert.deepEqual(aLog.slice(1), ['peer-down 10.0.0.2:9000 local', 'connection-closed 10.0.0.2:9000 outbound local established=true']);
  clock.advance(STOP_GRACE_MS - 1);
  assert.deepEqual(a.cut, [], 'not cut within the grace period');
  clock.advance(1);
  assert.deepEqual(a.cut, [aEnd]);
});

test('randomness is asked of the environment once per use; a node id or identity given is not drawn', () => {
  const clock = new FakeClock();
  assert.deepEqual(new FakeNode(clock).randomUses.sort(), ['connections', 'dialing', 'discovery', 'identity', 'node-id']);
  assert.deepEqual(new FakeNode(clock, { nodeId: nodeIdOf(7), identity: new Uint8Array(32).fill(9) }).randomUses.sort(), ['connections', 'dialing', 'discovery']);
  assert.throws(() => new FakeNode(clock, { nodeId: new Uint8Array(3) }), { name: 'TypeError', message: 'nodeId must be 16 bytes' });
  assert.throws(() => new FakeNode(clock, { community: '' }), { name: 'TypeError', message: 'community is required' });
});

/** How many frames a message costs on real sockets: asoc-hardened's END carries the last bytes, v1's stays empty. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { AsocConnection } from '../../src/core/connection.ts';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import type { ConnectionLifecycle } from '../../src/driver/orchestrator.ts';
import { AsocNode } from '../../src/net/node.ts';
import type { ByteSource, SocketConnection } from '../../src/net/socket-connection.ts';
import { hashStream } from '../support/hash-stream.ts';

const KEY = randomBytes(32).toString('hex');

/** A node that keeps its connections, so the test can read their frame counts. */
class WatchedNode extends AsocNode {
  readonly connections: SocketConnection[] = [];
  protected override drive(socket: net.Socket, core: AsocConnection, lifecycle: ConnectionLifecycle<SocketConnection>): SocketConnection {
    const conn = super.drive(socket, core, lifecycle);
    this.connections.push(conn);
    return conn;
  }
}

async function* later(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** Frames the sender's connection sent for `source` (a stream, confirmed by its receipt), and what the receiver got. */
async function framesFor(profile: AsocProfile, source: () => ByteSource): Promise<{ frames: number; receivedBytes: number }> {
  const b = new WatchedNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile });
  await b.start();
  const a = new WatchedNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile, staticPeers: [`127.0.0.1:${b.address.port}`] });
  await a.start();
  try {
    const received = new Promise<{ bytes: number }>((resolve) => b.on('stream', (s) => resolve(hashStream(s))));
    const peer = await a.waitForPeer(undefined, 10_000);
    const stats = a.connections[0]!.core.stats;
    const before = stats.framesSent;
    const receipt = await a.send(peer.key, source());
    assert.equal(receipt.confirmed, true);
    return { frames: stats.framesSent - before, receivedBytes: (await received).bytes };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

for (const profile of [ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED]) {
  test(`${profile.name}: a 1 KiB message is one frame (END carries it); three chunks are three frames; an async source's last chunk still goes in DATA`, async () => {
    assert.deepEqual(await framesFor(profile, () => randomBytes(1024)), { frames: 1, receivedBytes: 1024 });
    assert.deepEqual(await framesFor(profile, () => [randomBytes(10), randomBytes(20), randomBytes(30)]), { frames: 3, receivedBytes: 60 });
    assert.deepEqual(await framesFor(profile, () => later(randomBytes(10), randomBytes(20))), { frames: 3, receivedBytes: 30 });
    assert.deepEqual(await framesFor(profile, () => new Uint8Array(0)), { frames: 1, receivedBytes: 0 });
  });
}

test('asoc-v1: a 1 KiB message is still DATA then an empty END', async () => {
  assert.deepEqual(await framesFor(ASOC_V1, () => randomBytes(1024)), { frames: 2, receivedBytes: 1024 });
});

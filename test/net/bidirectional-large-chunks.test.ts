import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { AsocNode } from '../../src/net/node.ts';

const MiB = 1024 * 1024;

test('both peers sending 4 MiB chunks at once: every byte arrives both ways (no read stall on either side)', async () => {
  const apiKey = randomBytes(32).toString('hex');
  const chunk = new Uint8Array(randomBytes(4 * MiB));
  const chunks = Array.from({ length: 8 }, () => chunk); // 32 MiB each way
  const expected = createHash('sha256');
  for (const c of chunks) expected.update(c);
  const digest = expected.digest('hex');
  const a = new AsocNode({ community: 'bidir', apiKey, host: '127.0.0.1', port: 0, discovery: false });
  await a.start();
  const b = new AsocNode({ community: 'bidir', apiKey, host: '127.0.0.1', port: 0, discovery: false, staticPeers: [`127.0.0.1:${a.address.port}`] });
  const received = (node: AsocNode) =>
    new Promise<string>((resolve, reject) =>
      node.once('stream', async (stream) => {
        const hash = createHash('sha256');
        try {
          for await (const piece of stream) hash.update(piece);
          resolve(hash.digest('hex'));
        } catch (err) {
          reject(err);
        }
      }),
    );
  const atA = received(a);
  const atB = received(b);
  try {
    await b.start();
    const peerOfB = await b.waitForPeer(undefined, 5_000);
    const peerOfA = await a.waitForPeer(undefined, 5_000);
    // Before sends were cut into frames, both sides stopped reading here and the v1 send timeout closed the connection.
    await Promise.all([a.send(peerOfA.key, chunks), b.send(peerOfB.key, chunks)]);
    assert.equal(await atA, digest);
    assert.equal(await atB, digest);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

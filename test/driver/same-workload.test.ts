/**
 * One workload, written once against AsocNodeApi, runs unchanged on AsocNode over loopback sockets
 * and on SimAsocNode in the simulator: the same promise-based send, waitForPeer and 'stream' events.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { AsocNodeApi } from '../../src/driver/asoc-node-base.ts';
import type { IncomingStream } from '../../src/driver/incoming-stream.ts';
import { AsocNode } from '../../src/net/node.ts';
import { buildCluster, runWorkload } from '../../sim/asoc/index.ts';
import { hashStream } from '../support/hash-stream.ts';
import { seededRandom } from '../support/random.ts';

/**
 * The workload: `sender` sends every stream at once to its one peer, `receiver`; each send resolves
 * with the receiver's receipt, and the receiver's SHA-256 of each stream matches what was sent.
 * Returns the receiver's digests in the order of `streams`.
 */
async function sendAndVerify(sender: AsocNodeApi, receiver: AsocNodeApi, streams: Uint8Array[]): Promise<string[]> {
  const arrived = new Map<number, Promise<{ bytes: number; sha256: string }>>();
  const onStream = (stream: IncomingStream) => arrived.set(stream.streamId, hashStream(stream));
  receiver.on('stream', onStream);
  try {
    const peer = await sender.waitForPeer(undefined, 10_000);
    const receipts = await Promise.all(streams.map((bytes) => sender.send(peer.key, bytes)));
    return await Promise.all(
      receipts.map(async (receipt, i) => {
        const sent = streams[i]!;
        assert.equal(receipt.confirmed, true, `stream ${i} confirmed by the receiver's receipt`);
        assert.equal(receipt.bytes, sent.length, `stream ${i}: the receipt's byte count`);
        const delivered = await arrived.get(receipt.streamId);
        assert.ok(delivered, `stream ${i} (id ${receipt.streamId}) reached the receiver's 'stream' listener`);
        assert.deepEqual(delivered, { bytes: sent.length, sha256: sha256(sent) }, `stream ${i} arrived whole`);
        return delivered.sha256;
      }),
    );
  } finally {
    receiver.off('stream', onStream);
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Streams of several sizes (one of a single byte, one of two frames), of seeded random bytes. */
function testStreams(): Uint8Array[] {
  const random = seededRandom('same workload');
  return [1, 70_000, 1024 * 1024 + 17, 250_000].map((length) => random.bytes(length));
}

const STREAMS = testStreams();
const EXPECTED = STREAMS.map(sha256);
const API_KEY = 'the same workload on sockets and in the simulator';

test('the workload runs on AsocNode over loopback', async () => {
  const receiver = new AsocNode({ community: 'lab', apiKey: API_KEY, host: '127.0.0.1', port: 0, discovery: false });
  await receiver.start();
  const sender = new AsocNode({ community: 'lab', apiKey: API_KEY, host: '127.0.0.1', port: 0, discovery: false, staticPeers: [`127.0.0.1:${receiver.address.port}`] });
  await sender.start();
  try {
    assert.deepEqual(await sendAndVerify(sender, receiver, STREAMS), EXPECTED);
  } finally {
    await Promise.all([sender.stop(), receiver.stop()]);
  }
});

test('the same workload runs on SimAsocNode in the simulator, the same way on every run', async () => {
  const simulate = async () => {
    const cluster = buildCluster({ seed: 3, size: 2, topology: 'mesh' });
    const [sender, receiver] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    cluster.start();
    const digests = await runWorkload(cluster.sim.scheduler, () => sendAndVerify(sender, receiver, STREAMS));
    return { digests, finishedAt: cluster.sim.scheduler.now, trace: cluster.sim.trace.digest() };
  };
  const first = await simulate();
  assert.deepEqual(first.digests, EXPECTED);
  assert.ok(first.finishedAt > 0, 'virtual time passed');
  assert.deepEqual(await simulate(), first, 'a second run is the same event for event');
});

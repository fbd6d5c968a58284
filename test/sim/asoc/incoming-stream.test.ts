/**
 * The simulated node hands inbound streams to a 'stream' listener as IncomingStreams, with the same
 * receive window as the real-socket node: a reader that falls behind holds the sender back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingStream } from '../../../src/driver/incoming-stream.ts';
import { buildCluster, generatedStreamSha256, runWorkload, type Transfer } from '../../../sim/asoc/index.ts';
import { hashStream } from '../../support/hash-stream.ts';

const MiB = 1024 * 1024;
const WINDOW = 256 * 1024;
const SENT = 3 * MiB;
/** Pieces the sender hands its core, well below the windows. */
const PIECE = 64 * 1024;

test('a receiver that does not read holds the sender back at its receive window; reading lets the rest through', async () => {
  // Send window and TCP buffers of 256 KiB: what the sender can have in flight is bounded well below the 3 MiB it sends.
  const tcp = { sendBufferBytes: WINDOW, receiveBufferBytes: WINDOW };
  const cluster = buildCluster({ seed: 7, size: 2, topology: 'mesh', host: { tcp }, node: { flow: { sendWindow: WINDOW, receiveWindow: WINDOW } } });
  const [sender, receiver] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
  const streams: IncomingStream[] = [];
  receiver.on('stream', (stream) => streams.push(stream));
  let transfer: Transfer | null = null;
  sender.on('peer-up', (peer) => (transfer = sender.transfer(peer.key, SENT, { chunkSize: PIECE })));
  cluster.start();
  // 3 MiB cross the 1 Gbit/s switch in about 30 ms when the receiver keeps up.
  cluster.sim.scheduler.runUntilTime(2_000);
  const [stream] = streams;
  assert.ok(stream && transfer, 'the stream was opened');
  const sending = transfer as Transfer;
  assert.ok(stream.bytesReceived > WINDOW && stream.bytesReceived < WINDOW + 64 * 1024, `took ${stream.bytesReceived} bytes in without reading`);
  assert.equal(sending.settled, false, 'the send waits for the reader');
  // The core's send window, both TCP buffers and the receive window: about 1 MiB.
  assert.ok(sending.bytesQueued <= 1.5 * MiB, `queued ${sending.bytesQueued} bytes`);

  const read = await runWorkload(cluster.sim.scheduler, () => hashStream(stream));
  assert.deepEqual(read, { bytes: SENT, sha256: generatedStreamSha256(SENT, PIECE) });
  assert.ok(cluster.sim.scheduler.runUntil(() => sending.settled, { maxTime: 60_000 }));
  assert.equal(sending.state, 'done');
  assert.equal(sending.receipt?.bytes, SENT);
});

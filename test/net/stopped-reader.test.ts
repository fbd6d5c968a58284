import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AsocNode } from '../../src/net/node.ts';
import { ConnectionClosedError } from '../../src/driver/connection-driver.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../src/core/profile.ts';
import { STOP_GRACE_MS } from '../../src/driver/asoc-node-base.ts';
import { stoppedReader, type StoppedReader } from '../../bench/rogue-peers.ts';

const MiB = 1024 * 1024;
const KEY = randomBytes(32).toString('hex');
/** Short, so the test takes seconds; RFC-0001's default is 10 s. */
const STALL_MS = 1_500;
/** A send to a stopped reader must have rejected by then (the stall clock starts once the socket buffers are full). */
const BOUND_MS = 15_000;

function* pieces(total: number): Generator<Uint8Array> {
  const piece = new Uint8Array(MiB);
  for (let at = 0; at < total; at += MiB) yield piece;
}

for (const profile of [ASOC_V1, ASOC_HARDENED]) {
  test(`${profile.name}: send() to a peer that stopped reading rejects with send-timeout; another peer is served meanwhile`, async (t) => {
    const server = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile, limits: { sendStallTimeoutMs: STALL_MS } });
    await server.start();
    const healthy = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile, staticPeers: [`127.0.0.1:${server.address.port}`] });
    healthy.on('stream', (s) => void s.discard());
    await healthy.start();
    const readers: StoppedReader[] = [];
    try {
      const healthyPeer = await server.waitForPeer(healthy.nodeIdHex, 10_000);
      const alone = await server.send(healthyPeer.key, pieces(32 * MiB));
      const outcomes: string[] = [];
      const settled = (name: string, p: Promise<unknown>) =>
        p.then(
          () => outcomes.push(`${name}: delivered`),
          (err: Error) => {
            outcomes.push(`${name}: ${err instanceof ConnectionClosedError ? err.reason : err.name}`);
            return err;
          },
        );
      // Confirmed and unconfirmed sends, each to its own stopped reader: both wait on bytes the
      // reader's kernel will not take, not on the core.
      const sends: Promise<unknown>[] = [];
      const known = new Set([healthyPeer.key]);
      for (const confirm of [true, false]) {
        readers.push(await stoppedReader({ port: server.address.port }, profile, KEY));
        const peer = await server.waitForPeer((p) => !known.has(p.key), 10_000);
        known.add(peer.key);
        sends.push(settled(`stopped reader (confirm: ${confirm})`, server.send(peer.key, pieces(256 * MiB), { confirm })));
      }
      // The healthy peer is served while the stopped readers' sends are stuck.
      const receipt = await server.send(healthyPeer.key, pieces(32 * MiB));
      assert.equal(receipt.bytes, 32 * MiB);
      assert.equal(outcomes.length, 0, `the healthy transfer finished first: ${outcomes.join(', ')}`);
      // Its speed is reported, not asserted (no timed tests): with the stuck sends it should match its speed alone.
      const speed = (r: { bytes: number; elapsedMs: number }) => `${((r.bytes / MiB / r.elapsedMs) * 1000).toFixed(0)} MiB/s`;
      t.diagnostic(`healthy peer, 32 MiB: ${speed(alone)} alone, ${speed(receipt)} beside two stopped readers`);
      const errors = await Promise.race([Promise.all(sends), new Promise((resolve) => setTimeout(() => resolve('pending'), BOUND_MS).unref())]);
      assert.notEqual(errors, 'pending', `sends to stopped readers still pending after ${BOUND_MS} ms`);
      assert.deepEqual(outcomes.sort(), ['stopped reader (confirm: false): send-timeout', 'stopped reader (confirm: true): send-timeout']);
      for (const err of errors as ConnectionClosedError[]) assert.match(err.message, /not delivered for 1500 ms .*the peer stopped reading/);
      // The healthy connection is still up and still carries streams.
      assert.deepEqual(server.peers().map((p) => p.key), [healthyPeer.key]);
      assert.equal((await server.send(healthyPeer.key, pieces(4 * MiB))).bytes, 4 * MiB);
    } finally {
      for (const r of readers) r.close();
      await Promise.all([server.stop(), healthy.stop()]);
    }
  });
}

test('stop() while a send to a stopped reader waits on bytes in the kernel: the send rejects with local, and stop() resolves', async () => {
  const server = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile: ASOC_V1 });
  await server.start();
  let reader: StoppedReader | undefined;
  try {
    reader = await stoppedReader({ port: server.address.port }, ASOC_V1, KEY);
    const peer = await server.waitForPeer(undefined, 10_000);
    const send = server.send(peer.key, pieces(256 * MiB)).then(
      () => 'delivered',
      (err: Error) => err,
    );
    // Long enough for the socket buffers to fill; far short of the default 10 s send timeout.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stopped = server.stop();
    const outcome = await Promise.race([send, new Promise((resolve) => setTimeout(() => resolve('pending'), STOP_GRACE_MS + 2_000).unref())]);
    assert.ok(outcome instanceof ConnectionClosedError, `the send: ${String(outcome)}`);
    assert.equal(outcome.reason, 'local');
    assert.notEqual(await Promise.race([stopped, new Promise((resolve) => setTimeout(() => resolve('pending'), STOP_GRACE_MS + 2_000).unref())]), 'pending', 'stop() still pending');
  } finally {
    reader?.close();
    await server.stop();
  }
});

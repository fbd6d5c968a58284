import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AsocNode } from '../../src/net/node.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../src/core/profile.ts';
import { encodeHeader, FrameType } from '../../src/wire/frame.ts';
import { establishedPeer } from '../../bench/rogue-peers.ts';

const KEY = randomBytes(32).toString('hex');
/** Far beyond the 300 ms deadline: a connection still open by then is held open indefinitely (the test fails, it does not hang). */
const BOUND_MS = 10_000;

for (const profile of [ASOC_V1, ASOC_HARDENED]) {
  test(`${profile.name}: after the handshake, 7 bytes of a header and then silence: the node closes the connection (partial-frame-timeout)`, async () => {
    const server = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile, limits: { partialFrameTimeoutMs: 300 } });
    await server.start();
    try {
      const closed = new Promise<{ reason: string; detail: string }>((resolve) => server.once('peer-down', ({ reason, detail }) => resolve({ reason, detail })));
      const { socket } = await establishedPeer({ port: server.address.port }, profile, KEY);
      const socketClosed = new Promise((resolve) => socket.once('close', resolve));
      socket.write(encodeHeader(FrameType.DATA, 1, 0, 1024, profile.wireVersion).subarray(0, 7));
      const bound = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), BOUND_MS).unref());
      assert.deepEqual(await Promise.race([closed, bound]), { reason: 'partial-frame-timeout', detail: '7 bytes of an unfinished frame, then nothing for 300 ms' });
      assert.notEqual(await Promise.race([socketClosed, bound]), 'still open', 'the socket was not closed');
    } finally {
      await server.stop();
    }
  });
}

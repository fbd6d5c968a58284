/**
 * The stt profile on real sockets (AsocNode), with nothing in the node told about it: the same
 * profile runs on the simulator's driver in test/sim/asoc/stt.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { AsocNode } from '../../src/net/node.ts';
import type { IncomingStream } from '../../src/net/incoming-stream.ts';
import { STT, type AsocProfile } from '../../src/core/profile.ts';
import type { SttSecurity } from '../../src/core/stt-handshake.ts';

const MiB = 1024 * 1024;
const KEY = randomBytes(32).toString('hex');
/** Keys rotating every MiB, every 50 frames or every 20 ms, whichever comes first. */
const ROTATING: AsocProfile = { ...STT, security: { ...(STT.security as SttSecurity), rotation: { bytes: MiB, messages: 50, ms: 20 } } };

function pattern(total: number, salt: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < total; at += 256 * 1024) chunks.push(Uint8Array.from({ length: Math.min(256 * 1024, total - at) }, (_, i) => (at + i + salt) & 0xff));
  return chunks;
}

function sha256(chunks: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  return hash.digest('hex');
}

async function hashStream(stream: IncomingStream): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of stream) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

for (const profile of [STT, ROTATING]) {
  test(`stt on real sockets${profile === ROTATING ? ', keys rotating by bytes, frames and time' : ''}: streams both ways arrive with equal SHA-256`, async () => {
    const b = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile });
    await b.start();
    const a = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile, staticPeers: [`127.0.0.1:${b.address.port}`] });
    await a.start();
    try {
      const atB = new Map<number, Promise<{ bytes: number; sha256: string }>>();
      const atA = new Map<number, Promise<{ bytes: number; sha256: string }>>();
      b.on('stream', (s) => atB.set(s.streamId, hashStream(s)));
      a.on('stream', (s) => atA.set(s.streamId, hashStream(s)));
      const peerOfA = await a.waitForPeer(undefined, 10_000);
      const peerOfB = await b.waitForPeer(undefined, 10_000);
      const up = [pattern(8 * MiB, 1), pattern(MiB + 17, 2)];
      const down = pattern(3 * MiB + 5, 3);
      const receipts = await Promise.all([...up.map((chunks) => a.send(peerOfA.key, chunks)), b.send(peerOfB.key, down)]);
      assert.ok(receipts.every((r) => r.confirmed));
      assert.deepEqual(await atB.get(1), { bytes: 8 * MiB, sha256: sha256(up[0]!) });
      assert.deepEqual(await atB.get(3), { bytes: MiB + 17, sha256: sha256(up[1]!) });
      assert.deepEqual(await atA.get(2), { bytes: 3 * MiB + 5, sha256: sha256(down) });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { AsocNode, type AsocNodeOptions } from '../../src/net/node.ts';
import { ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED, ASOC_V1 } from '../../src/core/profile.ts';
import { StreamAbortedError, type IncomingStream } from '../../src/driver/incoming-stream.ts';
import { signHello } from '../../src/core/v1-auth.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { encodeFrame, FrameType } from '../../src/wire/frame.ts';
import { hashStream } from '../support/hash-stream.ts';

const MiB = 1024 * 1024;
const KEY = randomBytes(32).toString('hex');

function loopbackNode(extra: Partial<AsocNodeOptions> = {}): AsocNode {
  return new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, ...extra });
}

async function startedPair(extra: Partial<AsocNodeOptions> = {}): Promise<{ a: AsocNode; b: AsocNode; stop: () => Promise<void> }> {
  const b = loopbackNode(extra);
  await b.start();
  const a = loopbackNode({ ...extra, staticPeers: [`127.0.0.1:${b.address.port}`] });
  await a.start();
  return { a, b, stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
}

/** Deterministic bytes, so sender and receiver agree on the hash without sharing memory. */
function* chunksOf(total: number, chunk: number, salt: number): Generator<Uint8Array> {
  for (let at = 0; at < total; at += chunk) {
    const n = Math.min(chunk, total - at);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4096) out[i] = (at / 4096 + i / 4096 + salt) & 0xff;
    yield out;
  }
}

function sha256Of(total: number, chunk: number, salt: number): string {
  const hash = createHash('sha256');
  for (const c of chunksOf(total, chunk, salt)) hash.update(c);
  return hash.digest('hex');
}

function collectStreams(node: AsocNode): Map<number, Promise<{ bytes: number; sha256: string }>> {
  const streams = new Map<number, Promise<{ bytes: number; sha256: string }>>();
  node.on('stream', (s) => streams.set(s.streamId, hashStream(s)));
  return streams;
}

test('64 MiB in 1 MiB chunks plus three concurrent streams each way arrive with equal SHA-256', async () => {
  const { a, b, stop } = await startedPair();
  try {
    const atB = collectStreams(b);
    const atA = collectStreams(a);
    const peerOfA = await a.waitForPeer(undefined, 10_000);
    const peerOfB = await b.waitForPeer(undefined, 10_000);
    const big = { total: 64 * MiB, chunk: MiB, salt: 1 };
    const small = [3, 5, 7].map((salt) => ({ total: 5 * MiB + salt * 1000, chunk: 256 * 1024, salt }));
    const sends = [
      a.send(peerOfA.key, chunksOf(big.total, big.chunk, big.salt)),
      ...small.map((s) => a.send(peerOfA.key, chunksOf(s.total, s.chunk, s.salt))),
      ...small.map((s) => b.send(peerOfB.key, chunksOf(s.total, s.chunk, s.salt + 100))),
    ];
    const receipts = await Promise.all(sends);
    assert.ok(receipts.every((r) => r.confirmed));
    assert.deepEqual(receipts.map((r) => r.streamId), [1, 3, 5, 7, 2, 4, 6]);
    assert.deepEqual(await atB.get(1), { bytes: big.total, sha256: sha256Of(big.total, big.chunk, big.salt) });
    assert.equal(receipts[0]!.frames, 64);
    for (const [i, s] of small.entries()) {
      assert.deepEqual(await atB.get(3 + 2 * i), { bytes: s.total, sha256: sha256Of(s.total, s.chunk, s.salt) });
      assert.deepEqual(await atA.get(2 + 2 * i), { bytes: s.total, sha256: sha256Of(s.total, s.chunk, s.salt + 100) });
    }
  } finally {
    await stop();
  }
});

for (const profile of [ASOC_HARDENED, ASOC_HARDENED_ENCRYPTED]) {
  test(`${profile.name} on real sockets: 32 MiB plus concurrent streams each way arrive with equal SHA-256; both sides know each other's id`, async () => {
    const { a, b, stop } = await startedPair({ profile });
    try {
      const atB = collectStreams(b);
      const atA = collectStreams(a);
      const peerOfA = await a.waitForPeer(undefined, 10_000);
      const peerOfB = await b.waitForPeer(undefined, 10_000);
      assert.equal(peerOfB.nodeId, Buffer.from(a.nodeId).toString('hex'));
      const big = { total: 32 * MiB, chunk: MiB, salt: 11 };
      const small = { total: 3 * MiB + 17, chunk: 64 * 1024, salt: 12 };
      const receipts = await Promise.all([
        a.send(peerOfA.key, chunksOf(big.total, big.chunk, big.salt)),
        b.send(peerOfB.key, chunksOf(small.total, small.chunk, small.salt)),
      ]);
      assert.ok(receipts.every((r) => r.confirmed));
      assert.deepEqual(await atB.get(1), { bytes: big.total, sha256: sha256Of(big.total, big.chunk, big.salt) });
      assert.deepEqual(await atA.get(2), { bytes: small.total, sha256: sha256Of(small.total, small.chunk, small.salt) });
    } finally {
      await stop();
    }
  });
}

test('a v1 node dialing an asoc-hardened node is closed with version-mismatch and never becomes its peer', async () => {
  const hardened = loopbackNode({ profile: ASOC_HARDENED });
  await hardened.start();
  const v1 = loopbackNode({ profile: ASOC_V1, staticPeers: [`127.0.0.1:${hardened.address.port}`] });
  try {
    const closed = new Promise<string>((resolve) => hardened.on('connection-closed', (e) => resolve(e.reason)));
    await v1.start();
    assert.equal(await closed, 'version-mismatch');
    assert.equal(hardened.peers().length, 0);
    assert.equal(v1.peers().length, 0);
  } finally {
    await Promise.all([v1.stop(), hardened.stop()]);
  }
});

test('a slow reader holds the sender back: memory stays bounded while 256 MiB flow', async () => {
  const { a, b, stop } = await startedPair();
  try {
    let peakUnread = 0;
    let received = 0;
    b.on('stream', async (s) => {
      for await (const piece of s) {
        received += piece.length;
        peakUnread = Math.max(peakUnread, s.bytesReceived - received);
        if (received % (8 * MiB) < piece.length) await new Promise((r) => setTimeout(r, 5));
      }
    });
    const peer = await a.waitForPeer(undefined, 10_000);
    const baseline = process.memoryUsage().arrayBuffers;
    let peakBuffers = 0;
    const sampler = setInterval(() => (peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers - baseline)), 2);
    const receipt = await a.send(peer.key, chunksOf(256 * MiB, MiB, 9));
    clearInterval(sampler);
    assert.equal(receipt.bytes, 256 * MiB);
    assert.ok(peakUnread <= 16 * MiB + 4 * MiB, `unread bytes at the receiver peaked at ${peakUnread}`);
    assert.ok(peakBuffers < 128 * MiB, `ArrayBuffer memory grew by ${peakBuffers} bytes while sending 256 MiB`);
  } finally {
    await stop();
  }
});

test('a node with the wrong key never joins; the server closes without sending a byte', async () => {
  const server = loopbackNode();
  await server.start();
  const failures: string[] = [];
  server.on('auth-failed', (e) => failures.push(e.reason));
  const socket = net.connect(server.address.port, '127.0.0.1');
  await once(socket, 'connect');
  const hello = signHello({ crypto: nodeBackend, apiKey: new TextEncoder().encode('wrong key') }, new Uint8Array(16), 7);
  socket.write(encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: hello }));
  let received = 0;
  socket.on('data', (d) => (received += d.length));
  await once(socket, 'close');
  assert.equal(received, 0);
  assert.deepEqual(failures, ['bad-signature']);
  assert.equal(server.peers().length, 0);
  await server.stop();
});

test('after 5 failed authentications an address is locked out; other connections are unharmed', async () => {
  const { a, b, stop } = await startedPair();
  try {
    await a.waitForPeer(undefined, 10_000);
    const refused: string[] = [];
    b.on('refused', (e) => refused.push(e.reason));
    const badHello = encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: signHello({ crypto: nodeBackend, apiKey: new TextEncoder().encode('guess') }, new Uint8Array(16), 1) });
    for (let i = 0; i < 6; i++) {
      const socket = net.connect(b.address.port, '127.0.0.1');
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.write(badHello);
      await once(socket, 'close');
    }
    assert.deepEqual(refused, ['locked-out']);
    const peer = await a.waitForPeer(undefined, 1000);
    const receipt = await a.send(peer.key, new Uint8Array(1000));
    assert.equal(receipt.bytes, 1000);
  } finally {
    await stop();
  }
});

test('a sender killed mid-stream: that stream ends with a clean error, the other streams are intact', async () => {
  const receiver = loopbackNode();
  await receiver.start();
  const outcomes = new Map<string, Promise<unknown>>();
  receiver.on('stream', (s) => outcomes.set(s.peer.key, hashStream(s).catch((err: unknown) => err)));
  const healthy = loopbackNode({ staticPeers: [`127.0.0.1:${receiver.address.port}`] });
  await healthy.start();
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fixtures/endless-sender.ts', import.meta.url).pathname, String(receiver.address.port)], {
    env: { ...process.env, ASOC_API_KEY: KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    assert.match(line.toString(), /sending/);
    const healthyPeer = await healthy.waitForPeer(undefined, 10_000);
    const healthySend = healthy.send(healthyPeer.key, chunksOf(32 * MiB, MiB, 4));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const victimKey = [...outcomes.keys()].find((k) => k !== healthy.nodeIdHex)!;
    const victim = await outcomes.get(victimKey);
    assert.ok(victim instanceof StreamAbortedError, `expected StreamAbortedError, got ${String(victim)}`);
    assert.equal(victim.reason, 'transport-closed');
    assert.ok(victim.bytesReceived > 0);
    assert.equal((await healthySend).bytes, 32 * MiB);
    assert.deepEqual(await outcomes.get(healthy.nodeIdHex), { bytes: 32 * MiB, sha256: sha256Of(32 * MiB, MiB, 4) });
  } finally {
    child.kill('SIGKILL');
    await Promise.all([receiver.stop(), healthy.stop()]);
  }
});

test('a static peer that is not up yet is redialed until it is', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const dialer = loopbackNode({ staticPeers: [`127.0.0.1:${port}`] });
  await dialer.start();
  const late = loopbackNode({ port });
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dialer.peers().length, 0);
    await late.start();
    const peer = await dialer.waitForPeer(undefined, 8_000);
    assert.equal(peer.key, `127.0.0.1:${port}`);
  } finally {
    await Promise.all([dialer.stop(), late.stop()]);
  }
});

test('connections beyond the limit are refused before their handshake', async () => {
  const server = loopbackNode({ admission: { maxConnections: 2 } });
  await server.start();
  const refused: string[] = [];
  server.on('refused', (e) => refused.push(e.reason));
  const clients = [0, 1, 2].map(() => loopbackNode({ staticPeers: [`127.0.0.1:${server.address.port}`] }));
  try {
    await Promise.all(clients.map((c) => c.start()));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(server.peers().length, 2);
    assert.deepEqual(refused, ['too-many-connections']);
  } finally {
    await Promise.all([server.stop(), ...clients.map((c) => c.stop())]);
  }
});

test('discovery on loopback: two nodes find each other and connect', async () => {
  const probe = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const discovery = { port: probe, broadcastAddress: '127.255.255.255' };
  const a = loopbackNode({ discovery });
  const b = loopbackNode({ discovery });
  try {
    const found = once(a, 'discovered');
    await Promise.all([a.start(), b.start()]);
    const [seen] = (await found) as [{ nodeId: string }];
    assert.equal(seen.nodeId, b.nodeIdHex);
    const peer = await a.waitForPeer(b.nodeIdHex, 10_000);
    assert.equal(peer.nodeId, b.nodeIdHex);
    const receipt = await a.send(peer.key, new Uint8Array(4096));
    assert.equal(receipt.bytes, 4096);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('a reader that stops early does not stall the other streams of its connection', async () => {
  const { a, b, stop } = await startedPair();
  try {
    const later: Promise<{ bytes: number; sha256: string }>[] = [];
    b.on('stream', async (s) => {
      if (s.streamId !== 1) return void later.push(hashStream(s));
      for await (const _piece of s) break; // read one piece of the first stream, then walk away
    });
    const peer = await a.waitForPeer(undefined, 10_000);
    const abandoned = a.send(peer.key, chunksOf(48 * MiB, MiB, 5));
    const second = await a.send(peer.key, chunksOf(MiB, 4096, 6));
    assert.equal(second.bytes, MiB);
    assert.deepEqual(await later[0], { bytes: MiB, sha256: sha256Of(MiB, 4096, 6) });
    assert.equal((await abandoned).bytes, 48 * MiB, 'the abandoned stream is still received (and dropped) in full');
  } finally {
    await stop();
  }
});

test('a peer that sends END after END and never reads its receipts is paused, not buffered without bound', async () => {
  const node = loopbackNode();
  await node.start();
  let streams = 0;
  node.on('stream', (s) => {
    streams++;
    void s.discard();
  });
  const socket = net.connect(node.address.port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.pause(); // never read: every END is owed a 27-byte receipt
  socket.write(encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: signHello({ crypto: nodeBackend, apiKey: new TextEncoder().encode(KEY) }, new Uint8Array(16).fill(7), 1) }));
  const ends = 1_000_000;
  const flood = Buffer.alloc(14 * ends);
  for (let i = 0; i < ends; i++) Buffer.from(encodeFrame({ type: FrameType.END, streamId: 2 * i + 1, seq: 0, payload: new Uint8Array(0) })).copy(flood, 14 * i);
  socket.write(flood);
  // Wait until the node stops taking ENDs (the kernel's buffers fill with receipts, then ours), at most 10 s.
  for (let last = -1, waited = 0; streams !== last && waited < 10_000; waited += 500) {
    last = streams;
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    assert.ok(streams > 1000, `the node read the flood at first (${streams} streams)`);
    assert.ok(streams < ends, `the node stopped reading once ${streams} receipts were owed, before the ${ends} ENDs were all taken`);
    const client = loopbackNode({ staticPeers: [`127.0.0.1:${node.address.port}`] });
    await client.start();
    const peer = await client.waitForPeer(undefined, 5_000);
    assert.equal((await client.send(peer.key, new Uint8Array(4096))).bytes, 4096, 'other connections are unharmed');
    await client.stop();
  } finally {
    socket.destroy();
    await node.stop();
  }
});

test('connections that never authenticate count toward the lockout, so they cannot hold every slot', async () => {
  const node = loopbackNode({ admission: { maxConnections: 5 }, limits: { handshakeTimeoutMs: 200 } });
  await node.start();
  const refused: string[] = [];
  node.on('refused', (e) => refused.push(`${e.address} ${e.reason}`));
  const idle = () => {
    const s = net.connect({ port: node.address.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    s.on('error', () => {});
    return s;
  };
  const first = Array.from({ length: 5 }, idle);
  try {
    await Promise.all(first.map((s) => once(s, 'close'))); // each closed by the handshake timeout
    const again = idle();
    await once(again, 'close');
    assert.deepEqual(refused, ['127.0.0.2 locked-out']);
    const client = loopbackNode({ staticPeers: [`127.0.0.1:${node.address.port}`] });
    await client.start();
    await client.waitForPeer(undefined, 5_000);
    await client.stop();
  } finally {
    first.forEach((s) => s.destroy());
    await node.stop();
  }
});

/** SttUdpNode: the stt profile over UDP in a long-running node, with AsocNode's peers, events and sends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { ASOC_V1, STT } from '../../src/core/profile.ts';
import type { PeerDown } from '../../src/driver/asoc-node-base.ts';
import { sttNodeId } from '../../src/core/stt-handshake.ts';
import { DEFAULT_BACKEND } from '../../src/crypto/backend.ts';
import { SttUdpNode, type SttUdpNodeOptions } from '../../src/net/stt-udp-node.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { hashStream } from '../support/hash-stream.ts';

const KEY = randomBytes(32);
const MiB = 1024 * 1024;

function udpNode(extra: Partial<SttUdpNodeOptions> = {}): SttUdpNode {
  return new SttUdpNode({ community: 'udp-node', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile: STT, ...extra });
}

function pattern(bytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** How an stt peer lists a node it did not dial: by its 32-byte STT node id (docs/stt.md §3). */
const sttId = (node: SttUdpNode) => bytesToHex(sttNodeId(DEFAULT_BACKEND, node.nodeId));

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A free UDP port on loopback (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

test('a UDP node dials its static peer, both list each other by node id, and streams cross both ways with their bytes intact', async () => {
  const server = udpNode();
  await server.start();
  const client = udpNode({ staticPeers: [`${server.nodeIdHex}@127.0.0.1:${server.address.port}`] });
  try {
    const atServer: Promise<{ bytes: number; sha256: string }>[] = [];
    const atClient: Promise<{ bytes: number; sha256: string }>[] = [];
    server.on('stream', (s) => atServer.push(hashStream(s)));
    client.on('stream', (s) => atClient.push(hashStream(s)));
    const inbound = once(server, 'peer-up');
    await client.start();
    const peer = await client.waitForPeer(undefined, 10_000);
    assert.deepEqual([peer.key, peer.direction, peer.source], [server.nodeIdHex, 'outbound', 'static']);
    const [seen] = (await inbound) as [{ key: string; direction: string }];
    assert.deepEqual([seen.key, seen.direction], [sttId(client), 'inbound']);
    const up = pattern(8 * MiB + 123, 1);
    const receipt = await client.send(peer.key, up);
    assert.deepEqual([receipt.bytes, receipt.confirmed], [up.length, true]);
    assert.deepEqual(await atServer[0], { bytes: up.length, sha256: sha256(up) });
    const down = pattern(3 * MiB, 2);
    const back = await server.send(sttId(client), down);
    assert.equal(back.bytes, down.length);
    assert.deepEqual(await atClient[0], { bytes: down.length, sha256: sha256(down) });
  } finally {
    await client.stop();
    await server.stop();
  }
});

test('a UDP client that stops is seen going at once: its sealed close notice brings peer-down (transport-closed), not the idle timeout', async () => {
  const server = udpNode();
  await server.start();
  const client = udpNode({ staticPeers: [`127.0.0.1:${server.address.port}`] });
  try {
    await client.start();
    await Promise.all([server.waitForPeer(sttId(client), 10_000), client.waitForPeer(undefined, 10_000)]);
    const down = once(server, 'peer-down');
    await client.stop();
    const [event] = (await down) as [PeerDown];
    assert.equal(event.peer.key, sttId(client));
    assert.equal(event.reason, 'transport-closed');
    assert.match(event.detail, /close notice/);
    assert.equal(server.connectionCount, 0);
    assert.deepEqual(server.peers(), []);
  } finally {
    await server.stop();
  }
});

test('two UDP nodes find each other by discovery and connect over UDP', async () => {
  const discovery = { port: await freeUdpPort(), broadcastAddress: '127.255.255.255' };
  const a = udpNode({ discovery });
  const b = udpNode({ discovery });
  try {
    await Promise.all([a.start(), b.start()]);
    // One of the two dials (the dial rule); each lists the other, the dialled one by its 16-byte id as discovery heard it.
    const [ofA, ofB] = await Promise.all([a.waitForPeer(undefined, 15_000), b.waitForPeer(undefined, 15_000)]);
    assert.ok([b.nodeIdHex, sttId(b)].includes(ofA.key), `a lists b (${ofA.key})`);
    assert.ok([a.nodeIdHex, sttId(a)].includes(ofB.key), `b lists a (${ofB.key})`);
    assert.deepEqual([ofA.direction, ofB.direction].sort(), ['inbound', 'outbound']);
    const receipt = await a.send(ofA.key, pattern(64 * 1024, 3));
    assert.equal(receipt.bytes, 64 * 1024);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('only the stt profile runs over UDP: another is a TypeError naming it', () => {
  assert.throws(() => udpNode({ profile: ASOC_V1 }), /profile asoc-v1 does not run over UDP \(only stt does\)/);
});

test('a UDP node holding another seed is refused: the listening node reports the failed handshake and lists no peer', async () => {
  const server = udpNode();
  await server.start();
  const failed = once(server, 'auth-failed');
  const stranger = udpNode({ apiKey: randomBytes(32), staticPeers: [`127.0.0.1:${server.address.port}`] });
  try {
    await stranger.start();
    const [event] = (await failed) as [{ reason: string; direction: string }];
    assert.deepEqual([event.reason, event.direction], ['bad-signature', 'inbound']);
    assert.deepEqual(server.peers(), []);
  } finally {
    await stranger.stop();
    await server.stop();
  }
});

test('without confirmation a UDP send settles once every datagram is acknowledged: the receiver already has the whole stream', async () => {
  const server = udpNode();
  await server.start();
  const client = udpNode({ staticPeers: [`127.0.0.1:${server.address.port}`] });
  try {
    const ended: number[] = [];
    server.on('stream', (s) => void s.done.then((totals) => ended.push(totals.bytes)));
    await client.start();
    const peer = await client.waitForPeer(undefined, 10_000);
    const receipt = await client.send(peer.key, pattern(1_500_000, 4), { confirm: false });
    assert.deepEqual([receipt.confirmed, receipt.bytes], [false, 1_500_000]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ended, [1_500_000]);
  } finally {
    await client.stop();
    await server.stop();
  }
});

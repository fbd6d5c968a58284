/** Static peers as AsocNode takes them: host:port, or pinned NODEID@host:port where the profile can check the node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AsocNode, parseStaticPeer } from '../../src/net/node.ts';
import { ASOC_HARDENED, ASOC_V1, STT, SUBDUCTION } from '../../src/core/profile.ts';
import { nodeEd25519 } from '../../src/crypto/ed25519.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';

const ID = '00112233445566778899AABBCCDDEEFF';

test('parseStaticPeer: host:port, [v6]:port, and NODEID@host:port with the id in lower case', () => {
  assert.deepEqual(parseStaticPeer('10.0.0.2:9000'), { host: '10.0.0.2', port: 9000 });
  assert.deepEqual(parseStaticPeer('[::1]:9000'), { host: '::1', port: 9000 });
  assert.deepEqual(parseStaticPeer(`${ID}@10.0.0.2:9000`), { host: '10.0.0.2', port: 9000, nodeId: ID.toLowerCase() });
  assert.throws(() => parseStaticPeer('abc@10.0.0.2:9000'), /NODEID being 32 hex digits/);
  assert.throws(() => parseStaticPeer(`${ID}@10.0.0.2`), /is not host:port/);
});

test('a pinned static peer needs a profile whose handshake checks the node: v1 refuses it at construction, hardened takes it', () => {
  const options = { community: 'pins', apiKey: randomBytes(32), host: '127.0.0.1', port: 0, discovery: false as const, staticPeers: [`${ID}@127.0.0.1:9`] };
  assert.throws(() => new AsocNode({ ...options, profile: ASOC_V1 }), /profile asoc-v1 cannot pin a peer to a node id/);
  assert.doesNotThrow(() => new AsocNode({ ...options, profile: ASOC_HARDENED }));
  assert.doesNotThrow(() => new AsocNode({ ...options, profile: ASOC_V1, staticPeers: ['127.0.0.1:9'] }));
});

test('a pin takes the form the profile pins a node by: its node id (32 hex digits) for stt, its Ed25519 key (64) for subduction', () => {
  const options = { community: 'pins', apiKey: randomBytes(32), host: '127.0.0.1', port: 0, discovery: false as const };
  const KEY = 'ab'.repeat(32);
  assert.deepEqual(parseStaticPeer(`${KEY.toUpperCase()}@10.0.0.2:9000`), { host: '10.0.0.2', port: 9000, nodeId: KEY });
  assert.doesNotThrow(() => new AsocNode({ ...options, profile: STT, staticPeers: [`${ID}@127.0.0.1:9`] }));
  assert.throws(() => new AsocNode({ ...options, profile: STT, staticPeers: [`${KEY}@127.0.0.1:9`] }), /is not 32 lower-case hex digits \(profile stt pins a peer by 16 bytes\)/);
  assert.doesNotThrow(() => new AsocNode({ ...options, profile: SUBDUCTION, staticPeers: [`${KEY}@127.0.0.1:9`] }));
  assert.throws(() => new AsocNode({ ...options, profile: SUBDUCTION, staticPeers: [`${ID}@127.0.0.1:9`] }), /is not 64 lower-case hex digits \(profile subduction pins a peer by 32 bytes\)/);
  const identity = new Uint8Array(32).fill(7);
  assert.equal(new AsocNode({ ...options, profile: SUBDUCTION, identity }).pinnedIdHex, bytesToHex(nodeEd25519.publicKey(identity)));
  const stt = new AsocNode({ ...options, profile: STT });
  assert.equal(stt.pinnedIdHex, stt.nodeIdHex);
  assert.equal(new AsocNode({ ...options, profile: ASOC_V1 }).pinnedIdHex, null);
});

test('over loopback: a hardened node pinned to the node that listens there connects, keyed by its id; pinned to another id it never does', async () => {
  const apiKey = randomBytes(32);
  const listening = new AsocNode({ community: 'pins', apiKey, host: '127.0.0.1', port: 0, discovery: false, profile: ASOC_HARDENED });
  await listening.start();
  const refused: string[] = [];
  listening.on('auth-failed', (f) => refused.push(f.reason));
  const dial = (id: string) => new AsocNode({ community: 'pins', apiKey, host: '127.0.0.1', port: 0, discovery: false, profile: ASOC_HARDENED, staticPeers: [`${id}@127.0.0.1:${listening.address.port}`] });
  const right = dial(listening.nodeIdHex);
  const wrong = dial('ff'.repeat(16));
  try {
    await right.start();
    const peer = await right.waitForPeer(undefined, 5_000);
    assert.deepEqual([peer.key, peer.nodeId], [listening.nodeIdHex, listening.nodeIdHex]);
    await wrong.start();
    await assert.rejects(wrong.waitForPeer(undefined, 500), /no matching peer/);
    assert.ok(refused.includes('bad-signature'), `the listening node refused the HELLO meant for another node (${refused.join(', ')})`);
  } finally {
    await Promise.all([right.stop(), wrong.stop()]);
    await listening.stop();
  }
});

test('over loopback: a subduction node pinned to the key of the node that listens there connects (Audience::Known), keyed by it; pinned to another key it is refused for the audience', async () => {
  const apiKey = randomBytes(32);
  const listening = new AsocNode({ community: 'pins', apiKey, host: '127.0.0.1', port: 0, discovery: false, profile: SUBDUCTION });
  await listening.start();
  const refused: string[] = [];
  listening.on('auth-failed', (f) => refused.push(f.reason));
  const dial = (key: string) => new AsocNode({ community: 'pins', apiKey, host: '127.0.0.1', port: 0, discovery: false, profile: SUBDUCTION, staticPeers: [`${key}@127.0.0.1:${listening.address.port}`] });
  const right = dial(listening.pinnedIdHex!);
  const wrong = dial('cd'.repeat(32));
  try {
    await right.start();
    const peer = await right.waitForPeer(undefined, 5_000);
    assert.deepEqual([peer.key, peer.nodeId], [listening.pinnedIdHex, listening.pinnedIdHex]);
    await wrong.start();
    await assert.rejects(wrong.waitForPeer(undefined, 500), /no matching peer/);
    assert.ok(refused.includes('wrong-audience'), `the listening node refused the challenge meant for another key (${refused.join(', ')})`);
  } finally {
    await Promise.all([right.stop(), wrong.stop()]);
    await listening.stop();
  }
});

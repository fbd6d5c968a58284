import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { logNodeEvents } from '../../../lab/commands/node.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../../src/core/profile.ts';
import { AsocNode, type AsocNodeOptions } from '../../../src/net/node.ts';
import { encodeFrame, encodeHeader, FrameType } from '../../../src/wire/frame.ts';
import { signHello } from '../../../src/core/v1-auth.ts';
import { nodeBackend } from '../../../src/crypto/backend.ts';
import { establishedPeer, rawConnection } from '../../../bench/rogue-peers.ts';

const KEY = randomBytes(32).toString('hex');
/** Long enough that no summary comes before the test flushes: what is logged one by one is exact. */
const INTERVAL_MS = 600_000;

async function loggedNode(extra: Partial<AsocNodeOptions> = {}) {
  const node = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, ...extra });
  const lines: string[] = [];
  const log = logNodeEvents(node, (line) => lines.push(line), { intervalMs: INTERVAL_MS });
  await node.start();
  return { node, lines, log, port: node.address.port };
}

const TINY_FRAMES = 100_000;

/** One bad connection of each kind, each from its own address, and the reason it must be closed for. */
const CASES: { name: string; from: string; bytes: Uint8Array; end: boolean; reason: string }[] = [
  { name: 'bytes that are not ASoc', from: '127.0.0.2', bytes: new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), end: false, reason: 'version-mismatch' },
  { name: 'a truncated header', from: '127.0.0.3', bytes: encodeHeader(FrameType.HELLO, 0, 0, 36, 1).subarray(0, 7), end: true, reason: 'transport-closed' },
  { name: 'an oversized HELLO', from: '127.0.0.4', bytes: encodeHeader(FrameType.HELLO, 0, 0, 1 << 20, 1), end: false, reason: 'bad-length' },
  { name: 'a frame of the wrong type', from: '127.0.0.5', bytes: encodeFrame({ type: FrameType.DATA, streamId: 1, seq: 0, payload: new Uint8Array(8) }), end: false, reason: 'expected-hello' },
  { name: `${TINY_FRAMES} tiny frames`, from: '127.0.0.6', bytes: Buffer.concat(Array.from({ length: TINY_FRAMES }, () => encodeFrame({ type: 0x7f, streamId: 0, seq: 0, payload: new Uint8Array(0) }))), end: false, reason: 'expected-hello' },
  { name: 'no HELLO at all', from: '127.0.0.7', bytes: new Uint8Array(0), end: false, reason: 'handshake-timeout' },
  { name: 'a HELLO signed with another key', from: '127.0.0.8', bytes: encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: signHello({ crypto: nodeBackend, apiKey: new TextEncoder().encode('another key') }, new Uint8Array(16), 7) }), end: false, reason: 'auth-failed' },
];

test('every connection closed before its handshake is logged once, with the remote address and the reason', async () => {
  const { node, lines, log, port } = await loggedNode({ limits: { handshakeTimeoutMs: 300 } });
  try {
    await Promise.all(CASES.map((c) => rawConnection({ port, localAddress: c.from }, c.bytes, c.end)));
    for (const c of CASES) {
      const mine = lines.filter((l) => l.includes(`from ${c.from}:`));
      assert.equal(mine.length, 1, `${c.name}: ${mine.join(' | ') || 'no line'}`);
      assert.match(mine[0]!, new RegExp(`^closed a connection from ${c.from.replaceAll('.', '\\.')}:\\d+ before its handshake: ${c.reason} \\(.+\\)$`), c.name);
    }
    assert.equal(lines.length, CASES.length);
  } finally {
    await node.stop();
    log.flush();
  }
});

test('a connection refused by admission (over the connection limit) is logged once, with the address and the reason', async () => {
  const { node, lines, log, port } = await loggedNode({ admission: { maxConnections: 1 }, limits: { handshakeTimeoutMs: 60_000 } });
  try {
    // One silent connection holds the only slot (its handshake timeout is far away)…
    const holder = rawConnection({ port, localAddress: '127.0.0.11' }, new Uint8Array(0), false);
    for (let waits = 0; node.connectionCount === 0 && waits < 500; waits++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(node.connectionCount, 1);
    // …so the next one, from another address, is refused at once.
    await rawConnection({ port, localAddress: '127.0.0.12' }, new Uint8Array(0), false);
    assert.deepEqual(lines, ['refused a connection from 127.0.0.12: too-many-connections']);
    await node.stop();
    await holder;
    assert.equal(lines.length, 2, 'and the holder, closed by the stop');
  } finally {
    await node.stop();
    log.flush();
  }
});

test('a flood of bad connections from one address: 5 lines one by one, then one summary that counts the rest by reason', async () => {
  const { node, lines, log, port } = await loggedNode();
  const flood = 300;
  try {
    const garbage = new TextEncoder().encode('not a frame, not at all');
    for (let i = 0; i < flood; i += 50) await Promise.all(Array.from({ length: 50 }, () => rawConnection({ port, localAddress: '127.0.0.9' }, garbage, false)));
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.ok(lines.every((l) => l.includes('127.0.0.9')));
  } finally {
    await node.stop();
    log.flush();
  }
  assert.equal(lines.length, 6);
  const summary = /^127\.0\.0\.9: (\d+) more connection events within 600 s, not logged one by one: (.+)$/.exec(lines[5]!);
  assert.ok(summary, lines[5]);
  assert.equal(Number(summary[1]), flood - 5);
  const counted = [...summary[2]!.matchAll(/×(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  assert.equal(counted, flood - 5);
  assert.match(summary[2]!, /refused \(locked-out\) ×\d+/, 'after 5 failures the address is locked out, and that is counted too');
});

for (const profile of [ASOC_V1, ASOC_HARDENED]) {
  test(`${profile.name}: a peer opening 20,000 empty streams gets 5 lines and a summary, not a line each`, async () => {
    const { node, lines, log, port } = await loggedNode({ profile });
    const streams = 20_000;
    try {
      const { socket, core } = await establishedPeer({ port }, profile, KEY);
      socket.pause(); // and never reads its receipts
      let received = 0;
      node.on('stream', (s) => void s.done.then(() => received++));
      for (let i = 0; i < streams; i++) core.endStream(core.openStream(), 0);
      for (const bytes of core.pollTransmit()!) socket.write(bytes);
      for (let waits = 0; received < streams && waits < 1_000; waits++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(received, streams);
      await new Promise((resolve) => setImmediate(resolve)); // the last stream's line
      const streamLines = lines.filter((l) => l.startsWith('stream '));
      assert.equal(streamLines.length, 5);
      assert.ok(streamLines.every((l) => / 0 bytes \(0 B\) sha256 e3b0c442/.test(l)), streamLines[0]);
      socket.destroy();
    } finally {
      await node.stop();
      log.flush();
    }
    const summaries = lines.filter((l) => / more streams within /.test(l));
    assert.deepEqual(summaries.map((l) => l.replace(/^[0-9a-f]+: /, '')), [`${streams - 5} more streams within 600 s, not logged one by one: received ×${streams - 5}`]);
    assert.ok(lines.length <= 5 + 1 + 2 + 1, `at most: 5 streams, their summary, peer up, peer down, and its summary\n${lines.join('\n')}`);
  });
}

/**
 * The stt-over-UDP listener and client on loopback: a stream with its receipt, a client holding
 * another seed closed, and the listener's bound on connections (datagrams from one endpoint too
 * many are dropped, so that endpoint's handshake never completes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { SttUdpClient, SttUdpListener, SttUdpTimeoutError } from '../../src/net/stt-udp-endpoint.ts';
import type { UdpEndpoint } from '../../src/net/stt-udp-driver.ts';

const apiKey = new TextEncoder().encode('the shared seed of the endpoint test');

async function withListener<T>(run: (listener: SttUdpListener, events: [UdpEndpoint, ConnectionEvent][]) => Promise<T>, maxConnections?: number): Promise<T> {
  const events: [UdpEndpoint, ConnectionEvent][] = [];
  const listener = await SttUdpListener.listen('127.0.0.1', 0, { apiKey, maxConnections }, (peer, event) => void events.push([peer, event]));
  try {
    return await run(listener, events);
  } finally {
    await listener.close();
  }
}

const server = (listener: SttUdpListener): UdpEndpoint => ({ address: '127.0.0.1', port: listener.address.port });

test('a stream of several frames arrives whole, and the receipt counts its bytes', async () => {
  await withListener(async (listener, events) => {
    const client = await SttUdpClient.dial(server(listener), '127.0.0.1', { apiKey }, 5_000);
    const pieces = [0, 1, 2].map((n) => Uint8Array.from({ length: 700_000 }, (_, i) => (i * (n + 3)) & 0xff));
    try {
      const receipt = await client.send(pieces, { confirm: true, receiptTimeoutMs: 10_000 });
      assert.deepEqual([receipt.confirmed, receipt.bytes, receipt.streamId], [true, 2_100_000, 1]);
    } finally {
      await client.close();
    }
    const received = events.flatMap(([, e]) => (e.type === 'stream-data' ? [e.data] : []));
    const digest = (parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');
    assert.equal(digest(received), digest(pieces));
  });
});

test('without confirmation a send settles once every datagram is acknowledged: the listener already has the whole stream', async () => {
  await withListener(async (listener, events) => {
    const client = await SttUdpClient.dial(server(listener), '127.0.0.1', { apiKey }, 5_000);
    try {
      const receipt = await client.send([new Uint8Array(1_500_000).fill(9)], { confirm: false, receiptTimeoutMs: 10_000 });
      assert.deepEqual([receipt.confirmed, receipt.bytes], [false, 1_500_000]);
      assert.deepEqual(events.flatMap(([, e]) => (e.type === 'stream-end' ? [e.bytes] : [])), [1_500_000]);
    } finally {
      await client.close();
    }
  });
});

test('a client holding another seed is closed by the listener, and gets no answer', async () => {
  await withListener(async (listener, events) => {
    const wrongSeed = new TextEncoder().encode('not the seed the listener holds');
    await assert.rejects(SttUdpClient.dial(server(listener), '127.0.0.1', { apiKey: wrongSeed }, 1_000), SttUdpTimeoutError);
    assert.deepEqual(events.map(([, e]) => (e.type === 'closed' ? `${e.type} ${e.reason}` : e.type)), ['auth-failed', 'closed auth-failed']);
  });
});

test('past its connection bound the listener drops a new endpoint\'s datagrams: that client times out', async () => {
  await withListener(async (listener) => {
    const first = await SttUdpClient.dial(server(listener), '127.0.0.1', { apiKey }, 5_000);
    try {
      await assert.rejects(SttUdpClient.dial(server(listener), '127.0.0.1', { apiKey }, 500), SttUdpTimeoutError);
      assert.deepEqual(listener.stats.connections, 1);
      assert.ok(listener.stats.turnedAway >= 1, `${listener.stats.turnedAway} turned away`);
    } finally {
      await first.close();
    }
  }, 1);
});

/**
 * stt over UDP on node:dgram, on loopback: the same connection and pump as on the simulator, with
 * real sockets, clocks and timers. Through a relay of the test's own that drops one DATA datagram
 * in eight from the client, two streams still arrive whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { STT } from '../../src/core/profile.ts';
import { SttDatagramConnection } from '../../src/core/stt-datagram-connection.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import type { DatagramPump } from '../../src/driver/datagram-pump.ts';
import { dgramSttUdpPump, type UdpEndpoint } from '../../src/net/stt-udp-driver.ts';
import { systemRandom, monotonicNow } from '../../src/net/system.ts';
import { DatagramKind } from '../../src/wire/stt-datagram.ts';
import { CLIENT_ID, KEY, SERVER_ID } from '../support/pair.ts';

async function bound(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

const endpoint = (socket: dgram.Socket): UdpEndpoint => ({ address: '127.0.0.1', port: socket.address().port });

/** Two sockets in the middle: what the client sends to one leaves the other for the server, and back; `drop` decides for the client's. */
async function relay(client: UdpEndpoint, server: UdpEndpoint, drop: (datagram: Uint8Array) => boolean): Promise<{ forClient: dgram.Socket; forServer: dgram.Socket }> {
  const [forClient, forServer] = [await bound(), await bound()];
  forClient.on('message', (m) => {
    if (!drop(m)) forServer.send(m, server.port, server.address);
  });
  forServer.on('message', (m) => forClient.send(m, client.port, client.address));
  return { forClient, forServer };
}

function machine(role: 'client' | 'server'): SttDatagramConnection {
  const common = { apiKey: KEY, crypto: nodeBackend, random: systemRandom, now: monotonicNow(), unixOffsetMs: 0 };
  return role === 'client' ? new SttDatagramConnection({ ...common, role, nodeId: CLIENT_ID }) : new SttDatagramConnection({ ...common, role, nodeId: SERVER_ID, helloReplay: new ReplayCache(STT.helloReplay!) });
}

/** Resolves with the first event `accept` takes (and rejects on a close). */
function waitFor<T>(events: { listeners: ((e: ConnectionEvent) => void)[] }, accept: (e: ConnectionEvent) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    events.listeners.push((e) => {
      if (e.type === 'closed') reject(new Error(`closed: ${e.reason} ${e.detail}`));
      const taken = accept(e);
      if (taken !== undefined) resolve(taken);
    });
  });
}

test('two streams cross node:dgram sockets on loopback, through a relay that drops one DATA datagram in eight', { timeout: 20_000 }, async () => {
  const [clientSocket, serverSocket] = [await bound(), await bound()];
  let sent = 0;
  let dropped = 0;
  const middle = await relay(endpoint(clientSocket), endpoint(serverSocket), (d) => {
    if (d[0] !== DatagramKind.DATA || ++sent % 8 !== 0) return false;
    dropped++;
    return true;
  });
  const clientEvents = { listeners: [] as ((e: ConnectionEvent) => void)[] };
  const serverEvents = { listeners: [] as ((e: ConnectionEvent) => void)[] };
  const received = new Map<number, Uint8Array[]>();
  const server = dgramSttUdpPump(serverSocket, endpoint(middle.forServer), machine('server'), (e) => {
    if (e.type === 'stream-data') received.set(e.streamId, [...(received.get(e.streamId) ?? []), e.data.slice()]);
    for (const l of serverEvents.listeners) l(e);
  });
  const client: DatagramPump = dgramSttUdpPump(clientSocket, endpoint(middle.forClient), machine('client'), (e) => clientEvents.listeners.forEach((l) => l(e)));
  try {
    const established = waitFor(clientEvents, (e) => (e.type === 'established' ? true : undefined));
    client.flush();
    await established;
    const connection = client.machine.connection;
    const ids = [connection.openStream(), connection.openStream()];
    const data = ids.map((id) => Uint8Array.from({ length: 200_000 }, (_, i) => (i * id) & 0xff));
    const ends = ids.map((id) => waitFor(serverEvents, (e) => (e.type === 'stream-end' && e.streamId === id ? e.bytes : undefined)));
    ids.forEach((id, i) => {
      connection.sendData(id, data[i]!, monotonicNow());
      connection.endStream(id, monotonicNow());
    });
    client.flush();
    assert.deepEqual(await Promise.all(ends), [200_000, 200_000]);
    ids.forEach((id, i) => assert.ok(Buffer.concat(received.get(id)!).equals(data[i]!), `stream ${id} intact`));
    assert.ok(dropped > 10, `${dropped} dropped`);
    assert.ok(client.machine.sender.stats.retransmissions >= dropped);
  } finally {
    client.stop();
    server.stop();
    for (const s of [clientSocket, serverSocket, middle.forClient, middle.forServer]) s.close();
  }
});

/**
 * The soak bench's node under test, in its own process so that its memory and file descriptors are
 * its own: an AsocNode on 127.0.0.1 that counts what happens to it and sends when the parent asks
 * (bench/soak-ipc.ts). Started with --expose-gc: samples are taken after a full collection.
 *   argv: PROFILE LIMITS-JSON      env: ASOC_API_KEY
 */
import { readdirSync } from 'node:fs';
import { profileByName } from '../src/core/profile.ts';
import { ConnectionClosedError } from '../src/driver/connection-driver.ts';
import { AsocNode } from '../src/net/node.ts';
import { generated } from './soak.ts';
import type { NodeCounters, SendOutcome, SoakReply, SoakRequest } from './soak-ipc.ts';

const [profileName, limitsJson] = process.argv.slice(2);
const { receiptTimeoutMs, ...limits } = JSON.parse(limitsJson!) as Record<string, number>;
const node = new AsocNode({
  community: 'soak',
  apiKey: process.env.ASOC_API_KEY!,
  host: '127.0.0.1',
  port: 0,
  discovery: false,
  profile: profileByName(profileName!),
  limits,
  flow: { receiptTimeoutMs },
});
const reply = (message: SoakReply) => process.send!(message);
const counters: NodeCounters = { peersUp: 0, receivedBytes: {}, streamsReceived: 0, streamsAborted: {}, refused: {}, closedBeforeHandshake: {}, peersDown: {}, sendsStarted: 0, sendsSettled: 0 };
const count = (into: Record<string, number>, key: string, n = 1) => void (into[key] = (into[key] ?? 0) + n);

node.on('peer-up', () => counters.peersUp++);
node.on('peer-down', (_peer, reason) => count(counters.peersDown, reason));
node.on('refused', (e) => count(counters.refused, e.reason));
node.on('connection-closed', (e) => {
  if (!e.established && e.direction === 'inbound') count(counters.closedBeforeHandshake, e.reason);
});
node.on('stream', (stream) => {
  let bytes = 0;
  void (async () => {
    try {
      for await (const piece of stream) bytes += piece.length;
      counters.streamsReceived++;
      count(counters.receivedBytes, stream.peer.key, bytes);
    } catch (err) {
      count(counters.streamsAborted, (err as { reason?: string }).reason ?? (err as Error).name);
    }
  })();
});


async function send(id: number, peerKey: string, bytes: number): Promise<void> {
  counters.sendsStarted++;
  let outcome: SendOutcome;
  try {
    // A client that sent its FINISH (asoc-hardened) counts itself established before this side has read it.
    await node.waitForPeer(peerKey, 10_000);
    outcome = { delivered: true, bytes: (await node.send(peerKey, generated(bytes))).bytes };
  } catch (err) {
    outcome = { delivered: false, error: err instanceof ConnectionClosedError ? `${err.name} (${err.reason})` : (err as Error).name };
  }
  counters.sendsSettled++;
  reply({ type: 'settled', id, outcome });
}

function sample(): void {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  reply({ type: 'sample', sample: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, fds: readdirSync('/proc/self/fd').length, peers: node.peers().length, counters: structuredClone(counters) } });
}

process.on('message', (request: SoakRequest) => {
  if (request.type === 'send') void send(request.id, request.peerKey, request.bytes);
  else if (request.type === 'sample') sample();
  else void node.stop().then(() => reply({ type: 'stopped' }));
});
process.on('disconnect', () => void node.stop().then(() => process.exit(0)));
await node.start();
reply({ type: 'listening', port: node.address.port });

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { DiscoveryAgent, type DiscoveryAgentConfig, type DiscoveryEvent, type DiscoveryRejection } from '../../src/core/discovery-agent.ts';
import { ASOC_V1, ASOC_V1_REFERENCE, type AsocProfile } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { signDiscovery } from '../../src/core/v1-auth.ts';
import { bytesToHex, hexToBytes } from '../../src/wire/bytes.ts';
import { decodeDiscovery } from '../../src/wire/discovery.ts';
import { seededRandom } from '../support/random.ts';
import { loadReferenceVectors } from '../../src/vectors/reference-vectors.ts';

const KEY = new TextEncoder().encode('lab-key');
const COMMUNITY = 'lab';
/** 2023-11-14T22:13:20Z: discovery time is Unix-epoch milliseconds. */
const T0 = 1_700_000_000_000;
const ID_A = nodeId(0xa000_0000);
const ID_B = nodeId(0xb000_0000);
const ID_X = nodeId(0xc000_0000);
const FROM_A = { address: '10.0.0.1', port: 9999 };
const FROM_B = { address: '10.0.0.2', port: 9999 };
const FROM_X = { address: '10.0.0.3', port: 9999 };

/** A distinct 16-byte node id for every 32-bit number. */
function nodeId(n: number): Uint8Array {
  const id = new Uint8Array(16).fill(0x5a);
  new DataView(id.buffer).setUint32(12, n);
  return id;
}

function agent(overrides: Partial<DiscoveryAgentConfig> = {}): DiscoveryAgent {
  return new DiscoveryAgent({
    profile: ASOC_V1,
    nodeId: ID_A,
    tcpPort: 9000,
    community: COMMUNITY,
    apiKey: KEY,
    crypto: nodeBackend,
    random: seededRandom('discovery'),
    now: T0,
    ...overrides,
  });
}

/** A signed announcement as another node would send it; `at` is the sender's epoch ms. */
function announcement(o: { nodeId?: Uint8Array; at?: number; challenge: number; tcpPort?: number; community?: string; key?: Uint8Array }): Uint8Array {
  return signDiscovery(
    { crypto: nodeBackend, apiKey: o.key ?? KEY },
    { community: o.community ?? COMMUNITY, nodeId: o.nodeId ?? ID_X, tcpPort: o.tcpPort ?? 9100, timestamp: Math.floor((o.at ?? T0) / 1000), challenge: o.challenge },
  );
}

function drain(a: DiscoveryAgent): DiscoveryEvent[] {
  const out: DiscoveryEvent[] = [];
  for (let e = a.pollEvent(); e; e = a.pollEvent()) out.push(e);
  return out;
}

function transmitted(a: DiscoveryAgent): Uint8Array {
  const datagrams = a.pollTransmit();
  assert.ok(datagrams, 'an announcement is due');
  assert.equal(datagrams.length, 1);
  return datagrams[0]!;
}

/** Delivers one datagram and returns what the agent made of it: the event type or the rejection reason. */
function verdict(a: DiscoveryAgent, datagram: Uint8Array, now: number, from = FROM_X): string {
  a.receive(datagram, from, now);
  const events = drain(a).filter((e) => e.type !== 'peer-lost');
  assert.equal(events.length, 1);
  const e = events[0]!;
  return e.type === 'message-rejected' ? e.reason : e.type;
}

/** Runs the agent's timers from its current deadline up to `until`, collecting what it sends and says. */
function runUntil(a: DiscoveryAgent, until: number): { sentAt: number[]; events: Array<DiscoveryEvent & { at: number }> } {
  const sentAt: number[] = [];
  const events: Array<DiscoveryEvent & { at: number }> = [];
  let previous = -Infinity;
  for (let deadline = a.pollTimeout()!; deadline <= until; deadline = a.pollTimeout()!) {
    assert.ok(deadline > previous, `deadline ${deadline} did not move after it was handled`);
    previous = deadline;
    a.handleTimeout(deadline);
    if (a.pollTransmit()) sentAt.push(deadline);
    for (const e of drain(a)) events.push({ ...e, at: deadline });
  }
  return { sentAt, events };
}

function rejected(a: DiscoveryAgent): Partial<Record<DiscoveryRejection, number>> {
  return Object.fromEntries(Object.entries(a.counters.rejected).filter(([, n]) => n > 0));
}

test('announcements are byte-exact with the reference vectors (challenge from the RandomSource, timestamp from now)', () => {
  for (const v of loadReferenceVectors().discovery) {
    const fixed: RandomSource = { u32: () => v.challenge, bytes: (n) => new Uint8Array(n) };
    const a = agent({
      community: v.community,
      apiKey: new TextEncoder().encode(v.api_key),
      nodeId: hexToBytes(v.node_id),
      tcpPort: v.port,
      random: fixed,
      now: v.timestamp * 1000 + 999, // the wire carries whole seconds, rounded down
    });
    assert.equal(bytesToHex(transmitted(a)), v.message);
  }
});

test('two agents exchanging datagrams discover each other at the source address and the announced TCP port', () => {
  const a = agent({ nodeId: ID_A, tcpPort: 9000, random: seededRandom('a') });
  const b = agent({ nodeId: ID_B, tcpPort: 9001, random: seededRandom('b') });
  b.receive(transmitted(a), FROM_A, T0 + 5);
  a.receive(transmitted(b), FROM_B, T0 + 7);
  assert.deepEqual(drain(b), [{ type: 'peer-discovered', nodeId: bytesToHex(ID_A), address: '10.0.0.1', tcpPort: 9000 }]);
  assert.deepEqual(drain(a), [{ type: 'peer-discovered', nodeId: bytesToHex(ID_B), address: '10.0.0.2', tcpPort: 9001 }]);
  assert.deepEqual(a.peers(), [{ nodeId: bytesToHex(ID_B), address: '10.0.0.2', tcpPort: 9001 }]);

  // The next announcement, 3 s later, refreshes; a new source address replaces the old one (as in the reference).
  a.handleTimeout(T0 + 3_000);
  b.receive(transmitted(a), { address: '10.9.9.9', port: 9999 }, T0 + 3_004);
  assert.deepEqual(drain(b), [{ type: 'peer-refreshed', nodeId: bytesToHex(ID_A), address: '10.9.9.9', tcpPort: 9000 }]);
  assert.equal(b.counters.discovered, 1);
  assert.equal(b.counters.refreshed, 1);
});

test('foreign community, bad signature, tampering, own messages, replays and wrong lengths are rejected with their reason', () => {
  const a = agent();
  const own = transmitted(a);
  const good = announcement({ challenge: 1 });
  const tampered = good.slice();
  tampered[25] = tampered[25]! ^ 0x01; // the announced TCP port: the signature covers it

  assert.equal(verdict(a, announcement({ challenge: 2, community: 'other-lab' }), T0), 'other-community');
  assert.equal(verdict(a, announcement({ challenge: 3, key: new TextEncoder().encode('guessed-key') }), T0), 'bad-signature');
  assert.equal(verdict(a, tampered, T0), 'bad-signature');
  assert.equal(verdict(a, own, T0), 'own');
  assert.equal(verdict(a, good, T0), 'peer-discovered');
  assert.equal(verdict(a, good, T0 + 5_000, { address: '10.6.6.6', port: 1 }), 'replay');
  assert.equal(verdict(a, new Uint8Array(49), T0), 'bad-length');
  assert.equal(verdict(a, new Uint8Array([...good, 0]), T0), 'bad-length');

  a.receive(new Uint8Array(0), { address: '10.6.6.6', port: 4 }, T0);
  assert.deepEqual(drain(a), [{ type: 'message-rejected', reason: 'bad-length', from: { address: '10.6.6.6', port: 4 } }]);
  assert.deepEqual(rejected(a), { 'other-community': 1, 'bad-signature': 2, own: 1, replay: 1, 'bad-length': 3 });
  assert.equal(a.counters.received, 9);
  assert.deepEqual(a.peers(), [{ nodeId: bytesToHex(ID_X), address: '10.0.0.3', tcpPort: 9100 }]);
});

test('announces at once, then every 3 s; a late driver gets one announcement, not a burst, and the cadence keeps its phase', () => {
  const a = agent();
  const first = decodeDiscovery(transmitted(a));
  assert.equal(first.timestamp, T0 / 1000);
  assert.equal(a.pollTransmit(), null);
  assert.equal(a.pollTimeout(), T0 + 3_000);

  a.handleTimeout(T0 + 2_999);
  assert.equal(a.pollTransmit(), null);
  const { sentAt } = runUntil(a, T0 + 12_000);
  assert.deepEqual(sentAt, [3_000, 6_000, 9_000, 12_000].map((ms) => T0 + ms));

  a.handleTimeout(T0 + 22_500); // the driver slept through 15, 18 and 21 s
  assert.equal(decodeDiscovery(transmitted(a)).timestamp, (T0 + 22_000) / 1000);
  assert.equal(a.pollTransmit(), null);
  assert.equal(a.pollTimeout(), T0 + 24_000);

  // An announcement the driver never took is replaced by the newer one, not queued behind it.
  a.handleTimeout(T0 + 24_000);
  a.handleTimeout(T0 + 27_000);
  assert.equal(decodeDiscovery(transmitted(a)).timestamp, (T0 + 27_000) / 1000);
  assert.equal(a.pollTransmit(), null);
  assert.equal(a.counters.announced, 7); // the superseded one was never handed out
});

test('a peer is dropped 15 s after its last accepted announcement, and kept while it announces', () => {
  const a = agent();
  a.receive(announcement({ challenge: 1 }), FROM_X, T0 + 1_000);
  a.receive(announcement({ challenge: 2, at: T0 + 4_000 }), FROM_X, T0 + 4_000);
  drain(a);
  assert.equal(a.pollTimeout(), T0 + 3_000);
  const { events } = runUntil(a, T0 + 18_999);
  assert.deepEqual(events, []);
  assert.equal(a.peerCount, 1);
  assert.equal(a.pollTimeout(), T0 + 19_000);

  const lost = runUntil(a, T0 + 19_000).events;
  assert.deepEqual(lost, [{ type: 'peer-lost', nodeId: bytesToHex(ID_X), address: '10.0.0.3', tcpPort: 9100, at: T0 + 19_000 }]);
  assert.equal(a.peerCount, 0);
  assert.equal(a.counters.lost, 1);
  assert.equal(a.pollTimeout(), T0 + 21_000); // only the announcements are left to drive

  // A peer that went stale before the driver's timer fired is lost first, then discovered anew.
  a.receive(announcement({ challenge: 3, at: T0 + 20_000 }), FROM_X, T0 + 20_000);
  a.receive(announcement({ challenge: 4, at: T0 + 40_000 }), FROM_X, T0 + 40_000);
  assert.deepEqual(drain(a).map((e) => e.type), ['peer-discovered', 'peer-lost', 'peer-discovered']);
});

test('asoc-v1: timestamps older than 60 s are stale, as far ahead are future; repeats within 1 s are rate-limited', () => {
  const a = agent({ profile: ASOC_V1 });
  const now = T0 + 100_000;
  assert.equal(verdict(a, announcement({ challenge: 1, at: now - 61_000 }), now), 'stale');
  assert.equal(verdict(a, announcement({ challenge: 2, at: now + 61_000 }), now), 'future');
  assert.equal(verdict(a, announcement({ challenge: 3, at: now - 59_000 }), now), 'peer-discovered');
  assert.equal(verdict(a, announcement({ challenge: 4, at: now }), now + 999), 'rate-limited');
  assert.equal(verdict(a, announcement({ challenge: 5, at: now }), now + 1_000), 'peer-refreshed');
  assert.equal(verdict(a, announcement({ challenge: 6, nodeId: ID_B, at: now }), now + 1_001, FROM_B), 'peer-discovered');
  assert.deepEqual(rejected(a), { stale: 1, future: 1, 'rate-limited': 1 });

  // The rate-limited message's challenge was spent: replayed after the interval, it is still refused.
  assert.equal(verdict(a, announcement({ challenge: 4, at: now }), now + 5_000), 'replay');
});

test('asoc-v1/reference: old timestamps and back-to-back repeats are accepted', () => {
  const a = agent({ profile: ASOC_V1_REFERENCE });
  assert.equal(verdict(a, announcement({ challenge: 1, at: 0 }), T0), 'peer-discovered');
  assert.equal(verdict(a, announcement({ challenge: 2, at: T0 - 3_600_000 }), T0 + 1), 'peer-refreshed');
  assert.equal(verdict(a, announcement({ challenge: 3, at: T0 + 86_400_000 }), T0 + 2), 'peer-refreshed');
  assert.deepEqual(rejected(a), {});
});

let crowdCache: Uint8Array[] | undefined;

/** 10,001 announcements at T0 + 10 from nodes 0…10,000, node i with challenge i (signed once, shared by the tests). */
function crowd(): Uint8Array[] {
  crowdCache ??= Array.from({ length: 10_001 }, (_, i) => announcement({ challenge: i, nodeId: nodeId(i), at: T0 + 10 }));
  return crowdCache;
}

/** Node X announces once, then 10,000 further announcements from the cluster pass; X's first one is replayed. */
function replayAfterTenThousand(profile: AsocProfile): { agent: DiscoveryAgent; replayed: string } {
  const a = agent({ profile, maxPeers: 20_000 });
  const early = announcement({ challenge: 0, at: T0 });
  assert.equal(verdict(a, early, T0), 'peer-discovered');
  for (const datagram of crowd().slice(1)) a.receive(datagram, FROM_B, T0 + 10);
  drain(a);
  assert.equal(a.counters.discovered, 10_001);
  return { agent: a, replayed: verdict(a, early, T0 + 20, { address: '192.0.2.66', port: 1 }) };
}

test('asoc-v1/reference: the seen-set is emptied past 10,000 entries, so an early announcement replays successfully', () => {
  const { agent: a, replayed } = replayAfterTenThousand(ASOC_V1_REFERENCE);
  assert.equal(a.replayCacheClears, 1);
  assert.equal(replayed, 'peer-refreshed'); // the weakness: accepted...
  assert.deepEqual(a.peers().find((p) => p.nodeId === bytesToHex(ID_X)), { nodeId: bytesToHex(ID_X), address: '192.0.2.66', tcpPort: 9100 }); // ...and it moved X to the attacker
});

test('asoc-v1: the same replay after 10,000 announcements is still refused', () => {
  const { agent: a, replayed } = replayAfterTenThousand(ASOC_V1);
  assert.equal(a.replayCacheClears, 0);
  assert.equal(replayed, 'replay');
});

test('the peer table is bounded: a new peer beyond maxPeers is rejected until one goes stale', () => {
  const a = agent({ maxPeers: 3 });
  for (let i = 1; i <= 3; i++) assert.equal(verdict(a, announcement({ challenge: i, nodeId: nodeId(i) }), T0), 'peer-discovered');
  assert.equal(verdict(a, announcement({ challenge: 4, nodeId: nodeId(4) }), T0), 'peer-table-full');
  assert.equal(verdict(a, announcement({ challenge: 5, nodeId: nodeId(1), at: T0 + 2_000 }), T0 + 2_000), 'peer-refreshed'); // known peers still refresh
  assert.equal(a.peerCount, 3);
  assert.equal(verdict(a, announcement({ challenge: 6, nodeId: nodeId(4), at: T0 + 15_000 }), T0 + 15_000), 'peer-discovered'); // 2 and 3 went stale
  assert.equal(a.peerCount, 2);
  assert.equal(a.counters.rejected['peer-table-full'], 1);
});

test('the default peer table holds 10,000 peers', () => {
  const a = agent({ profile: ASOC_V1_REFERENCE });
  assert.equal(a.maxPeers, 10_000);
  for (const datagram of crowd()) a.receive(datagram, FROM_B, T0 + 10);
  assert.equal(a.peerCount, 10_000);
  assert.deepEqual(rejected(a), { 'peer-table-full': 1 });
});

test('every verdict is counted: received = discovered + refreshed + rejected', () => {
  const a = agent();
  const b = agent({ nodeId: ID_B, random: seededRandom('b') });
  for (let t = T0; t <= T0 + 30_000; t += 3_000) {
    b.handleTimeout(t);
    const datagram = transmitted(b);
    a.receive(datagram, FROM_B, t + 1);
    a.receive(datagram, FROM_B, t + 2); // a duplicated datagram
  }
  const c = a.counters;
  assert.deepEqual({ received: c.received, discovered: c.discovered, refreshed: c.refreshed, lost: c.lost }, { received: 22, discovered: 1, refreshed: 10, lost: 0 });
  assert.deepEqual(rejected(a), { replay: 11 });
});

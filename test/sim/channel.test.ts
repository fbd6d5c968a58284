import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FREE_CPU, type LinkOptions, type Packet } from '../../sim/index.ts';
import { twoHosts } from './support.ts';

const PORT = 5000;
const UDP_OVERHEAD = 20 + 8; // IP + UDP headers
const FRAMING = 38;

function numbered(index: number, size = 100): Uint8Array {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, index);
  return bytes;
}

const indexOf = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);

/** a sends `count` datagrams to b, `gapMs` apart; returns the arrivals as [time, index]. */
function udpRun(link: LinkOptions, count: number, options: { gapMs?: number; size?: number; seed?: number } = {}) {
  const { sim, a, b, link: wire } = twoHosts({ seed: options.seed ?? 1, link, a: { cpu: FREE_CPU }, b: { cpu: FREE_CPU } });
  const arrivals: Array<[number, number]> = [];
  b.udp.bind(PORT).onMessage = (datagram) => arrivals.push([sim.scheduler.now, indexOf(datagram.bytes)]);
  const socket = a.udp.bind();
  for (let i = 0; i < count; i++) sim.scheduler.at(i * (options.gapMs ?? 0), () => socket.send('10.0.0.2', PORT, numbered(i, options.size)));
  sim.scheduler.runUntilIdle();
  return { arrivals, channel: wire.aToB, sim };
}

test('serialisation at the bandwidth plus latency sets arrival times exactly', () => {
  const size = 1000;
  const wire = (size + UDP_OVERHEAD + FRAMING) * 8; // bits per packet on the wire
  const { arrivals } = udpRun({ bandwidthBps: 8e6, latencyMs: 3, queueBytes: 1e9 }, 20, { size });
  const perPacketMs = (wire / 8e6) * 1000;
  assert.equal(arrivals.length, 20);
  arrivals.forEach(([time, index], i) => {
    assert.equal(index, i);
    assert.ok(Math.abs(time - (3 + (i + 1) * perPacketMs)) < 1e-9, `packet ${i} at ${time}`);
  });
});

test('a full transmit queue drops at the tail', () => {
  const size = 1000;
  const perPacket = size + UDP_OVERHEAD + FRAMING;
  const { arrivals, channel } = udpRun({ bandwidthBps: 8e6, latencyMs: 1, queueBytes: 10 * perPacket }, 100, { size });
  assert.deepEqual(
    arrivals.map(([, index]) => index),
    [...Array(10).keys()],
  );
  assert.equal(channel.counts.dropped, 90);
});

test('loss, duplication and reordering happen at the configured rates (fixed seeds, 4-sigma bounds)', () => {
  const n = 10_000;
  const within = (observed: number, p: number, label: string): void => {
    const sigma = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(observed - n * p) < 4 * sigma, `${label}: ${observed} vs ${n * p} ± ${4 * sigma}`);
  };
  const fast = { bandwidthBps: Infinity, latencyMs: 1 };

  const lossy = udpRun({ ...fast, loss: 0.1 }, n, { gapMs: 0.01 });
  within(n - lossy.arrivals.length, 0.1, 'lost');
  assert.equal(new Set(lossy.arrivals.map(([, i]) => i)).size, lossy.arrivals.length, 'loss never duplicates');

  const doubled = udpRun({ ...fast, duplicate: 0.05 }, n, { gapMs: 0.01 });
  within(doubled.arrivals.length - n, 0.05, 'duplicated');
  assert.equal(new Set(doubled.arrivals.map(([, i]) => i)).size, n, 'every datagram arrives');

  const shuffled = udpRun({ ...fast, reorder: 0.1, reorderDelayMs: 2 }, n, { gapMs: 0.1 });
  let late = 0;
  let highest = -1;
  for (const [, index] of shuffled.arrivals) {
    if (index < highest) late++;
    highest = Math.max(highest, index);
  }
  within(late, 0.1, 'reordered');
  assert.equal(shuffled.arrivals.length, n);

  const calm = udpRun(fast, n, { gapMs: 0.01 });
  assert.equal(calm.arrivals.length, n);
  assert.ok(calm.arrivals.every(([, index], i) => index === i));
});

test('jitter spreads delay within [latency, latency + jitter) and never reorders', () => {
  const dense = udpRun({ bandwidthBps: Infinity, latencyMs: 5, jitterMs: 4 }, 2000, { gapMs: 1 });
  assert.ok(dense.arrivals.every(([, index], i) => index === i), 'in order although jitter exceeds the gap');
  const sparse = udpRun({ bandwidthBps: Infinity, latencyMs: 5, jitterMs: 4 }, 2000, { gapMs: 5 });
  const delays = sparse.arrivals.map(([time, index]) => time - index * 5);
  assert.ok(Math.min(...delays) >= 5 && Math.max(...delays) < 9, 'delays within [5, 9)');
  const mean = delays.reduce((s, d) => s + d, 0) / delays.length;
  assert.ok(Math.abs(mean - 7) < 0.1, `mean delay ${mean}`); // uniform on [5, 9): sigma of the mean 0.026
});

test('fault rules pass, drop or delay each packet, in the order added, and can be removed', () => {
  const { sim, a, b, link } = twoHosts({ link: { bandwidthBps: Infinity, latencyMs: 1 }, a: { cpu: FREE_CPU }, b: { cpu: FREE_CPU } });
  const arrivals: Array<[number, number]> = [];
  b.udp.bind(PORT).onMessage = (d) => arrivals.push([sim.scheduler.now, indexOf(d.bytes)]);
  const removeDrop = link.aToB.addRule((packet) => (indexOf(packet.payload) % 3 === 0 ? 'drop' : 'pass'));
  link.aToB.addRule((packet) => (indexOf(packet.payload) % 3 === 1 ? { delayMs: 10 } : 'pass'));
  const socket = a.udp.bind();
  for (let i = 0; i < 6; i++) socket.send('10.0.0.2', PORT, numbered(i));
  sim.scheduler.runUntilIdle();
  assert.deepEqual(arrivals, [
    [1, 2],
    [1, 5],
    [11, 1],
    [11, 4],
  ]);
  removeDrop();
  socket.send('10.0.0.2', PORT, numbered(9));
  sim.scheduler.runUntilIdle();
  assert.equal(arrivals.at(-1)![1], 9);
});

test('the tap observes, modifies, drops and injects (a recorded packet replayed later)', () => {
  const { sim, a, b, link } = twoHosts({ trace: { record: true }, link: { bandwidthBps: Infinity, latencyMs: 1 } });
  const received: number[] = [];
  b.udp.bind(PORT).onMessage = (d) => received.push(indexOf(d.bytes));
  const seen: number[] = [];
  const recorded: Packet[] = [];
  link.aToB.setTap((packet) => {
    const index = indexOf(packet.payload);
    seen.push(index);
    recorded.push(packet);
    if (index === 1) return null; // drop
    if (index === 2) return packet.with({ payload: numbered(200) }); // modify
    return packet;
  });
  const socket = a.udp.bind();
  for (let i = 0; i < 4; i++) socket.send('10.0.0.2', PORT, numbered(i));
  sim.scheduler.at(50, () => link.aToB.inject(recorded[0]!)); // replay the first datagram
  sim.scheduler.runUntilIdle();
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.deepEqual(received, [0, 200, 3, 0]);
  const kinds = sim.trace.entries.filter((e) => e.kind !== 'event').map((e) => e.kind);
  assert.ok(kinds.includes('modify') && kinds.includes('inject'), 'modify and inject are traced');
  assert.ok(sim.trace.entries.some((e) => e.kind === 'drop' && e.reason === 'tap'), 'the tap drop is traced');
});

test('a partitioned link loses packets; a held link delivers them, in order, when it heals', () => {
  const { sim, a, b, link } = twoHosts({ link: { bandwidthBps: Infinity, latencyMs: 1 } });
  const received: Array<[number, number]> = [];
  b.udp.bind(PORT).onMessage = (d) => received.push([sim.scheduler.now, indexOf(d.bytes)]);
  const socket = a.udp.bind();
  for (let i = 0; i < 30; i++) sim.scheduler.at(i, () => socket.send('10.0.0.2', PORT, numbered(i)));
  sim.scheduler.at(5, () => link.partition());
  sim.scheduler.at(10, () => link.heal());
  sim.scheduler.at(15, () => link.hold());
  sim.scheduler.at(20, () => link.heal());
  sim.scheduler.runUntilIdle();
  const indices = received.map(([, i]) => i);
  assert.deepEqual(indices, [0, 1, 2, 3, 4, ...[10, 11, 12, 13, 14], ...[15, 16, 17, 18, 19], ...Array.from({ length: 10 }, (_, k) => 20 + k)]);
  const held = received.filter(([, i]) => i >= 15 && i < 20);
  assert.ok(held.every(([time]) => time >= 20 && time < 21.1), `held packets arrive after the heal: ${JSON.stringify(held)}`);
});

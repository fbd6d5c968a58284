/** The adversaries' own mechanics: tap stacking, reassembly, frame parsing, on-path injection kept in step. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GCM_TAG_SIZE } from '../../../src/crypto/backend.ts';
import { concatBytes } from '../../../src/wire/bytes.ts';
import { FrameType, encodeHeader } from '../../../src/wire/frame.ts';
import { TraceExcerpt } from '../../../attacks/simulated/adversary/excerpt.ts';
import { FrameParser, TcpReassembler, frameBytes } from '../../../attacks/simulated/adversary/frame-sniffer.ts';
import { OnPathInjector } from '../../../attacks/simulated/adversary/on-path-injector.ts';
import { addTap } from '../../../attacks/simulated/adversary/taps.ts';
import { EMPTY_PAYLOAD, Packet, Protocol, TcpFlag } from '../../../sim/packet.ts';
import { Simulation } from '../../../sim/simulation.ts';
import { createHash } from 'node:crypto';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function segment(seq: number, payload: Uint8Array, flags: number = TcpFlag.ACK): Packet {
  return new Packet({ protocol: Protocol.TCP, src: 1, dst: 2, srcPort: 1000, dstPort: 9000, seq, ack: 0, flags, window: 0, mss: 0, payload });
}

test('taps on one channel run in the order added, a null drops the packet, and a removed tap is skipped', () => {
  const sim = new Simulation({ seed: 1 });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
  const link = sim.link(a, b);
  const seen: string[] = [];
  addTap(link.aToB, (p) => (seen.push(`first:${decode(p.payload)}`), p.with({ payload: text(decode(p.payload).toUpperCase()) })));
  const remove = addTap(link.aToB, (p) => (seen.push(`second:${decode(p.payload)}`), decode(p.payload) === 'DROP' ? null : p));
  const received: string[] = [];
  b.udp.bind(7).onMessage = (d) => received.push(decode(d.bytes));
  const socket = a.udp.bind(8);
  socket.send('10.0.0.2', 7, text('keep'));
  socket.send('10.0.0.2', 7, text('drop'));
  sim.scheduler.runUntilIdle();
  remove();
  socket.send('10.0.0.2', 7, text('drop'));
  sim.scheduler.runUntilIdle();
  assert.deepEqual(seen, ['first:keep', 'second:KEEP', 'first:drop', 'second:DROP', 'first:drop']);
  assert.deepEqual(received, ['KEEP', 'DROP']);
});

test('the reassembler delivers in order from the SYN on; retransmissions and overlaps add nothing, the first copy wins', () => {
  const out: string[] = [];
  const reassembler = new TcpReassembler((bytes, offset) => out.push(`${offset}:${decode(bytes)}`));
  const isn = 0xffff_fffe; // wraps around 2^32 within the stream
  reassembler.segment(segment(isn, EMPTY_PAYLOAD, TcpFlag.SYN));
  reassembler.segment(segment((isn + 1 + 5) >>> 0, text('world')));
  reassembler.segment(segment((isn + 1) >>> 0, text('hello')));
  reassembler.segment(segment((isn + 1 + 3) >>> 0, text('XXXXXXX!'))); // overlaps both, adds one byte
  reassembler.segment(segment((isn + 1) >>> 0, text('hello'))); // a retransmission
  assert.deepEqual(out, ['0:hello', '5:world', '10:!']);
  assert.equal(reassembler.length, 11);
  assert.equal(reassembler.offsetOf((isn + 1) >>> 0), 0);
});

test('the reassembler keeps out-of-order segments bounded: segments from before the stream start and far ahead are dropped, not kept', () => {
  const out: number[] = [];
  const reassembler = new TcpReassembler((bytes) => out.push(bytes.length));
  const isn = 1_000_000;
  reassembler.segment(segment(isn, EMPTY_PAYLOAD, TcpFlag.SYN));
  // Old segments (sequence numbers before the SYN: offsets wrap to ~2^32) never drain, so they must not wait.
  for (let i = 1; i <= 10_000; i++) reassembler.segment(segment(isn - 100 * i, text('old')));
  reassembler.segment(segment(isn + 1 + 64 * 1024 * 1024, text('far ahead')));
  assert.equal(reassembler.waitingSegments, 0);
  assert.equal(reassembler.dropped, 10_001);
  // Within the window: at most a bounded number wait, and they drain once the hole is filled.
  for (let i = 1; i <= 5_000; i++) reassembler.segment(segment(isn + 1 + 4 * i, text('abcd')));
  assert.equal(reassembler.waitingSegments, 4096);
  reassembler.segment(segment(isn + 1, text('0123')));
  assert.equal(reassembler.length, 4 + 4 * 4096);
  assert.equal(reassembler.waitingSegments, 0);
});

test('the frame parser reads frames cut anywhere, with their offsets, and hashes each stream', () => {
  const payload = text('tensor bytes');
  const wire = concatBytes(encodeHeader(FrameType.HELLO, 0, 0, 3), text('abc'), encodeHeader(FrameType.DATA, 1, 0, payload.length), payload, encodeHeader(FrameType.END, 1, 1, 0));
  const parser = new FrameParser();
  for (let i = 0; i < wire.length; i += 5) parser.push(wire.subarray(i, i + 5));
  assert.deepEqual(
    parser.frames.map((f) => [f.header.type, f.header.streamId, f.offset]),
    [
      [FrameType.HELLO, 0, 0],
      [FrameType.DATA, 1, 17],
      [FrameType.END, 1, 43],
    ],
  );
  assert.equal(parser.version, 1);
  assert.ok(parser.atFrameBoundary);
  assert.deepEqual(parser.streams(), [{ streamId: 1, bytes: payload.length, sha256: createHash('sha256').update(payload).digest('hex'), ended: true }]);
  assert.deepEqual(frameBytes(parser.frames[1]!), wire.subarray(17, 43));
});

test('in wire version 2 the parser leaves the tag out of a stream; a stream it cannot parse stops it without a throw', () => {
  const payload = text('clear tensor');
  const tag = new Uint8Array(GCM_TAG_SIZE).fill(7);
  const parser = new FrameParser();
  parser.push(concatBytes(encodeHeader(FrameType.DATA, 1, 0, payload.length + GCM_TAG_SIZE, 2), payload, tag));
  assert.equal(parser.version, 2);
  assert.equal(parser.streams()[0]!.sha256, createHash('sha256').update(payload).digest('hex'));
  parser.push(encodeHeader(FrameType.DATA, 3, 0, 1, 1)); // version 1 in a version 2 stream
  assert.match(parser.parseError?.message ?? '', /version 1/);
  parser.push(text('more'));
  assert.equal(parser.frames.length, 1);
});

test('on-path injection lands between the sender\'s bytes and both ends carry on in step (no ACK storm, nothing resent)', () => {
  const sim = new Simulation({ seed: 3 });
  const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
  const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
  const link = sim.link(client, server, { latencyMs: 1 });
  let received = '';
  server.tcp.listen(9000, (socket) => (socket.onData = (bytes) => (received += decode(bytes))));
  const excerpt = new TraceExcerpt();
  const injector = new OnPathInjector({ flow: (p) => p.dstPort === 9000, senderChannel: link.aToB, receiverChannel: link.bToA, now: () => sim.scheduler.now, excerpt });
  const socket = client.tcp.connect('10.0.0.2', 9000);
  socket.onConnect = () => socket.write(text('hello '));
  sim.scheduler.at(50, () => injector.inject(text('EVIL ')));
  sim.scheduler.at(100, () => socket.write(text('world')));
  sim.scheduler.runUntilTime(5_000);
  assert.equal(received, 'hello EVIL world');
  assert.equal(socket.stats.bytesAcked, 11, 'the client sees all of its own bytes acknowledged, and only those');
  assert.equal(socket.stats.retransmittedSegments, 0);
  assert.ok(socket.stats.segmentsReceived < 10, `an ACK storm would flood the client: it got ${socket.stats.segmentsReceived} segments`);
  assert.deepEqual(injector.counts, { injectedSegments: 1, injectedBytes: 5, shiftedSegments: 1, shiftedAcks: 2 });
  assert.equal(excerpt.entries[0]?.what, 'inject');
});

test('a trace excerpt keeps its first entries and counts the rest', () => {
  const excerpt = new TraceExcerpt(2);
  for (let i = 0; i < 5; i++) excerpt.add(i / 3, 'h', 'e', `${i}`);
  assert.deepEqual(
    excerpt.entries.map((e) => [e.time, e.detail]),
    [
      [0, '0'],
      [0.333, '1'],
    ],
  );
  assert.equal(excerpt.omitted, 3);
});

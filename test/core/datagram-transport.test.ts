/**
 * The two halves of stt over UDP on their own, with time passed in: frames cut into segments and
 * put back together whatever the order, duplicates taken once, lost segments sent again at their
 * deadline, streams that never wait for each other, and every bound a refusal naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatagramReceiver, DatagramRefusal, type DatagramReceiverOptions } from '../../src/core/datagram-receiver.ts';
import { DatagramSender, type DatagramSenderOptions } from '../../src/core/datagram-sender.ts';
import { decodeDatagram, type DataSegment } from '../../src/wire/stt-datagram.ts';

/** 40-byte datagrams leave 20 bytes of segment after the worst-case header. */
const SEND: DatagramSenderOptions = { maxDatagramBytes: 40, windowPerStream: 4, packetSpan: 64, initialRtoMs: 10, rtoMarginMs: 1, maxRtoMs: 100, maxRetransmits: 3 };
const RECEIVE: DatagramReceiverOptions = { packetWindow: 64, maxStreams: 2, maxBufferedSegments: 4, maxFrameBytes: 100, maxBufferedBytes: 1000 };

const frameOf = (length: number, fill: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (fill + i) & 0xff);
const segment = (datagram: Uint8Array): DataSegment => decodeDatagram(datagram) as DataSegment;

function drainSender(sender: DatagramSender, now = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = sender.pollDatagram(now); d; d = sender.pollDatagram(now)) out.push(d);
  return out;
}

function framesOf(receiver: DatagramReceiver): { streamId: number; bytes: number[] }[] {
  const out: { streamId: number; bytes: number[] }[] = [];
  for (let f = receiver.pollFrame(); f; f = receiver.pollFrame()) out.push({ streamId: f.streamId, bytes: [...f.bytes] });
  return out;
}

test('a frame is cut into segments of the room a datagram leaves; only the last carries the flag', () => {
  const sender = new DatagramSender(SEND);
  sender.sendFrame(1, frameOf(50, 0), false);
  const segments = drainSender(sender).map(segment);
  assert.deepEqual(segments.map((s) => [s.packet, s.streamId, s.index, s.bytes.length, s.last]), [[0, 1, 0, 20, false], [1, 1, 1, 20, false], [2, 1, 2, 10, true]]);
  assert.equal(sender.unacknowledgedBytes, 50);
  assert.throws(() => new DatagramSender({ ...SEND, maxDatagramBytes: 20 }), /leaves no room/);
});

test('segments in any order become the frame, once, however often they come', () => {
  const sender = new DatagramSender(SEND);
  const receiver = new DatagramReceiver(RECEIVE);
  const frame = frameOf(50, 7);
  sender.sendFrame(1, frame, false);
  const datagrams = drainSender(sender);
  for (const d of [datagrams[2]!, datagrams[0]!, datagrams[2]!, datagrams[1]!, datagrams[0]!]) assert.deepEqual(receiver.take(segment(d)), { acknowledge: true });
  assert.deepEqual(framesOf(receiver), [{ streamId: 1, bytes: [...frame] }]);
  assert.equal(receiver.stats.outOfOrder, 1, 'segment 2 came before 1 (segment 0, later, was still the next one needed)');
  assert.equal(receiver.stats.duplicates, 2);
});

test('a segment lost is sent again at its deadline, with its packet number, and acknowledged segments are not', () => {
  const sender = new DatagramSender(SEND);
  const receiver = new DatagramReceiver(RECEIVE);
  sender.sendFrame(1, frameOf(50, 1), false);
  const [lost, ...arrived] = drainSender(sender, 0);
  for (const d of arrived) receiver.take(segment(d));
  sender.acknowledge(arrived.map((d) => segment(d).packet), 4);
  assert.equal(sender.pollTimeout(), 10, 'the initial RTO after the send at 0');
  sender.handleTimeout(9);
  assert.equal(sender.pollDatagram(9), null, 'not before its deadline');
  sender.handleTimeout(10);
  const again = drainSender(sender, 10);
  assert.deepEqual(again, [lost], 'the one unacknowledged segment, byte for byte');
  assert.equal(sender.stats.retransmissions, 1);
  receiver.take(segment(again[0]!));
  assert.deepEqual(framesOf(receiver).map((f) => f.bytes.length), [50]);
  sender.acknowledge([segment(lost!).packet], 12);
  assert.equal(sender.unacknowledgedBytes, 0);
  assert.equal(sender.pollTimeout(), null);
});

test('each retransmission waits twice as long, and a segment never acknowledged ends in a failure naming it', () => {
  const sender = new DatagramSender(SEND);
  sender.sendFrame(3, frameOf(5, 0), true);
  drainSender(sender, 0);
  const deadlines: number[] = [];
  for (let i = 0; i < 10 && !sender.failure; i++) {
    const deadline = sender.pollTimeout()!;
    deadlines.push(deadline);
    sender.handleTimeout(deadline);
    drainSender(sender, deadline);
  }
  assert.deepEqual(deadlines, [10, 30, 70, 150]);
  assert.match(sender.failure!, /packet 0 \(stream 3\) unacknowledged after 3 retransmissions/);
  assert.equal(sender.pollDatagram(200), null);
  assert.equal(sender.pollTimeout(), null);
});

test("a stream missing a segment holds back only its own frames: another stream's complete as they arrive", () => {
  const sender = new DatagramSender(SEND);
  const receiver = new DatagramReceiver(RECEIVE);
  sender.sendFrame(1, frameOf(30, 1), false);
  sender.sendFrame(1, frameOf(10, 2), false);
  sender.sendFrame(3, frameOf(30, 3), false);
  const segments = drainSender(sender).map(segment);
  assert.deepEqual(segments.map((s) => s.streamId), [1, 3, 1, 3, 1], 'the streams take turns');
  for (const s of segments.filter((s) => !(s.streamId === 1 && s.index === 0))) receiver.take(s);
  assert.deepEqual(framesOf(receiver).map((f) => f.streamId), [3], "stream 3's frame, stream 1's held");
  receiver.take(segments.find((s) => s.streamId === 1 && s.index === 0)!);
  assert.deepEqual(framesOf(receiver).map((f) => [f.streamId, f.bytes.length]), [[1, 30], [1, 10]], "then both of stream 1's, in order");
});

test("a stream's window bounds its segments in flight, not the others'", () => {
  const sender = new DatagramSender(SEND);
  sender.sendFrame(1, frameOf(200, 0), false);
  sender.sendFrame(3, frameOf(20, 0), false);
  const sent = drainSender(sender).map(segment);
  assert.equal(sent.filter((s) => s.streamId === 1).length, 4);
  assert.equal(sent.filter((s) => s.streamId === 3).length, 1);
  sender.acknowledge([sent[0]!.packet], 1);
  assert.deepEqual(drainSender(sender, 1).map((d) => segment(d).index), [4], 'one acknowledged, one more sent');
});

test('every bound on what a receiver holds refuses the segment, naming the bound, and takes the next good one', () => {
  const seg = (packet: number, streamId: number, index: number, length = 10, last = false): DataSegment => ({ kind: 'data', packet, streamId, index, last, bytes: new Uint8Array(length) });
  const refusal = (result: ReturnType<DatagramReceiver['take']>): string => (result instanceof DatagramRefusal ? `${result.code}: ${result.message}` : 'taken');

  const streams = new DatagramReceiver(RECEIVE);
  streams.take(seg(0, 1, 0));
  streams.take(seg(1, 3, 0));
  assert.match(refusal(streams.take(seg(2, 5, 0))), /too-many-streams: stream 5: 2 streams are open already/);
  streams.retire(1);
  assert.equal(refusal(streams.take(seg(3, 5, 0))), 'taken', 'a retired stream makes room');

  const ahead = new DatagramReceiver(RECEIVE);
  assert.match(refusal(ahead.take(seg(0, 1, 4))), /beyond-window: stream 1: segment 4, more than 4 ahead of 0/);
  assert.equal(refusal(ahead.take(seg(0, 1, 3))), 'taken', 'a refused packet number is not remembered');

  const large = new DatagramReceiver(RECEIVE);
  for (let i = 0; i < 3; i++) large.take(seg(i, 1, i, 30));
  assert.match(refusal(large.take(seg(3, 1, 3, 30))), /frame-too-large: stream 1: a frame of more than 100 bytes/);
  assert.equal(large.pollFrame(), null);

  const stale = new DatagramReceiver(RECEIVE);
  stale.take(seg(100, 1, 0));
  assert.match(refusal(stale.take(seg(20, 3, 0))), /stale-packet: packet 20 is below the window of the last 64/);

  const full = new DatagramReceiver({ ...RECEIVE, maxBufferedBytes: 25 });
  full.take(seg(0, 1, 1, 20, true));
  assert.match(refusal(full.take(seg(1, 3, 1, 10))), /buffer-full: 20 bytes held, 25 at most/);
  full.take(seg(2, 1, 0, 5, true));
  assert.equal(refusal(full.take(seg(3, 3, 1, 10))), 'taken', 'bytes of a completed frame are no longer held');
});

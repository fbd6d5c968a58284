/**
 * The datagrams of stt over UDP: varints, DATA and ACK codecs (each bad datagram a WireError naming
 * what was wrong), and the window of numbers seen that tells a repeat from a late arrival.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterWindow } from '../../src/core/counter-window.ts';
import { WireError } from '../../src/wire/errors.ts';
import { DatagramKind, decodeDatagram, encodeAck, encodeDataSegment } from '../../src/wire/stt-datagram.ts';
import { readVarint, varintSize, writeVarint } from '../../src/wire/varint.ts';

test('varints round-trip from 0 to 2^53 - 1, seven bits a byte', () => {
  for (const value of [0, 1, 127, 128, 300, 16_383, 16_384, 0xffff_ffff, 2 ** 53 - 1]) {
    const bytes = new Uint8Array(varintSize(value));
    assert.equal(writeVarint(bytes, 0, value), bytes.length);
    assert.deepEqual(readVarint(bytes, 0, 'v'), { value, next: bytes.length });
  }
  const b = new Uint8Array(2);
  writeVarint(b, 0, 300);
  assert.deepEqual([...b], [0xac, 0x02], 'low seven bits first, the high bit on all but the last byte');
  assert.throws(() => writeVarint(new Uint8Array(9), 0, -1), WireError);
});

test('a DATA datagram round-trips: packet number, varint stream id, segment index, last flag, the bytes as a view', () => {
  const bytes = Uint8Array.of(9, 8, 7);
  const encoded = encodeDataSegment({ packet: 70_000, streamId: 5, index: 300, last: true, bytes });
  assert.equal(encoded[0], DatagramKind.DATA);
  assert.equal(encoded.length, 1 + 3 + 1 + 2 + 1 + 3, 'a stream id below 128 takes one byte');
  const decoded = decodeDatagram(encoded);
  assert.deepEqual({ ...decoded, bytes: [...(decoded as { bytes: Uint8Array }).bytes] }, { kind: 'data', packet: 70_000, streamId: 5, index: 300, last: true, bytes: [9, 8, 7] });
});

test('an ACK round-trips its packet numbers; it carries 1 to 255', () => {
  assert.deepEqual(decodeDatagram(encodeAck([0, 127, 128, 2 ** 40])), { kind: 'ack', packets: [0, 127, 128, 2 ** 40] });
  assert.throws(() => encodeAck([]), /1 to 255/);
  assert.throws(() => encodeAck(Array.from({ length: 256 }, (_, i) => i)), /1 to 255/);
});

test('every malformed datagram is a WireError naming what was wrong', () => {
  const data = encodeDataSegment({ packet: 1, streamId: 3, index: 0, last: false, bytes: Uint8Array.of(1) });
  const cases: [Uint8Array, WireError['code'], RegExp][] = [
    [new Uint8Array(0), 'truncated', /empty datagram/],
    [Uint8Array.of(0x7e, 1), 'bad-field', /unknown datagram kind 0x7e/],
    [Uint8Array.of(DatagramKind.DATA, 0x80), 'truncated', /DATA packet number: varint runs past the end/],
    [Uint8Array.of(DatagramKind.DATA, ...new Array(9).fill(0xff)), 'bad-field', /varint longer than 8 bytes/],
    [Uint8Array.of(DatagramKind.DATA, 1, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 1), 'bad-field', /stream id \d+ above 2\^32 - 1/],
    [Uint8Array.of(DatagramKind.DATA, 1, 3, 0), 'truncated', /ends before its flags/],
    [Uint8Array.of(DatagramKind.DATA, 1, 3, 0, 0x02, 5), 'bad-field', /flags 0x2 has unknown bits/],
    [data.subarray(0, data.length - 1), 'bad-length', /carries no segment bytes/],
    [Uint8Array.of(DatagramKind.ACK), 'truncated', /before its count/],
    [Uint8Array.of(DatagramKind.ACK, 0), 'bad-field', /no packet numbers/],
    [Uint8Array.of(DatagramKind.ACK, 2, 1), 'truncated', /ACK packet number/],
    [Uint8Array.of(DatagramKind.ACK, 1, 1, 9), 'bad-length', /1 bytes after them/],
  ];
  for (const [bytes, code, message] of cases) {
    assert.throws(() => decodeDatagram(bytes), (err: unknown) => err instanceof WireError && err.code === code && message.test(err.message), `${[...bytes]}`);
  }
});

test('the counter window tells fresh numbers, repeats and numbers fallen below it, in any order', () => {
  const window = new CounterWindow(64);
  for (const n of [5, 3, 60, 4]) {
    assert.equal(window.check(n), 'fresh', `${n}`);
    window.mark(n);
  }
  assert.equal(window.check(5), 'seen');
  assert.equal(window.check(60), 'seen');
  assert.equal(window.check(59), 'fresh');
  window.mark(70);
  assert.equal(window.check(5), 'too-old', '70 - 5 ≥ 64');
  assert.equal(window.check(7), 'fresh', '70 - 7 < 64, never seen');
  window.mark(7);
  assert.equal(window.check(7), 'seen');
  window.mark(200);
  assert.equal(window.check(70), 'too-old');
  assert.equal(window.check(150), 'fresh', 'a slot the window slid over was cleared');
  assert.equal(window.check(200 + 64 * 3), 'fresh');
  assert.throws(() => new CounterWindow(12), RangeError);
});

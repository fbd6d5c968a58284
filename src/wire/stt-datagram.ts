/**
 * The datagrams of stt over UDP (docs/stt.md §7). A frame is cut into segments, each carried by one
 * datagram; every DATA datagram has a packet number of its own, which the receiver acknowledges.
 *
 *   DATA  0x01 · packet varint · stream id varint · segment index varint · flags u8 · segment bytes
 *   ACK   0x02 · count u8 (1–255) · packet varint × count
 *
 * The segment index counts the stream's segments in one direction from 0; flag bit 0 marks the last
 * segment of a frame. Stream ids are varints, as STT's are, up to the lab's u32. A retransmitted
 * segment keeps its packet number, so a duplicate is known by it.
 */
import { WireError } from './errors.ts';
import { readVarint, varintSize, writeVarint } from './varint.ts';

export const DatagramKind = { DATA: 0x01, ACK: 0x02 } as const;

export const LAST_SEGMENT_FLAG = 0x01;
const KNOWN_FLAGS = LAST_SEGMENT_FLAG;
const MAX_STREAM_ID = 0xffff_ffff;
export const MAX_ACKS_PER_DATAGRAM = 255;

export interface DataSegment {
  kind: 'data';
  packet: number;
  streamId: number;
  index: number;
  /** The frame's last segment. */
  last: boolean;
  /** A view of the datagram: not copied. */
  bytes: Uint8Array;
}

export interface AckDatagram {
  kind: 'ack';
  packets: number[];
}

export type SttDatagram = DataSegment | AckDatagram;

/** Bytes a DATA datagram spends before its segment bytes. */
export function dataHeaderSize(packet: number, streamId: number, index: number): number {
  return 1 + varintSize(packet) + varintSize(streamId) + varintSize(index) + 1;
}

export function encodeDataSegment(segment: Omit<DataSegment, 'kind'>): Uint8Array {
  if (segment.streamId > MAX_STREAM_ID) throw new WireError('bad-field', `stream id ${segment.streamId} above 2^32 - 1`);
  const out = new Uint8Array(dataHeaderSize(segment.packet, segment.streamId, segment.index) + segment.bytes.length);
  out[0] = DatagramKind.DATA;
  let at = writeVarint(out, 1, segment.packet);
  at = writeVarint(out, at, segment.streamId);
  at = writeVarint(out, at, segment.index);
  out[at++] = segment.last ? LAST_SEGMENT_FLAG : 0;
  out.set(segment.bytes, at);
  return out;
}

export function encodeAck(packets: readonly number[]): Uint8Array {
  if (packets.length === 0 || packets.length > MAX_ACKS_PER_DATAGRAM) throw new WireError('bad-field', `an ACK carries 1 to ${MAX_ACKS_PER_DATAGRAM} packet numbers, got ${packets.length}`);
  const out = new Uint8Array(2 + packets.reduce((n, p) => n + varintSize(p), 0));
  out[0] = DatagramKind.ACK;
  out[1] = packets.length;
  let at = 2;
  for (const packet of packets) at = writeVarint(out, at, packet);
  return out;
}

/** One datagram, or a WireError naming what is wrong with it. */
export function decodeDatagram(bytes: Uint8Array): SttDatagram {
  if (bytes.length === 0) throw new WireError('truncated', 'empty datagram');
  const kind = bytes[0]!;
  if (kind === DatagramKind.DATA) return decodeData(bytes);
  if (kind === DatagramKind.ACK) return decodeAck(bytes);
  throw new WireError('bad-field', `unknown datagram kind 0x${kind.toString(16).padStart(2, '0')}`);
}

function decodeData(bytes: Uint8Array): DataSegment {
  const packet = readVarint(bytes, 1, 'DATA packet number');
  const stream = readVarint(bytes, packet.next, 'DATA stream id');
  if (stream.value > MAX_STREAM_ID) throw new WireError('bad-field', `DATA stream id ${stream.value} above 2^32 - 1`);
  const index = readVarint(bytes, stream.next, 'DATA segment index');
  if (index.next >= bytes.length) throw new WireError('truncated', 'DATA datagram ends before its flags');
  const flags = bytes[index.next]!;
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new WireError('bad-field', `DATA flags 0x${flags.toString(16)} has unknown bits`);
  const segment = bytes.subarray(index.next + 1);
  if (segment.length === 0) throw new WireError('bad-length', 'DATA datagram carries no segment bytes');
  return { kind: 'data', packet: packet.value, streamId: stream.value, index: index.value, last: (flags & LAST_SEGMENT_FLAG) !== 0, bytes: segment };
}

function decodeAck(bytes: Uint8Array): AckDatagram {
  if (bytes.length < 2) throw new WireError('truncated', 'ACK datagram ends before its count');
  const count = bytes[1]!;
  if (count === 0) throw new WireError('bad-field', 'ACK with no packet numbers');
  const packets: number[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const read = readVarint(bytes, at, 'ACK packet number');
    packets.push(read.value);
    at = read.next;
  }
  if (at !== bytes.length) throw new WireError('bad-length', `ACK of ${count} packet numbers has ${bytes.length - at} bytes after them`);
  return { kind: 'ack', packets };
}

/**
 * The ASoc v1 frame (RFC-0001 §7, as the reference implementation sends it; docs/asoc-v1.md):
 * version u8 | type u8 | stream_id u32 | seq u32 | length u32, then `length` payload bytes.
 * The RFC's diagrams draw a 13-byte header with 4-bit version/type fields; the text, the size
 * claims and the reference use 14 bytes (claim X1), and so does this codec.
 */
import { WireError } from './errors.ts';
import { concatBytes, requireUint, view } from './bytes.ts';

export const FRAME_VERSION = 1;
export const HEADER_SIZE = 14;
/** Default largest payload a decoder accepts; the reference sets none, the RFC asks for one (§10.4). */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;
/** The largest payload the 32-bit length field can announce. */
export const MAX_WIRE_LENGTH = 0xffffffff;

export const FrameType = {
  DATA: 1,
  END: 2,
  CONTROL: 3,
  HELLO: 4,
  ACCEPT: 5,
  /** asoc-hardened (wire version 2) only: the client's key confirmation; reserved in v1. */
  FINISH: 6,
} as const;
export type KnownFrameType = (typeof FrameType)[keyof typeof FrameType];

/** Frame types 0x80–0xFF are the application's own on profiles that allow custom frames (stt: STT reserves 0x00–0x7F). */
export const CUSTOM_FRAME_TYPES = { min: 0x80, max: 0xff } as const;

export function isCustomFrameType(type: number): boolean {
  return Number.isInteger(type) && type >= CUSTOM_FRAME_TYPES.min && type <= CUSTOM_FRAME_TYPES.max;
}

export function requireCustomFrameType(type: number): void {
  if (!isCustomFrameType(type)) throw new WireError('bad-field', `a custom frame type is 0x80 to 0xff, got ${type}`);
}

export function frameTypeName(type: number): string {
  for (const [name, value] of Object.entries(FrameType)) if (value === type) return name;
  return `reserved(${type})`;
}

export interface FrameHeader {
  version: number;
  type: number;
  streamId: number;
  seq: number;
  length: number;
}

/** One line for evidence and logs, e.g. "DATA v1 stream 1 seq 0 len 4096" (a TCP segment's line says "len" too). */
export function describeFrame(header: FrameHeader): string {
  return `${frameTypeName(header.type)} v${header.version} stream ${header.streamId} seq ${header.seq} len ${header.length}`;
}

export interface Frame {
  type: number;
  streamId: number;
  seq: number;
  payload: Uint8Array;
}

/** The 14 header bytes alone, so a large payload can be written after it without being copied. */
export function encodeHeader(type: number, streamId: number, seq: number, length: number, version = FRAME_VERSION): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new WireError('bad-field', `frame type must be a byte, got ${type}`);
  if (!Number.isInteger(version) || version < 0 || version > 0xff) throw new WireError('bad-field', `version must be a byte, got ${version}`);
  requireUint('stream_id', streamId, 32);
  requireUint('seq', seq, 32);
  requireUint('length', length, 32);
  const out = new Uint8Array(HEADER_SIZE);
  const v = view(out);
  v.setUint8(0, version);
  v.setUint8(1, type);
  v.setUint32(2, streamId);
  v.setUint32(6, seq);
  v.setUint32(10, length);
  return out;
}

/** Header and payload in one new buffer (for small frames and tests; the node writes them apart). */
export function encodeFrame(frame: Frame): Uint8Array {
  return concatBytes(encodeHeader(frame.type, frame.streamId, frame.seq, frame.payload.length), frame.payload);
}

export interface HeaderLimits {
  maxFrameSize?: number;
  /** The wire version this decoder speaks (default 1; asoc-hardened speaks 2). */
  version?: number;
}

/**
 * Decodes and checks a header: the version first (a peer speaking another version is closed, §9.2),
 * then the announced length against the maximum, before a single payload byte is buffered.
 */
export function decodeHeader(bytes: Uint8Array, limits: HeaderLimits = {}): FrameHeader {
  if (bytes.length < HEADER_SIZE) throw new WireError('truncated', `frame header needs ${HEADER_SIZE} bytes, got ${bytes.length}`);
  const v = view(bytes);
  const header: FrameHeader = {
    version: v.getUint8(0),
    type: v.getUint8(1),
    streamId: v.getUint32(2),
    seq: v.getUint32(6),
    length: v.getUint32(10),
  };
  const version = limits.version ?? FRAME_VERSION;
  if (header.version !== version) {
    throw new WireError('bad-version', `frame version ${header.version}, this decoder speaks ${version}`);
  }
  const max = limits.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (header.length > max) {
    throw new WireError('frame-too-large', `${frameTypeName(header.type)} frame announces ${header.length} bytes, maximum is ${max}`);
  }
  return header;
}

/** Decodes exactly one whole frame (no bytes may follow). */
export function decodeFrame(bytes: Uint8Array, limits: HeaderLimits = {}): Frame {
  const header = decodeHeader(bytes, limits);
  const end = HEADER_SIZE + header.length;
  if (bytes.length < end) throw new WireError('truncated', `frame needs ${end} bytes, got ${bytes.length}`);
  if (bytes.length > end) throw new WireError('bad-length', `frame is ${end} bytes but ${bytes.length} were given`);
  return { type: header.type, streamId: header.streamId, seq: header.seq, payload: bytes.subarray(HEADER_SIZE, end) };
}

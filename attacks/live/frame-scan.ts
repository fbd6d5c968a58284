/**
 * Splits a byte stream into frames by the 14-byte header's length field alone, whatever the version
 * byte says: an attacker records and replays frames of any protocol version (v1 or the hardened v2),
 * where src/wire's FrameReader refuses a version it does not speak. Frames are kept whole up to
 * `maxPayload`; a larger one is reported with its header and no payload, and its bytes skipped.
 */
import { HEADER_SIZE, frameTypeName } from '../../src/wire/frame.ts';
import { concatBytes, view } from '../../src/wire/bytes.ts';

export interface ScannedFrame {
  version: number;
  type: number;
  streamId: number;
  seq: number;
  length: number;
  /** The whole frame, header included, exactly as it was on the wire (null if it was too large to keep). */
  bytes: Uint8Array | null;
}

export function describeFrame(frame: ScannedFrame): string {
  return `${frameTypeName(frame.type)} v${frame.version} stream ${frame.streamId} seq ${frame.seq} length ${frame.length}`;
}

export class FrameScanner {
  private pending: Uint8Array = new Uint8Array(0);
  private skipping = 0;

  constructor(private readonly maxPayload = 64 * 1024) {}

  /** Adds bytes and returns the frames they completed. */
  push(bytes: Uint8Array): ScannedFrame[] {
    const frames: ScannedFrame[] = [];
    let input = bytes;
    if (this.skipping > 0) {
      const skipped = Math.min(this.skipping, input.length);
      this.skipping -= skipped;
      input = input.subarray(skipped);
    }
    this.pending = this.pending.length ? concatBytes(this.pending, input) : input.slice();
    while (this.pending.length >= HEADER_SIZE) {
      const v = view(this.pending);
      const header = { version: v.getUint8(0), type: v.getUint8(1), streamId: v.getUint32(2), seq: v.getUint32(6), length: v.getUint32(10) };
      if (header.length > this.maxPayload) {
        const available = this.pending.length - HEADER_SIZE;
        this.skipping = header.length - Math.min(available, header.length);
        this.pending = this.pending.subarray(HEADER_SIZE + Math.min(available, header.length));
        frames.push({ ...header, bytes: null });
        continue;
      }
      const end = HEADER_SIZE + header.length;
      if (this.pending.length < end) break;
      frames.push({ ...header, bytes: this.pending.slice(0, end) });
      this.pending = this.pending.subarray(end);
    }
    return frames;
  }
}

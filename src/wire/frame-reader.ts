/**
 * Streaming frame decoder: takes bytes cut anywhere (one byte at a time, or many frames per chunk)
 * and hands out frames. Payloads are views of the input when they arrive contiguous; otherwise one
 * buffer of exactly the announced length is filled, and only after the header passed its checks, so
 * no input makes it allocate more than the maximum frame size.
 *
 * Frame types chosen by `streamed` (DATA on a connection) are never assembled: their payload comes
 * out as pieces as the bytes arrive, always without a copy, so a 1 MiB chunk costs no memcpy.
 */
import { WireError } from './errors.ts';
import { HEADER_SIZE, decodeHeader, type Frame, type FrameHeader, type HeaderLimits } from './frame.ts';

export type ReaderItem =
  | { kind: 'frame'; header: FrameHeader; payload: Uint8Array }
  | { kind: 'piece'; header: FrameHeader; data: Uint8Array; offset: number; last: boolean };

export interface FrameReaderOptions extends HeaderLimits {
  /** Frames whose payload is handed out in pieces instead of assembled (decided on the header). */
  streamed?: (header: FrameHeader) => boolean;
  /** Extra checks on each header before any of its payload is buffered; throw a WireError to refuse it. */
  checkHeader?: (header: FrameHeader) => void;
}

interface Partial {
  header: FrameHeader;
  received: number;
  buffer: Uint8Array | null; // assembly buffer, only when the payload arrived split
}

export class FrameReader {
  private chunks: Uint8Array[] = [];
  private head = 0; // index of the first unconsumed chunk
  private headOffset = 0; // consumed bytes of chunks[head]
  private bufferedBytes = 0;
  private current: Partial | null = null;
  private failure: WireError | null = null;
  private milestoneCount = 0;
  private readonly streamed: (header: FrameHeader) => boolean;

  constructor(private readonly options: FrameReaderOptions = {}) {
    this.streamed = options.streamed ?? (() => false);
  }

  /** Bytes received but not yet handed out. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /** True between frames: no partial header or payload is held. */
  get atFrameBoundary(): boolean {
    return this.current === null && this.bufferedBytes === 0;
  }

  /** Bytes of an unfinished frame held here (its header, assembled payload and unread input). */
  get pendingBytes(): number {
    if (this.current === null) return this.bufferedBytes;
    return HEADER_SIZE + (this.current.buffer ? this.current.received : 0) + this.bufferedBytes;
  }

  /** True once a header is decoded, until its frame's last payload byte is handed out. */
  get inPayload(): boolean {
    return this.current !== null;
  }

  /** Headers decoded plus frames finished so far: it moves whenever a read completes (a connection's read timeout restarts then). */
  get milestones(): number {
    return this.milestoneCount;
  }

  push(bytes: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.bufferedBytes += bytes.length;
  }

  /** The next frame or piece, or null until more bytes arrive. Throws WireError, and keeps throwing it. */
  read(): ReaderItem | null {
    if (this.failure) throw this.failure;
    if (this.current === null) {
      if (this.bufferedBytes < HEADER_SIZE) return null;
      let header: FrameHeader;
      try {
        header = decodeHeader(this.take(HEADER_SIZE), this.options);
        this.options.checkHeader?.(header);
      } catch (err) {
        this.failure = err instanceof WireError ? err : new WireError('bad-field', String(err));
        throw this.failure;
      }
      this.current = { header, received: 0, buffer: null };
      this.milestoneCount++;
      if (header.length === 0) return this.finish(new Uint8Array(0));
    }
    return this.streamed(this.current.header) ? this.readPiece(this.current) : this.readWhole(this.current);
  }

  private readPiece(partial: Partial): ReaderItem | null {
    if (this.bufferedBytes === 0) return null;
    const chunk = this.chunks[this.head]!;
    const wanted = partial.header.length - partial.received;
    const available = chunk.length - this.headOffset;
    const data = this.take(Math.min(wanted, available));
    const offset = partial.received;
    partial.received += data.length;
    const last = partial.received === partial.header.length;
    if (last) {
      this.current = null;
      this.milestoneCount++;
    }
    return { kind: 'piece', header: partial.header, data, offset, last };
  }

  private readWhole(partial: Partial): ReaderItem | null {
    const length = partial.header.length;
    if (partial.buffer === null) {
      const chunk = this.chunks[this.head];
      if (chunk && chunk.length - this.headOffset >= length) return this.finish(this.take(length));
      if (this.bufferedBytes === 0) return null;
      partial.buffer = new Uint8Array(length);
    }
    while (partial.received < length && this.bufferedBytes > 0) {
      const chunk = this.chunks[this.head]!;
      const n = Math.min(length - partial.received, chunk.length - this.headOffset);
      partial.buffer.set(this.take(n), partial.received);
      partial.received += n;
    }
    return partial.received === length ? this.finish(partial.buffer) : null;
  }

  private finish(payload: Uint8Array): ReaderItem {
    const header = this.current!.header;
    this.current = null;
    this.milestoneCount++;
    if (this.streamed(header)) return { kind: 'piece', header, data: payload, offset: 0, last: true };
    return { kind: 'frame', header, payload };
  }

  /** Removes n bytes (n <= buffered): the chunk itself or a view when they sit in one chunk, a copy otherwise (headers only). */
  private take(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    if (first.length - this.headOffset >= n) {
      const out = this.headOffset === 0 && n === first.length ? first : first.subarray(this.headOffset, this.headOffset + n);
      this.advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const m = Math.min(n - filled, chunk.length - this.headOffset);
      out.set(chunk.subarray(this.headOffset, this.headOffset + m), filled);
      filled += m;
      this.advance(m);
    }
    return out;
  }

  private advance(n: number): void {
    this.bufferedBytes -= n;
    this.headOffset += n;
    if (this.headOffset === this.chunks[this.head]!.length) {
      this.chunks[this.head] = EMPTY; // release the reference
      this.head++;
      this.headOffset = 0;
      if (this.head > 64 && this.head * 2 > this.chunks.length) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
    }
  }
}

const EMPTY = new Uint8Array(0);

/** Decodes every whole frame in `bytes`; what is left of an unfinished frame is reported, not lost. */
export function decodeFrames(bytes: Uint8Array, limits: HeaderLimits = {}): { frames: Frame[]; pendingBytes: number } {
  const reader = new FrameReader(limits);
  reader.push(bytes);
  const frames: Frame[] = [];
  for (let item = reader.read(); item; item = reader.read()) {
    if (item.kind === 'frame') frames.push({ type: item.header.type, streamId: item.header.streamId, seq: item.header.seq, payload: item.payload });
  }
  return { frames, pendingBytes: reader.pendingBytes };
}

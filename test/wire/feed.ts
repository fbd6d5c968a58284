/** Drives a FrameReader the way a socket would: bytes cut into chunks, read after each push. */
import { encodeFrame, HEADER_SIZE, type Frame } from '../../src/wire/frame.ts';
import type { FrameReader, ReaderItem } from '../../src/wire/frame-reader.ts';
import type { Cutting } from './arbitraries.ts';

/** Where each frame's payload starts in the concatenated stream. */
export interface EncodedStream {
  bytes: Uint8Array;
  payloadStarts: number[];
}

export function encodeStream(frames: Frame[]): EncodedStream {
  const parts = frames.map(encodeFrame);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const payloadStarts: number[] = [];
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    payloadStarts.push(at + HEADER_SIZE);
    at += part.length;
  }
  return { bytes, payloadStarts };
}

/** A piece of the stream in its own ArrayBuffer, and where it starts in the stream. */
export interface Chunk {
  start: number;
  bytes: Uint8Array;
}

export function cut(stream: Uint8Array, cutting: Cutting): Chunk[] {
  const bounds = [0, ...cutPoints(cutting, stream.length), stream.length];
  const chunks: Chunk[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const start = bounds[i - 1]!;
    const end = bounds[i]!;
    if (end > start) chunks.push({ start, bytes: stream.slice(start, end) });
  }
  return chunks;
}

function cutPoints(cutting: Cutting, length: number): number[] {
  switch (cutting.kind) {
    case 'whole':
      return [];
    case 'bytewise':
      return Array.from({ length: Math.max(length - 1, 0) }, (_, i) => i + 1);
    case 'at':
      return [...new Set(cutting.points.map((p) => p % (length + 1)))].sort((a, b) => a - b);
  }
}

export interface FeedResult {
  items: ReaderItem[];
  /** What read() or push() threw, if anything (the items before it are kept). */
  error?: unknown;
}

/**
 * Pushes the chunks in order, reading everything available after each push (`readEachPush`) or only
 * at the end. Every item consumes at least one byte or a header, so a reader that yields more items
 * than it was given bytes is not making progress: that fails instead of hanging.
 */
export function feed(reader: FrameReader, chunks: Chunk[], readEachPush = true): FeedResult {
  const items: ReaderItem[] = [];
  let pushed = 0;
  const drain = (): void => {
    for (let item = reader.read(); item; item = reader.read()) {
      items.push(item);
      if (items.length > pushed) throw new Error(`reader yielded ${items.length} items from ${pushed} bytes: it does not progress`);
    }
  };
  try {
    for (const chunk of chunks) {
      reader.push(chunk.bytes);
      pushed += chunk.bytes.length;
      if (readEachPush) drain();
    }
    drain();
    return { items };
  } catch (error) {
    return { items, error };
  }
}

/** Where `data` sits in the stream if it is a view of one of the chunks, else null (it is a copy). */
export function streamPosition(data: Uint8Array, chunks: Chunk[]): number | null {
  const chunk = chunks.find((c) => c.bytes.buffer === data.buffer);
  return chunk ? chunk.start + data.byteOffset - chunk.bytes.byteOffset : null;
}

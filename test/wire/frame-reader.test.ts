/** The streaming FrameReader on valid input: frames in order however the bytes are cut, pieces, views. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FRAME_VERSION, HEADER_SIZE, MAX_WIRE_LENGTH, encodeFrame, encodeHeader, type Frame, type FrameHeader } from '../../src/wire/frame.ts';
import { FrameReader, decodeFrames, type ReaderItem } from '../../src/wire/frame-reader.ts';
import { cutting, frames, streamedTypes, type Cutting } from './arbitraries.ts';
import { cut, encodeStream, feed, streamPosition, type Chunk, type EncodedStream } from './feed.ts';

interface Decoded {
  header: FrameHeader;
  payload: Uint8Array;
}

function expected(frames: Frame[]): Decoded[] {
  return frames.map(({ payload, ...f }) => ({ header: { version: FRAME_VERSION, ...f, length: payload.length }, payload }));
}

interface Run {
  stream: EncodedStream;
  chunks: Chunk[];
  items: ReaderItem[];
}

/** Feeds `frames`, cut as `cutting`, to a reader without a size limit; it must end between frames. */
function run(frames: Frame[], cutting: Cutting, readEachPush: boolean, streamed?: (type: number) => boolean): Run {
  const stream = encodeStream(frames);
  const chunks = cut(stream.bytes, cutting);
  const reader = new FrameReader({ maxFrameSize: MAX_WIRE_LENGTH, ...(streamed && { streamed: (h) => streamed(h.type) }) });
  const { items, error } = feed(reader, chunks, readEachPush);
  assert.equal(error, undefined);
  assert.ok(reader.atFrameBoundary);
  assert.equal(reader.pendingBytes, 0);
  return { stream, chunks, items };
}

/**
 * Rebuilds frames from items, checking the piece protocol on the way: a streamed frame's pieces
 * follow each other, offsets run from 0 without gaps, and only the final piece is `last`.
 */
function reassemble(items: ReaderItem[]): Decoded[] {
  const out: Decoded[] = [];
  let open: { header: FrameHeader; parts: Uint8Array[]; received: number } | null = null;
  for (const item of items) {
    if (item.kind === 'frame') {
      assert.equal(open, null, 'a whole frame in the middle of a streamed one');
      out.push({ header: item.header, payload: item.payload });
      continue;
    }
    open ??= { header: item.header, parts: [], received: 0 };
    assert.deepStrictEqual(item.header, open.header);
    assert.equal(item.offset, open.received);
    assert.ok(item.data.length > 0 || item.header.length === 0, 'an empty piece of a non-empty frame');
    open.parts.push(item.data);
    open.received += item.data.length;
    assert.equal(item.last, open.received === item.header.length);
    if (item.last) {
      out.push({ header: open.header, payload: new Uint8Array(Buffer.concat(open.parts)) });
      open = null;
    }
  }
  assert.equal(open, null, 'a streamed frame never finished');
  return out;
}

test('yields exactly the frames pushed, in order, however the bytes are cut', () => {
  fc.assert(
    fc.property(frames, cutting, fc.boolean(), (frames, cutting, readEachPush) => {
      const { items } = run(frames, cutting, readEachPush);
      assert.ok(items.every((item) => item.kind === 'frame'));
      assert.deepStrictEqual(reassemble(items), expected(frames));
    }),
  );
});

test('streamed frame types come out as pieces that concatenate to the payload, with right offset and last', () => {
  fc.assert(
    fc.property(frames, cutting, fc.boolean(), streamedTypes, (frames, cutting, readEachPush, streamed) => {
      const { items } = run(frames, cutting, readEachPush, streamed);
      for (const item of items) assert.equal(item.kind === 'piece', streamed(item.header.type));
      assert.deepStrictEqual(reassemble(items), expected(frames));
    }),
  );
});

test('payloads that arrive contiguous, and every piece, are views of the input', () => {
  fc.assert(
    fc.property(frames, cutting, fc.boolean(), streamedTypes, (frames, cutting, readEachPush, streamed) => {
      const { stream, chunks, items } = run(frames, cutting, readEachPush, streamed);
      let index = 0; // the frame the next item belongs to
      for (const item of items) {
        const start = stream.payloadStarts[index]!;
        if (item.kind === 'piece') {
          if (item.data.length > 0) assert.equal(streamPosition(item.data, chunks), start + item.offset);
          if (item.last) index++;
          continue;
        }
        const end = start + item.payload.length;
        const contiguous = item.payload.length > 0 && chunks.some((c) => c.start <= start && end <= c.start + c.bytes.length);
        if (contiguous) assert.equal(streamPosition(item.payload, chunks), start);
        index++;
      }
    }),
  );
});

test('a payload in the same chunk as its header is a view of that chunk', () => {
  const chunk = Uint8Array.of(...encodeFrame({ type: 1, streamId: 1, seq: 0, payload: Uint8Array.of(7, 8, 9) }), 0xee);
  const reader = new FrameReader();
  reader.push(chunk);
  const item = reader.read();
  assert.equal(item?.kind, 'frame');
  assert.equal(item.payload.buffer, chunk.buffer);
  assert.equal(item.payload.byteOffset, HEADER_SIZE);
  assert.deepStrictEqual(item.payload, Uint8Array.of(7, 8, 9));
  assert.equal(reader.read(), null);
  assert.equal(reader.buffered, 1);
});

test('a payload split over two pushes is assembled in one buffer of exactly its length', () => {
  const reader = new FrameReader();
  reader.push(Uint8Array.of(...encodeHeader(3, 2, 5, 4), 1, 2));
  assert.equal(reader.read(), null);
  assert.equal(reader.pendingBytes, HEADER_SIZE + 2);
  reader.push(Uint8Array.of(3, 4));
  const item = reader.read();
  assert.equal(item?.kind, 'frame');
  assert.deepStrictEqual(item.header, { version: FRAME_VERSION, type: 3, streamId: 2, seq: 5, length: 4 });
  assert.deepStrictEqual(item.payload, Uint8Array.of(1, 2, 3, 4));
  assert.equal(item.payload.buffer.byteLength, 4);
  assert.ok(reader.atFrameBoundary);
});

test('decodeFrames returns the whole frames and counts the bytes of the unfinished one', () => {
  const whole = { type: 2, streamId: 9, seq: 1, payload: new Uint8Array(0) };
  const bytes = Uint8Array.of(...encodeFrame(whole), ...encodeHeader(1, 9, 2, 10), 1, 2, 3);
  assert.deepStrictEqual(decodeFrames(bytes), { frames: [whole], pendingBytes: HEADER_SIZE + 3 });
});

test('milestones count each header decoded and each frame finished, assembled or in pieces; inPayload is true between them', () => {
  for (const streamed of [false, true]) {
    const reader = new FrameReader({ streamed: () => streamed });
    const bytes = encodeFrame({ type: 1, streamId: 1, seq: 0, payload: new Uint8Array(10) });
    const steps: [number, boolean][] = [];
    const step = (part: Uint8Array) => {
      reader.push(part);
      while (reader.read() !== null);
      steps.push([reader.milestones, reader.inPayload]);
    };
    step(bytes.subarray(0, HEADER_SIZE - 1)); // part of the header
    step(bytes.subarray(HEADER_SIZE - 1, HEADER_SIZE + 4)); // the header, part of the payload
    step(bytes.subarray(HEADER_SIZE + 4)); // the rest
    step(encodeHeader(2, 1, 1, 0)); // an empty frame: header and end at once
    assert.deepEqual(steps, [[0, false], [1, true], [2, false], [4, false]], `streamed: ${streamed}`);
  }
});

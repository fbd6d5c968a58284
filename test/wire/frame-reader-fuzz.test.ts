/**
 * The FrameReader on hostile input: random bytes and mutated valid streams never make it throw
 * anything but the WireError a header walk predicts, never stall, never allocate more than the
 * maximum frame size, and once failed it keeps throwing the same error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { WireError, type WireErrorCode } from '../../src/wire/errors.ts';
import { DEFAULT_MAX_FRAME_SIZE, FRAME_VERSION, HEADER_SIZE, MAX_WIRE_LENGTH, encodeHeader } from '../../src/wire/frame.ts';
import { FrameReader, type FrameReaderOptions } from '../../src/wire/frame-reader.ts';
import { largestAllocation } from './allocation-spy.ts';
import { cutting, frames, streamedTypes, u8, type Cutting } from './arbitraries.ts';
import { cut, encodeStream, feed, type FeedResult } from './feed.ts';

const MiB = 1024 * 1024;

/** What a correct reader reports for these bytes, found by walking the headers with Buffer reads. */
function headerWalk(bytes: Uint8Array, maxFrameSize: number): { frames: number; failure: WireErrorCode | null } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let frames = 0;
  for (let at = 0; at + HEADER_SIZE <= buf.length; frames++) {
    if (buf[at] !== FRAME_VERSION) return { frames, failure: 'bad-version' };
    const length = buf.readUInt32BE(at + 10);
    if (length > maxFrameSize) return { frames, failure: 'frame-too-large' };
    at += HEADER_SIZE + length;
    if (at > buf.length) break;
  }
  return { frames, failure: null };
}

/** Feeds the bytes to a new reader; `largest` is the largest Uint8Array allocated meanwhile. */
function feedWatched(options: FrameReaderOptions, bytes: Uint8Array, how: Cutting, readEachPush: boolean) {
  const reader = new FrameReader(options);
  const chunks = cut(bytes, how);
  let result: FeedResult = { items: [] };
  const largest = largestAllocation(() => {
    result = feed(reader, chunks, readEachPush);
  });
  return { reader, largest, ...result };
}

/** Once failed, read() and push() throw that same error object. */
function assertStaysFailed(reader: FrameReader, error: WireError): void {
  assert.throws(() => reader.read(), (e) => e === error);
  assert.throws(() => reader.push(Uint8Array.of(FRAME_VERSION)), (e) => e === error);
  assert.throws(() => reader.read(), (e) => e === error);
}

function checkHostile(bytes: Uint8Array, maxFrameSize: number, how: Cutting, readEachPush: boolean, streamed: (type: number) => boolean): void {
  const { reader, largest, items, error } = feedWatched({ maxFrameSize, streamed: (h) => streamed(h.type) }, bytes, how, readEachPush);
  assert.ok(largest <= Math.max(maxFrameSize, HEADER_SIZE), `allocated ${largest} bytes, maximum frame size ${maxFrameSize}`);
  const walk = headerWalk(bytes, maxFrameSize);
  for (const item of items) {
    assert.equal(item.header.version, FRAME_VERSION);
    assert.ok(item.header.length <= maxFrameSize);
  }
  assert.equal(items.filter((item) => item.kind === 'frame' || item.last).length, walk.frames);
  if (walk.failure === null) {
    assert.equal(error, undefined);
    return;
  }
  assert.ok(error instanceof WireError, `threw ${String(error)}`);
  assert.equal(error.code, walk.failure);
  assertStaysFailed(reader, error);
}

const maxFrameSize = fc.integer({ min: 0, max: 700 });

/** Random bytes, half of them starting with the right version so the walk gets past the first byte. */
const randomBytes = fc
  .tuple(fc.uint8Array({ maxLength: 400, size: 'max' }), fc.boolean())
  .map(([bytes, versioned]) => (versioned && bytes.length > 0 ? Uint8Array.of(FRAME_VERSION, ...bytes.subarray(1)) : bytes));

test('random bytes: only the WireError the header walk predicts, bounded allocation', () => {
  fc.assert(
    fc.property(randomBytes, maxFrameSize, cutting, fc.boolean(), streamedTypes, (bytes, max, how, each, streamed) =>
      checkHostile(bytes, max, how, each, streamed),
    ),
    { numRuns: 200 },
  );
});

test('mutated valid frames: only the WireError the header walk predicts, bounded allocation', () => {
  const mutations = fc.array(fc.record({ at: fc.nat(), value: u8 }), { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(frames, mutations, maxFrameSize, cutting, fc.boolean(), streamedTypes, (frames, mutations, max, how, each, streamed) => {
      const bytes = encodeStream(frames).bytes;
      for (const { at, value } of mutations) if (bytes.length > 0) bytes[at % bytes.length] = value;
      checkHostile(bytes, max, how, each, streamed);
    }),
    { numRuns: 300 },
  );
});

interface Refusal {
  what: string;
  version: number;
  length: number;
  /** Payload bytes pushed after the header, which the reader must not buffer. */
  payloadBytes: number;
  options: FrameReaderOptions;
  code: WireErrorCode;
}

const oneMiB: FrameReaderOptions = { maxFrameSize: MiB };
const onlyHelloSized: FrameReaderOptions = {
  checkHeader: (h) => {
    if (h.length !== 36) throw new WireError('bad-length', `HELLO must be 36 bytes, header announces ${h.length}`);
  },
};

const refusals: Refusal[] = [
  { what: 'a header announcing 4 GiB, maxFrameSize 1 MiB', version: 1, length: MAX_WIRE_LENGTH, payloadBytes: 4096, options: oneMiB, code: 'frame-too-large' },
  { what: 'a length one above maxFrameSize', version: 1, length: MiB + 1, payloadBytes: 100, options: oneMiB, code: 'frame-too-large' },
  { what: 'a length above the default maximum', version: 1, length: DEFAULT_MAX_FRAME_SIZE + 1, payloadBytes: 0, options: {}, code: 'frame-too-large' },
  { what: 'version 0', version: 0, length: 4, payloadBytes: 4, options: {}, code: 'bad-version' },
  { what: 'version 2', version: 2, length: 0, payloadBytes: 0, options: {}, code: 'bad-version' },
  { what: 'version 255 announcing 4 GiB (version is checked first)', version: 255, length: MAX_WIRE_LENGTH, payloadBytes: 10, options: oneMiB, code: 'bad-version' },
  { what: 'a header its checkHeader refuses', version: 1, length: 37, payloadBytes: 37, options: onlyHelloSized, code: 'bad-length' },
];

for (const r of refusals) {
  for (const how of [{ kind: 'whole' }, { kind: 'bytewise' }] as const) {
    test(`${r.what} → ${r.code}, before any payload is buffered (${how.kind})`, () => {
      const bytes = Uint8Array.of(...encodeHeader(4, 1, 0, r.length, r.version), ...new Uint8Array(r.payloadBytes));
      const { reader, largest, items, error } = feedWatched(r.options, bytes, how, true);
      assert.ok(largest <= HEADER_SIZE, `allocated ${largest} bytes`);
      assert.deepStrictEqual(items, []);
      assert.ok(error instanceof WireError);
      assert.equal(error.code, r.code);
      assertStaysFailed(reader, error);
    });
  }
}

test('a length equal to maxFrameSize is accepted', () => {
  const reader = new FrameReader({ maxFrameSize: 8 });
  reader.push(Uint8Array.of(...encodeHeader(1, 1, 0, 8), ...new Uint8Array(8)));
  assert.equal(reader.read()?.kind, 'frame');
});

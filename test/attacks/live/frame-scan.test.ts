import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameScanner } from '../../../attacks/live/frame-scan.ts';
import { concatBytes } from '../../../src/wire/bytes.ts';
import { FrameType, encodeFrame, encodeHeader } from '../../../src/wire/frame.ts';

const hello = encodeFrame({ type: FrameType.HELLO, streamId: 0, seq: 0, payload: new Uint8Array(36).fill(7) });
const v2Hello = concatBytes(encodeHeader(FrameType.HELLO, 0, 0, 53, 2), new Uint8Array(53).fill(9));
const end = encodeFrame({ type: FrameType.END, streamId: 1, seq: 3, payload: new Uint8Array(0) });

test('frames come out whole and byte-exact whatever the cuts, any version byte', () => {
  const stream = concatBytes(hello, v2Hello, end);
  for (const cut of [1, 5, 14, 37, stream.length]) {
    const scanner = new FrameScanner();
    const frames = [];
    for (let at = 0; at < stream.length; at += cut) frames.push(...scanner.push(stream.subarray(at, at + cut)));
    assert.deepEqual(frames.map((f) => [f.version, f.type, f.length]), [[1, FrameType.HELLO, 36], [2, FrameType.HELLO, 53], [1, FrameType.END, 0]], `cut ${cut}`);
    assert.deepEqual(frames[0]!.bytes, hello);
    assert.deepEqual(frames[1]!.bytes, v2Hello);
  }
});

test('a frame above the kept size is reported by its header and skipped, and the next one still parses', () => {
  const scanner = new FrameScanner(100);
  const big = concatBytes(encodeHeader(FrameType.DATA, 1, 0, 1000), new Uint8Array(1000));
  const frames = [...scanner.push(big.subarray(0, 500)), ...scanner.push(concatBytes(big.subarray(500), end))];
  assert.deepEqual(frames.map((f) => [f.type, f.length, f.bytes === null]), [[FrameType.DATA, 1000, true], [FrameType.END, 0, false]]);
});

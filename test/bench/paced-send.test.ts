import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pacedChunks, type PaceClock } from '../../bench/paced-send.ts';

/** A clock that only moves when slept on, or when the consumer says time passed. */
function fakeClock(): PaceClock & { advance(ms: number): void; slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms) => void (now += ms),
    slept,
  };
}

async function collect(source: AsyncIterable<Uint8Array>, onChunk: (piece: Uint8Array) => void = () => {}): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  for await (const piece of source) {
    pieces.push(piece);
    onChunk(piece);
  }
  return pieces;
}

test('paced chunks leave on schedule: chunk k at k × size ÷ rate, the last one cut to the planned bytes', async () => {
  const clock = fakeClock();
  const progress = { sentBytes: 0, maxLagMs: 0 };
  const times: number[] = [];
  const pieces = await collect(pacedChunks(new Uint8Array(1000), { bytes: 3500, bytesPerSecond: 1e6, deadlineMs: 100 }, progress, clock), () => times.push(clock.now()));
  assert.deepEqual(pieces.map((p) => p.length), [1000, 1000, 1000, 500]);
  assert.deepEqual(times, [0, 1, 2, 3], '1000 B at 1 MB/s is one chunk per ms');
  assert.equal(progress.sentBytes, 3500);
  assert.equal(progress.maxLagMs, 0);
});

test('a consumer slower than the schedule gets the next chunks at once (no sleeping), and the lag is recorded', async () => {
  const clock = fakeClock();
  const progress = { sentBytes: 0, maxLagMs: 0 };
  await collect(pacedChunks(new Uint8Array(1000), { bytes: 4000, bytesPerSecond: 1e6, deadlineMs: 100 }, progress, clock), () => clock.advance(3));
  assert.deepEqual(clock.slept, [], 'never ahead of the schedule');
  assert.equal(progress.sentBytes, 4000);
  assert.equal(progress.maxLagMs, 6, 'chunk 3 was due at 3 ms and left at 9 ms');
});

test('past the deadline the transfer ends with what was sent', async () => {
  const clock = fakeClock();
  const progress = { sentBytes: 0, maxLagMs: 0 };
  const pieces = await collect(pacedChunks(new Uint8Array(1000), { bytes: 10_000, bytesPerSecond: 1e6, deadlineMs: 5 }, progress, clock), () => clock.advance(2));
  assert.equal(pieces.length, 3, 'chunks left at 0, 2 and 4 ms; the one at 6 ms is past the deadline');
  assert.equal(progress.sentBytes, 3000);
  await assert.rejects(collect(pacedChunks(new Uint8Array(0), { bytes: 1, bytesPerSecond: 1, deadlineMs: 1 }, progress, clock)), RangeError);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUnit, type RandomSource } from '../../src/core/random.ts';
import { RandomStreams } from '../../sim/index.ts';

const draw = (source: RandomSource, n: number): number[] => Array.from({ length: n }, () => source.u32());

test('a named stream depends on the seed and its name only, not on other streams', () => {
  const alone = new RandomStreams(42).stream('channel:a->b');
  const crowded = new RandomStreams(42);
  const other = crowded.stream('host:c'); // created first and drawn from: must not matter
  draw(other, 100);
  const same = crowded.stream('channel:a->b');
  assert.deepEqual(draw(alone, 50), draw(same, 50));
  assert.notDeepEqual(draw(new RandomStreams(43).stream('channel:a->b'), 50), draw(new RandomStreams(42).stream('channel:a->b'), 50));
  assert.notDeepEqual(draw(new RandomStreams(42).stream('x'), 50), draw(new RandomStreams(42).stream('y'), 50));
});

test('a stream name can be taken once', () => {
  const streams = new RandomStreams('s');
  streams.stream('a');
  assert.throws(() => streams.stream('a'));
});

test('the stream implements the core RandomSource: u32 range, bytes, uniformity', () => {
  const source: RandomSource = new RandomStreams(7).stream('r');
  const values = draw(source, 20_000);
  assert.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff), 'u32 range');
  const mean = values.reduce((sum, v) => sum + v / 0x1_0000_0000, 0) / values.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const unit = randomUnit(source);
  assert.ok(unit >= 0 && unit < 1, 'unit range');

  const bytes = source.bytes(13);
  assert.equal(bytes.length, 13);
  assert.deepEqual(new RandomStreams(7).stream('b').bytes(33), new RandomStreams(7).stream('b').bytes(33));
  const histogram = new Array<number>(256).fill(0);
  for (const byte of source.bytes(256_000)) histogram[byte]!++;
  assert.ok(histogram.every((count) => count > 800 && count < 1200), 'byte values uniform');
});

test('chance() draws nothing for p = 0, so a disabled knob leaves the stream untouched', () => {
  const a = new RandomStreams(1).stream('s');
  const b = new RandomStreams(1).stream('s');
  for (let i = 0; i < 10; i++) assert.equal(a.chance(0), false);
  assert.equal(a.u32(), b.u32());
});

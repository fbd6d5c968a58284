/** fast-check generators shared by the wire tests. */
import fc from 'fast-check';
import type { Frame } from '../../src/wire/frame.ts';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** fc.record making ordinary objects (its default null-prototype ones never deepStrictEqual a decoded value). */
export function record<T extends object>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record<T>(model, { noNullPrototype: true });
}

export function fixedBytes(length: number): fc.Arbitrary<Uint8Array> {
  return fc.uint8Array({ minLength: length, maxLength: length });
}

/** Mostly short payloads, sometimes a few hundred bytes, so random cuts land inside and across them. */
const payload = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 48, size: 'max' }), weight: 4 },
  { arbitrary: fc.uint8Array({ maxLength: 600, size: 'max' }), weight: 1 },
);

export const frame: fc.Arbitrary<Frame> = record({ type: u8, streamId: u32, seq: u32, payload });
export const frames = fc.array(frame, { maxLength: 8 });

/** How a byte stream is cut into chunks: every byte apart, all in one chunk, or at random points. */
export type Cutting = { kind: 'bytewise' } | { kind: 'whole' } | { kind: 'at'; points: number[] };

export const cutting: fc.Arbitrary<Cutting> = fc.oneof(
  fc.constant<Cutting>({ kind: 'bytewise' }),
  fc.constant<Cutting>({ kind: 'whole' }),
  fc.array(fc.nat(), { maxLength: 24 }).map((points): Cutting => ({ kind: 'at', points })),
);

/** A frame type → streamed? choice, so each run streams a different subset of types. */
export const streamedTypes: fc.Arbitrary<(type: number) => boolean> = fc.func(fc.boolean());

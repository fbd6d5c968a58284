/**
 * The subduction codec: its messages round-trip, its encodings are the canonical ones (checked
 * against an encoder of this test's own that can also write every non-canonical variant), every
 * non-canonical variant is refused, the envelope's magic and version are checked first, and no
 * input makes a decoder throw anything but a WireError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeCanonical, encodeCanonical } from '../../src/wire/canonical-cbor.ts';
import { WireError } from '../../src/wire/errors.ts';
import {
  ENVELOPE_MAGIC,
  MAX_REJECTION_SIZE,
  MAX_SIGNED_CHALLENGE_SIZE,
  MAX_SIGNED_RESPONSE_SIZE,
  RejectionReason,
  decodeChallenge,
  decodeRejection,
  decodeResponse,
  decodeSigned,
  encodeChallenge,
  encodeRejection,
  encodeResponse,
  encodeSigned,
  openEnvelope,
  sealEnvelope,
  type Audience,
  type Challenge,
  type Rejection,
  type Response,
  type Signed,
} from '../../src/wire/subduction.ts';
import { fixedBytes, record } from './arbitraries.ts';
import { wireError } from './expect.ts';

// ---- arbitraries ----------------------------------------------------------------------------

const timestamp = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 23, 24, 255, 256, 65535, 65536, 2 ** 32, Number.MAX_SAFE_INTEGER));
const audience: fc.Arbitrary<Audience> = fc.oneof(
  fixedBytes(32).map((peerId): Audience => ({ kind: 'known', peerId })),
  fixedBytes(32).map((discoveryId): Audience => ({ kind: 'discover', discoveryId })),
);
const challenge = record<Challenge>({ audience, timestamp, nonce: fixedBytes(16) });
const response = record<Response>({ challengeDigest: fixedBytes(32), serverTimestamp: timestamp });
const rejection = record<Rejection>({ reason: fc.constantFrom(...Object.values(RejectionReason)), serverTimestamp: timestamp });
const signed = record<Signed>({ issuer: fixedBytes(32), signature: fixedBytes(64), envelope: fc.uint8Array({ maxLength: 300 }) });

// ---- this test's own CBOR writer ------------------------------------------------------------

/** A CBOR item as this writer sees it: unsigned integers, byte strings and arrays (all the codec uses). */
type Item = { uint: number } | { bytes: Uint8Array } | { array: Item[] };

/**
 * One way of writing an item that is not the canonical one: a head wider than needed, an
 * indefinite length, an integer as a float64, a tag before it, a byte too many after a byte
 * string, an array that announces one element more than it has.
 */
type Deviation = 'widen' | 'indefinite' | 'float' | 'tag' | 'trailing' | 'overcount';

const DEVIATIONS: readonly Deviation[] = ['widen', 'indefinite', 'float', 'tag', 'trailing', 'overcount'];

function minimalWidth(value: number): 0 | 1 | 2 | 4 | 8 {
  return value < 24 ? 0 : value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1_0000_0000 ? 4 : 8;
}

/** A head (major type and argument) of the given width: 0 puts the argument in the initial byte. */
function head(major: number, value: number, width: 0 | 1 | 2 | 4 | 8): number[] {
  if (width === 0) return [(major << 5) | value];
  const info = { 1: 24, 2: 25, 4: 26, 8: 27 }[width];
  const out = [(major << 5) | info];
  for (let i = width - 1; i >= 0; i--) out.push(Number((BigInt(value) >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** Whether a deviation changes how this item is written (else writing it with that deviation is canonical). */
function applies(item: Item, deviation: Deviation): boolean {
  if (deviation === 'widen') return minimalWidth('uint' in item ? item.uint : 'bytes' in item ? item.bytes.length : item.array.length) < 8;
  if (deviation === 'indefinite') return !('uint' in item);
  if (deviation === 'float') return 'uint' in item;
  if (deviation === 'trailing') return 'bytes' in item;
  if (deviation === 'overcount') return 'array' in item;
  return true;
}

/** Writes `item`, and the item numbered `at` in pre-order (counting from 0) with `deviation`. */
function write(item: Item, at = -1, deviation: Deviation = 'widen', counter = { next: 0 }): number[] {
  const mine = counter.next++ === at ? deviation : null;
  const prefix = mine === 'tag' ? [0xc1] : []; // tag 1 (epoch time): the strict decoder takes no tags
  const widthOf = (value: number) => (mine === 'widen' ? (([1, 2, 4, 8] as const).find((w) => w > minimalWidth(value)) ?? 8) : minimalWidth(value));
  if ('uint' in item) {
    if (mine === 'float') {
      const bytes = new Uint8Array(9);
      bytes[0] = 0xfb;
      new DataView(bytes.buffer).setFloat64(1, item.uint);
      return [...prefix, ...bytes];
    }
    return [...prefix, ...head(0, item.uint, widthOf(item.uint))];
  }
  if ('bytes' in item) {
    if (mine === 'indefinite') return [...prefix, 0x5f, ...head(2, item.bytes.length, minimalWidth(item.bytes.length)), ...item.bytes, 0xff];
    if (mine === 'trailing') return [...prefix, ...head(2, item.bytes.length, minimalWidth(item.bytes.length)), ...item.bytes, 0x00];
    return [...prefix, ...head(2, item.bytes.length, widthOf(item.bytes.length)), ...item.bytes];
  }
  const inner = item.array.flatMap((child) => write(child, at, deviation, counter));
  if (mine === 'indefinite') return [...prefix, 0x9f, ...inner, 0xff];
  if (mine === 'overcount') return [...prefix, ...head(4, item.array.length + 1, minimalWidth(item.array.length + 1)), ...inner];
  return [...prefix, ...head(4, item.array.length, widthOf(item.array.length)), ...inner];
}

function count(item: Item): number {
  return 'array' in item ? 1 + item.array.reduce((n, child) => n + count(child), 0) : 1;
}

function nth(item: Item, index: number): Item {
  let seen = 0;
  const walk = (node: Item): Item | null => {
    if (seen++ === index) return node;
    if ('array' in node) for (const child of node.array) {
      const found = walk(child);
      if (found) return found;
    }
    return null;
  };
  return walk(item)!;
}

const challengeItem = (c: Challenge): Item => ({
  array: [
    { array: [{ uint: c.audience.kind === 'known' ? 0 : 1 }, { bytes: c.audience.kind === 'known' ? c.audience.peerId : c.audience.discoveryId }] },
    { uint: c.timestamp },
    { bytes: c.nonce },
  ],
});
const responseItem = (r: Response): Item => ({ array: [{ bytes: r.challengeDigest }, { uint: r.serverTimestamp }] });
const rejectionItem = (r: Rejection): Item => ({ array: [{ uint: r.reason }, { uint: r.serverTimestamp }] });
const signedItem = (s: Signed): Item => ({ array: [{ bytes: s.issuer }, { bytes: s.signature }, { bytes: s.envelope }] });

const MESSAGES = [
  { name: 'Challenge', values: challenge, item: challengeItem, encode: encodeChallenge, decode: decodeChallenge },
  { name: 'Response', values: response, item: responseItem, encode: encodeResponse, decode: decodeResponse },
  { name: 'Rejection', values: rejection, item: rejectionItem, encode: encodeRejection, decode: decodeRejection },
  { name: 'Signed', values: signed, item: signedItem, encode: encodeSigned, decode: decodeSigned },
] as const;

// ---- tests ----------------------------------------------------------------------------------

for (const message of MESSAGES) {
  test(`${message.name}: decode(encode(x)) is x, and the encoding is the one canonical writing of x`, () => {
    fc.assert(
      fc.property(message.values as fc.Arbitrary<never>, (value) => {
        const bytes = (message.encode as (v: never) => Uint8Array)(value);
        assert.deepEqual(message.decode(bytes), value);
        assert.deepEqual([...bytes], write(message.item(value)));
      }),
      { numRuns: 300 },
    );
  });

  test(`${message.name}: every non-canonical writing is refused (bad-cbor or not-canonical), never decoded`, () => {
    const variant = fc.tuple(message.values as fc.Arbitrary<never>, fc.nat(), fc.constantFrom(...DEVIATIONS)).filter(([value, at, deviation]) => {
      const item = (message.item as (v: never) => Item)(value);
      return applies(nth(item, at % count(item)), deviation);
    });
    fc.assert(
      fc.property(variant, ([value, at, deviation]) => {
        const item = (message.item as (v: never) => Item)(value);
        const bytes = Uint8Array.from(write(item, at % count(item), deviation));
        assert.throws(
          () => message.decode(bytes),
          (err: unknown) => err instanceof WireError && (err.code === 'bad-cbor' || err.code === 'not-canonical'),
          `${deviation} at item ${at % count(item)}: ${Buffer.from(bytes).toString('hex')}`,
        );
      }),
      { numRuns: 400 },
    );
  });

  test(`${message.name}: any bytes decode or throw a WireError, nothing else`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          message.decode(bytes);
        } catch (err) {
          assert.ok(err instanceof WireError, `${Buffer.from(bytes).toString('hex')}: ${String(err)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
}

test('canonical CBOR: a map is canonical only with its keys sorted by length, then bytewise; repeated keys are bad-cbor', () => {
  const keys = fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.string({ maxLength: 4 })), { minLength: 2, maxLength: 6 });
  fc.assert(
    fc.property(keys, fc.nat(), (list, shift) => {
      const map = new Map<number | string, number>(list.map((key, i) => [key, i]));
      const entries = list.map((key, i) => ({ key: [...encodeCanonical(key)], value: [...encodeCanonical(i)] }));
      const sorted = [...entries].sort((a, b) => a.key.length - b.key.length || compareBytes(a.key, b.key));
      const written = (order: typeof entries) => Uint8Array.from([0xa0 + order.length, ...order.flatMap((e) => [...e.key, ...e.value])]);
      const canonical = encodeCanonical(map);
      assert.deepEqual(canonical, written(sorted), 'the encoder sorts keys by length, then bytewise');
      assert.deepEqual(decodeCanonical(canonical, 'map'), map);
      const k = 1 + (shift % (sorted.length - 1));
      const rotated = [...sorted.slice(k), ...sorted.slice(0, k)];
      assert.throws(() => decodeCanonical(written(rotated), 'map'), wireError('not-canonical'));
    }),
    { numRuns: 200 },
  );
  assert.throws(() => decodeCanonical(Uint8Array.of(0xa2, 0x00, 0x01, 0x00, 0x02), 'map'), wireError('bad-cbor'));
  assert.throws(() => decodeCanonical(Uint8Array.of(0xa2, 0x80, 0x00, 0x81, 0x00, 0x01), 'map'), wireError('bad-cbor'), 'arrays as keys: no order is defined for them');
});

function compareBytes(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

test('envelope: "SDN", version 0, then the payload; magic, version and length are checked before the payload is read', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (payload) => {
      const envelope = sealEnvelope(payload);
      assert.deepEqual([...envelope.subarray(0, 4)], [0x53, 0x44, 0x4e, 0x00]);
      assert.deepEqual(openEnvelope(envelope), payload);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 100 }), (version, payload) => {
      const envelope = sealEnvelope(payload);
      envelope[3] = version;
      assert.throws(() => openEnvelope(envelope), (err: unknown) => wireError('unknown-version')(err) && new RegExp(`envelope version ${version}; this side speaks 0 only`).test((err as Error).message));
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const envelope = sealEnvelope(Uint8Array.of(1, 2, 3));
      envelope[at]! ^= flip;
      assert.throws(() => openEnvelope(envelope), wireError('bad-magic'));
    }),
  );
  for (let length = 0; length < 4; length++) assert.throws(() => openEnvelope(ENVELOPE_MAGIC.subarray(0, length)), wireError('truncated'));
});

test('the largest messages are exactly the bounds the handshake declares, today\'s are a few bytes shorter', () => {
  const max = Number.MAX_SAFE_INTEGER;
  const sig = (envelope: Uint8Array) => encodeSigned({ issuer: new Uint8Array(32), signature: new Uint8Array(64), envelope });
  const largestChallenge = sig(sealEnvelope(encodeChallenge({ audience: { kind: 'known', peerId: new Uint8Array(32) }, timestamp: max, nonce: new Uint8Array(16) })));
  const largestResponse = sig(sealEnvelope(encodeResponse({ challengeDigest: new Uint8Array(32), serverTimestamp: max })));
  assert.equal(largestChallenge.length, MAX_SIGNED_CHALLENGE_SIZE);
  assert.equal(largestResponse.length, MAX_SIGNED_RESPONSE_SIZE);
  assert.equal(encodeRejection({ reason: RejectionReason.INVALID_SIGNATURE, serverTimestamp: max }).length, MAX_REJECTION_SIZE);
  const today = 1_700_000_000;
  assert.equal(sig(sealEnvelope(encodeChallenge({ audience: { kind: 'discover', discoveryId: new Uint8Array(32) }, timestamp: today, nonce: new Uint8Array(16) }))).length, 166);
  assert.equal(sig(sealEnvelope(encodeResponse({ challengeDigest: new Uint8Array(32), serverTimestamp: today }))).length, 147);
});

test('shapes: the right CBOR with the wrong shape or field is bad-field, naming the field', () => {
  const cases: Array<[string, (bytes: Uint8Array) => unknown, unknown, RegExp]> = [
    ['Challenge of 2', decodeChallenge, [[0, new Uint8Array(32)], 1], /Challenge must be an array of 3, got an array of 2/],
    ['audience kind 2', decodeChallenge, [[2, new Uint8Array(32)], 1, new Uint8Array(16)], /audience kind must be 0 \(known\) or 1 \(discover\), got 2/],
    ['audience id of 31', decodeChallenge, [[0, new Uint8Array(31)], 1, new Uint8Array(16)], /audience id must be 32 bytes, got 31/],
    ['nonce of 8', decodeChallenge, [[1, new Uint8Array(32)], 1, new Uint8Array(8)], /nonce must be 16 bytes, got 8/],
    ['timestamp as bytes', decodeChallenge, [[1, new Uint8Array(32)], new Uint8Array(1), new Uint8Array(16)], /timestamp must be an unsigned integer, got 1 bytes/],
    ['negative timestamp', decodeResponse, [new Uint8Array(32), -1], /server timestamp must be an unsigned integer, got -1/],
    ['reason 4', decodeRejection, [4, 0], /Rejection reason must be 0..3, got 4/],
    ['a map for Signed', decodeSigned, new Map([[0, 1]]), /Signed must be an array of 3, got a map/],
    ['signature of 63', decodeSigned, [new Uint8Array(32), new Uint8Array(63), new Uint8Array(0)], /signature must be 64 bytes, got 63/],
  ];
  for (const [what, decode, value, message] of cases) {
    assert.throws(() => decode(encodeCanonical(value)), (err: unknown) => wireError('bad-field')(err) && message.test((err as Error).message), what);
  }
  assert.throws(() => encodeChallenge({ audience: { kind: 'known', peerId: new Uint8Array(31) }, timestamp: 0, nonce: new Uint8Array(16) }), wireError('bad-field'));
  assert.throws(() => encodeResponse({ challengeDigest: new Uint8Array(32), serverTimestamp: 2 ** 53 }), wireError('bad-field'));
  assert.throws(() => encodeRejection({ reason: 9 as RejectionReason, serverTimestamp: 0 }), wireError('bad-field'));
});

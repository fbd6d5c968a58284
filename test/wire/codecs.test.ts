/**
 * Round trips for every codec: each encodes to the byte layout RFC-0001 gives (rebuilt here with
 * Buffer, independently of the codec) and decodes back to the same value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ACCEPT_SIZE, decodeAccept, encodeAccept, type Accept } from '../../src/wire/accept.ts';
import { RECEIPT_SIZE, decodeReceipt, encodeReceipt, type StreamReceipt } from '../../src/wire/control.ts';
import {
  DISCOVERY_SIGNED_SIZE,
  DISCOVERY_SIZE,
  decodeDiscovery,
  encodeDiscovery,
  encodeDiscoverySigned,
  type DiscoveryFields,
} from '../../src/wire/discovery.ts';
import {
  FRAME_VERSION,
  HEADER_SIZE,
  MAX_WIRE_LENGTH,
  decodeFrame,
  decodeHeader,
  encodeFrame,
  encodeHeader,
  type Frame,
  type FrameHeader,
} from '../../src/wire/frame.ts';
import { HELLO_SIZE, decodeHello, encodeHello, type Hello } from '../../src/wire/hello.ts';
import { fixedBytes, frame, record, u16, u32, u8 } from './arbitraries.ts';

const NO_LIMIT = { maxFrameSize: MAX_WIRE_LENGTH };

/** An unsigned big-endian integer of `width` bytes. */
function be(value: number, width: 1 | 2 | 4 | 8): Buffer {
  const out = Buffer.alloc(width);
  if (width === 8) out.writeBigUInt64BE(BigInt(value));
  else out.writeUIntBE(value, 0, width);
  return out;
}

function headerLayout(h: Omit<FrameHeader, 'version'>): Buffer {
  return Buffer.concat([be(FRAME_VERSION, 1), be(h.type, 1), be(h.streamId, 4), be(h.seq, 4), be(h.length, 4)]);
}

interface CodecCase<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  /** The size every encoding has, for fixed-size messages. */
  size?: number;
  encode(value: T): Uint8Array;
  /** null when the bytes are not this message (receipts among CONTROL payloads). */
  decode(bytes: Uint8Array): T | null;
  layout(value: T): Buffer;
}

function roundTrip<T>(c: CodecCase<T>): void {
  test(`${c.name}: encodes to the RFC-0001 layout and decodes back`, () => {
    fc.assert(
      fc.property(c.arb, (value) => {
        const bytes = c.encode(value);
        assert.equal(Buffer.from(bytes).toString('hex'), c.layout(value).toString('hex'));
        if (c.size !== undefined) assert.equal(bytes.length, c.size);
        assert.deepStrictEqual(c.decode(bytes), value);
      }),
    );
  });
}

roundTrip<FrameHeader>({
  name: 'frame header',
  arb: record({ version: fc.constant(FRAME_VERSION), type: u8, streamId: u32, seq: u32, length: u32 }),
  size: HEADER_SIZE,
  encode: (h) => encodeHeader(h.type, h.streamId, h.seq, h.length),
  decode: (bytes) => decodeHeader(bytes, NO_LIMIT),
  layout: headerLayout,
});

roundTrip<Frame>({
  name: 'frame',
  arb: frame,
  encode: encodeFrame,
  decode: (bytes) => decodeFrame(bytes, NO_LIMIT),
  layout: (f) => Buffer.concat([headerLayout({ ...f, length: f.payload.length }), f.payload]),
});

roundTrip<Hello>({
  name: 'HELLO',
  arb: record({ nodeId: fixedBytes(16), sig: fixedBytes(16), challenge: u32 }),
  size: HELLO_SIZE,
  encode: encodeHello,
  decode: decodeHello,
  layout: (h) => Buffer.concat([h.nodeId, h.sig, be(h.challenge, 4)]),
});

roundTrip<Accept>({
  name: 'ACCEPT',
  arb: record({ token: fixedBytes(8), sig: fixedBytes(8) }),
  size: ACCEPT_SIZE,
  encode: encodeAccept,
  decode: decodeAccept,
  layout: (a) => Buffer.concat([a.token, a.sig]),
});

roundTrip<DiscoveryFields & { sig: Uint8Array }>({
  name: 'discovery datagram',
  arb: record({ communityHash: fixedBytes(8), nodeId: fixedBytes(16), tcpPort: u16, timestamp: u32, challenge: u32, sig: fixedBytes(16) }),
  size: DISCOVERY_SIZE,
  encode: ({ sig, ...fields }) => encodeDiscovery(encodeDiscoverySigned(fields), sig),
  decode: (bytes) => {
    const { signed, ...message } = decodeDiscovery(bytes);
    assert.deepStrictEqual(signed, bytes.slice(0, DISCOVERY_SIGNED_SIZE), 'signed = the first 34 bytes as received');
    return message;
  },
  layout: (d) => Buffer.concat([d.communityHash, d.nodeId, be(d.tcpPort, 2), be(d.timestamp, 4), be(d.challenge, 4), d.sig]),
});

roundTrip<StreamReceipt>({
  name: 'CONTROL receipt',
  arb: record({ bytes: fc.maxSafeNat(), frames: u32 }),
  size: RECEIPT_SIZE,
  encode: encodeReceipt,
  decode: decodeReceipt,
  layout: (r) => Buffer.concat([be(1, 1), be(r.bytes, 8), be(r.frames, 4)]),
});

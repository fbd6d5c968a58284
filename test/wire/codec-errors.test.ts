/** What the codecs refuse, and with which WireError code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ACCEPT_SIZE, decodeAccept, encodeAccept } from '../../src/wire/accept.ts';
import { hexToBytes } from '../../src/wire/bytes.ts';
import { RECEIPT_SIZE, decodeReceipt, encodeReceipt } from '../../src/wire/control.ts';
import { DISCOVERY_SIZE, decodeDiscovery, encodeDiscovery, encodeDiscoverySigned, type DiscoveryFields } from '../../src/wire/discovery.ts';
import type { WireErrorCode } from '../../src/wire/errors.ts';
import { HEADER_SIZE, decodeFrame, decodeHeader, encodeFrame, encodeHeader } from '../../src/wire/frame.ts';
import { HELLO_SIZE, decodeHello, encodeHello, helloSignedBytes } from '../../src/wire/hello.ts';
import { wireError } from './expect.ts';

const zeros = (n: number): Uint8Array => new Uint8Array(n);

test('fixed-size decoders refuse every other length with bad-length', () => {
  const decoders: Array<[number, (bytes: Uint8Array) => unknown]> = [
    [HELLO_SIZE, decodeHello],
    [ACCEPT_SIZE, decodeAccept],
    [DISCOVERY_SIZE, decodeDiscovery],
  ];
  for (const [size, decode] of decoders) {
    assert.doesNotThrow(() => decode(zeros(size)));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2 * size }).filter((b) => b.length !== size), (bytes) => {
        assert.throws(() => decode(bytes), wireError('bad-length'));
      }),
      { numRuns: 50 },
    );
  }
});

const discovery: DiscoveryFields = { communityHash: zeros(8), nodeId: zeros(16), tcpPort: 9000, timestamp: 0, challenge: 0 };
const header = { type: 1, streamId: 1, seq: 0, length: 0 };
const fiveByteFrame = encodeFrame({ type: 1, streamId: 1, seq: 0, payload: zeros(5) });

const refused: Array<[string, () => unknown, WireErrorCode]> = [
  ['HELLO node_uuid of 15 bytes', () => encodeHello({ nodeId: zeros(15), sig: zeros(16), challenge: 0 }), 'bad-length'],
  ['HELLO signature of 17 bytes', () => encodeHello({ nodeId: zeros(16), sig: zeros(17), challenge: 0 }), 'bad-length'],
  ['HELLO signed bytes of a 17-byte node_uuid', () => helloSignedBytes(zeros(17), 0), 'bad-length'],
  ['ACCEPT token of 7 bytes', () => encodeAccept({ token: zeros(7), sig: zeros(8) }), 'bad-length'],
  ['ACCEPT signature of 16 bytes (the HELLO size)', () => encodeAccept({ token: zeros(8), sig: zeros(16) }), 'bad-length'],
  ['discovery community hash of 32 bytes (untruncated)', () => encodeDiscoverySigned({ ...discovery, communityHash: zeros(32) }), 'bad-length'],
  ['discovery node_uuid of 15 bytes', () => encodeDiscoverySigned({ ...discovery, nodeId: zeros(15) }), 'bad-length'],
  ['discovery signed part of 33 bytes', () => encodeDiscovery(zeros(33), zeros(16)), 'bad-length'],
  ['discovery signature of 8 bytes', () => encodeDiscovery(zeros(34), zeros(8)), 'bad-length'],
  ['frame type 256', () => encodeHeader(256, 1, 0, 0), 'bad-field'],
  ['frame type -1', () => encodeHeader(-1, 1, 0, 0), 'bad-field'],
  ['frame version 256', () => encodeHeader(1, 1, 0, 0, 256), 'bad-field'],
  ['stream_id 2^32', () => encodeHeader(header.type, 2 ** 32, header.seq, header.length), 'bad-field'],
  ['seq -1', () => encodeHeader(header.type, header.streamId, -1, header.length), 'bad-field'],
  ['length 1.5', () => encodeHeader(header.type, header.streamId, header.seq, 1.5), 'bad-field'],
  ['HELLO challenge 2^32', () => helloSignedBytes(zeros(16), 2 ** 32), 'bad-field'],
  ['HELLO challenge NaN', () => encodeHello({ nodeId: zeros(16), sig: zeros(16), challenge: Number.NaN }), 'bad-field'],
  ['discovery tcp_port 65536', () => encodeDiscoverySigned({ ...discovery, tcpPort: 65536 }), 'bad-field'],
  ['discovery timestamp -1', () => encodeDiscoverySigned({ ...discovery, timestamp: -1 }), 'bad-field'],
  ['receipt bytes -1', () => encodeReceipt({ bytes: -1, frames: 0 }), 'bad-field'],
  ['receipt bytes 2^53 (not a safe integer)', () => encodeReceipt({ bytes: 2 ** 53, frames: 0 }), 'bad-field'],
  ['receipt frames 2^32', () => encodeReceipt({ bytes: 0, frames: 2 ** 32 }), 'bad-field'],
  ['hex of odd length', () => hexToBytes('abc'), 'bad-field'],
  ['hex with a non-hex digit', () => hexToBytes('0g'), 'bad-field'],
  ['header of 13 bytes (the RFC diagrams\' size)', () => decodeHeader(zeros(HEADER_SIZE - 1)), 'truncated'],
  ['frame shorter than its announced length', () => decodeFrame(fiveByteFrame.subarray(0, HEADER_SIZE + 4)), 'truncated'],
  ['frame followed by extra bytes', () => decodeFrame(Uint8Array.of(...fiveByteFrame, 0)), 'bad-length'],
];

for (const [what, run, code] of refused) {
  test(`refuses ${what} with ${code}`, () => assert.throws(run, wireError(code)));
}

test('decodeReceipt ignores CONTROL payloads that are not receipts', () => {
  const receipt = encodeReceipt({ bytes: 10, frames: 1 });
  const others: Array<[string, Uint8Array]> = [
    ['another kind', Uint8Array.of(2, ...receipt.subarray(1))],
    ['one byte short', receipt.subarray(0, RECEIPT_SIZE - 1)],
    ['one byte long', Uint8Array.of(...receipt, 0)],
    ['empty', zeros(0)],
    ['a byte count of 2^53 (above MAX_SAFE_INTEGER)', Uint8Array.of(1, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)],
  ];
  for (const [what, payload] of others) assert.equal(decodeReceipt(payload), null, what);
  assert.deepStrictEqual(decodeReceipt(receipt), { bytes: 10, frames: 1 });
});

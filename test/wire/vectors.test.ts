/**
 * Walks every entry of every section of the reference vectors: each must encode byte-exact and
 * decode back to the same fields, with both crypto backends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKENDS, type CryptoBackend } from '../../src/crypto/backend.ts';
import { communityHash, truncatedHmac, verifyTruncatedHmac } from '../../src/crypto/mac.ts';
import { ACCEPT_SIG_SIZE, decodeAccept, encodeAccept } from '../../src/wire/accept.ts';
import { bytesToHex, hexToBytes } from '../../src/wire/bytes.ts';
import { DISCOVERY_SIG_SIZE, decodeDiscovery, encodeDiscovery, encodeDiscoverySigned } from '../../src/wire/discovery.ts';
import { FrameType, decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import { HELLO_SIG_SIZE, decodeHello, encodeHello, helloSignedBytes } from '../../src/wire/hello.ts';
import { NON_VECTOR_KEYS, VECTOR_SECTIONS, parseReferenceVectors, readReferenceVectorsJson, type ReferenceVectors, type VectorSection } from '../../src/vectors/reference-vectors.ts';

const raw = readReferenceVectorsJson();
const vectors = parseReferenceVectors(raw);
const backends = Object.values(BACKENDS);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** `frame` encodes to exactly `hex`, and `hex` decodes back to `frame`. */
function checkFrame(frame: Frame, hex: string): void {
  assert.equal(bytesToHex(encodeFrame(frame)), hex);
  assert.deepStrictEqual(decodeFrame(hexToBytes(hex)), frame);
}

/** HELLO and ACCEPT travel on stream 0 with seq 0. */
function checkHandshakeFrame(type: number, payload: Uint8Array, hex: string): void {
  checkFrame({ type, streamId: 0, seq: 0, payload }, hex);
}

type Check<K extends VectorSection> = (entry: ReferenceVectors[K][number], backend: CryptoBackend) => void;

const checks: { [K in VectorSection]: Check<K> } = {
  frames(v) {
    checkFrame({ type: v.type, streamId: v.stream_id, seq: v.seq, payload: hexToBytes(v.payload) }, v.encoded);
  },

  hello(v, backend) {
    const key = utf8(v.api_key);
    const nodeId = hexToBytes(v.node_id);
    const sig = truncatedHmac(backend, key, helloSignedBytes(nodeId, v.challenge), HELLO_SIG_SIZE);
    const payload = encodeHello({ nodeId, sig, challenge: v.challenge });
    assert.equal(bytesToHex(payload), v.payload);
    checkHandshakeFrame(FrameType.HELLO, payload, v.frame);
    const hello = decodeHello(hexToBytes(v.payload));
    assert.deepStrictEqual(hello, { nodeId, sig, challenge: v.challenge });
    assert.ok(verifyTruncatedHmac(backend, key, helloSignedBytes(hello.nodeId, hello.challenge), hello.sig, HELLO_SIG_SIZE));
  },

  accept(v, backend) {
    const key = utf8(v.api_key);
    const token = hexToBytes(v.token);
    const sig = truncatedHmac(backend, key, token, ACCEPT_SIG_SIZE);
    const payload = encodeAccept({ token, sig });
    assert.equal(bytesToHex(payload), v.payload);
    checkHandshakeFrame(FrameType.ACCEPT, payload, v.frame);
    const accept = decodeAccept(hexToBytes(v.payload));
    assert.deepStrictEqual(accept, { token, sig });
    assert.ok(verifyTruncatedHmac(backend, key, accept.token, accept.sig, ACCEPT_SIG_SIZE));
  },

  discovery(v, backend) {
    const key = utf8(v.api_key);
    const fields = {
      communityHash: communityHash(backend, v.community),
      nodeId: hexToBytes(v.node_id),
      tcpPort: v.port,
      timestamp: v.timestamp,
      challenge: v.challenge,
    };
    const signed = encodeDiscoverySigned(fields);
    const sig = truncatedHmac(backend, key, signed, DISCOVERY_SIG_SIZE);
    assert.equal(bytesToHex(encodeDiscovery(signed, sig)), v.message);
    const message = decodeDiscovery(hexToBytes(v.message));
    assert.deepStrictEqual(message, { ...fields, signed, sig });
    assert.ok(verifyTruncatedHmac(backend, key, message.signed, message.sig, DISCOVERY_SIG_SIZE));
  },

  community_hash(v, backend) {
    assert.equal(bytesToHex(communityHash(backend, v.community)), v.hash);
  },
};

test('the vectors file has exactly the sections this test checks', () => {
  const inFile = Object.keys(raw).filter((key) => !NON_VECTOR_KEYS.includes(key));
  assert.deepStrictEqual(inFile.sort(), [...VECTOR_SECTIONS].sort());
});

test('the community hashes include a non-ASCII community, so UTF-8 encoding is exercised', () => {
  assert.ok(vectors.community_hash.some((v) => /[^\x00-\x7f]/.test(v.community)));
});

function checkSection<K extends VectorSection>(name: K): void {
  const entries: ReferenceVectors[K][number][] = vectors[name];
  const check: Check<K> = checks[name];
  test(`vectors: every ${name} entry, both crypto backends`, async (t) => {
    for (const [index, entry] of entries.entries()) {
      for (const backend of backends) await t.test(`#${index} (${backend.name})`, () => check(entry, backend));
    }
  });
}

for (const name of VECTOR_SECTIONS) checkSection(name);

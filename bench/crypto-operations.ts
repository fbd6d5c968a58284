/**
 * What `asoc-lab bench crypto` times: one entry per (operation, implementation), each a closure over
 * its own fixed input so the timed call does nothing but the operation.
 *
 * Groups:
 * - hashing: the v1 handshake's truncated HMACs and SHA-256, on both crypto backends (decides DEFAULT_BACKEND);
 * - codec: the 14-byte frame header and a whole discovery check (decode, community hash, MAC);
 * - signature: Ed25519 sign and verify (claim D2's ~71,000 verifies/s), node:crypto and @noble/curves;
 * - key-exchange: X25519 (asoc-hardened/x25519's ephemeral keys): a public key from a secret, and a
 *   shared secret, on both crypto backends;
 * - d2: BLAKE3 (noble only: node:crypto has no BLAKE3) and SipHash-2-4 (the `siphash` package) against
 *   keyed BLAKE3 on short inputs. Both are pure JavaScript here, so their ratio is not D2's native one;
 * - per-frame: what a MAC or AEAD adds per frame at 1 KiB and 1 MiB: HMAC-SHA256 over the frame,
 *   AES-256-GCM as a tag only (header and payload as AAD: the integrity-only shape) and sealing the
 *   payload (the encrypted shape). ASoc v1 itself adds only the header encode (codec group).
 */
import { createCipheriv, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { blake3 } from '@noble/hashes/blake3.js';
import siphash, { type SipKey } from 'siphash';
import { BACKENDS, type CryptoBackend } from '../src/crypto/backend.ts';
import { x25519Of } from '../src/crypto/x25519.ts';
import { communityHash, truncatedHmac } from '../src/crypto/mac.ts';
import { checkDiscovery, signDiscovery } from '../src/core/v1-auth.ts';
import { ACCEPT_SIG_SIZE, TOKEN_SIZE } from '../src/wire/accept.ts';
import { COMMUNITY_HASH_SIZE, DISCOVERY_SIG_SIZE, encodeDiscoverySigned } from '../src/wire/discovery.ts';
import { FrameType, HEADER_SIZE, decodeHeader, encodeHeader } from '../src/wire/frame.ts';
import { HELLO_SIG_SIZE, NODE_ID_SIZE, helloSignedBytes } from '../src/wire/hello.ts';

export const CRYPTO_GROUPS = ['hashing', 'codec', 'signature', 'key-exchange', 'd2', 'per-frame'] as const;
export type CryptoGroup = (typeof CRYPTO_GROUPS)[number];

/** Who implements the operation: a lab crypto backend, the `siphash` package, or the lab's own codec. */
export const IMPLEMENTATIONS = ['node', 'noble', 'siphash', 'asoc-lab'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export interface CryptoOperation {
  group: CryptoGroup;
  name: string;
  implementation: Implementation;
  inputBytes: number;
  run(): unknown;
}

const KiB = 1024;
const MiB = 1024 * 1024;
const KEY = new TextEncoder().encode('benchmark-key');
const KEY_32 = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const SIP_KEY: SipKey = [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c];
/** A fixed GCM nonce: fine for timing, never for real traffic (the hardened profile derives one per frame). */
const NONCE_12 = new Uint8Array(12).fill(0x42);
const NODE_ID = Uint8Array.from({ length: NODE_ID_SIZE }, (_, i) => 0xa0 + i);
const COMMUNITY = 'benchmark-community';
const ED25519_MESSAGE = new Uint8Array(64).fill(0x6d);

const filled = (length: number, byte: number): Uint8Array => new Uint8Array(length).fill(byte);

function hashingOperations(backend: CryptoBackend): CryptoOperation[] {
  const discoverySigned = encodeDiscoverySigned({
    communityHash: filled(COMMUNITY_HASH_SIZE, 0xc0),
    nodeId: NODE_ID,
    tcpPort: 9000,
    timestamp: 1_700_000_000,
    challenge: 0x12345678,
  });
  const hello = helloSignedBytes(NODE_ID, 0x12345678);
  const token = filled(TOKEN_SIZE, 0x5a);
  const kib = filled(KiB, 0x61);
  const mib = filled(MiB, 0x61);
  const op = (name: string, input: Uint8Array, run: () => unknown): CryptoOperation => ({
    group: 'hashing',
    name,
    implementation: backend.name,
    inputBytes: input.length,
    run,
  });
  return [
    op('hmac-sha256/16 HELLO', hello, () => truncatedHmac(backend, KEY, hello, HELLO_SIG_SIZE)),
    op('hmac-sha256/16 discovery', discoverySigned, () => truncatedHmac(backend, KEY, discoverySigned, DISCOVERY_SIG_SIZE)),
    op('hmac-sha256/8 ACCEPT', token, () => truncatedHmac(backend, KEY, token, ACCEPT_SIG_SIZE)),
    op('sha256 1 KiB', kib, () => backend.sha256(kib)),
    op('sha256 1 MiB', mib, () => backend.sha256(mib)),
  ];
}

function codecOperations(): CryptoOperation[] {
  const header = encodeHeader(FrameType.DATA, 7, 42, MiB);
  const discoveryOps = Object.values(BACKENDS).map((backend): CryptoOperation => {
    const keys = { crypto: backend, apiKey: KEY };
    const datagram = signDiscovery(keys, { community: COMMUNITY, nodeId: NODE_ID, tcpPort: 9000, timestamp: 1_700_000_000, challenge: 0x12345678 });
    const expected = communityHash(backend, COMMUNITY);
    return {
      group: 'codec',
      name: 'discovery verify (community + MAC, in place)',
      implementation: backend.name,
      inputBytes: datagram.length,
      run: () => {
        if (checkDiscovery(keys, expected, datagram) !== 'ok') throw new Error('discovery datagram did not verify');
      },
    };
  });
  return [
    { group: 'codec', name: 'frame header encode', implementation: 'asoc-lab', inputBytes: HEADER_SIZE, run: () => encodeHeader(FrameType.DATA, 7, 42, MiB) },
    { group: 'codec', name: 'frame header decode', implementation: 'asoc-lab', inputBytes: HEADER_SIZE, run: () => decodeHeader(header) },
    ...discoveryOps,
  ];
}

interface NodeEd25519Keys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** node:crypto key objects for the same 32-byte seed noble uses, so both sign the same thing. */
function nodeEd25519Keys(seed: Uint8Array): NodeEd25519Keys {
  // PKCS#8 prefix for an Ed25519 private key (RFC 8410), followed by the 32-byte seed.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function signatureOperations(): CryptoOperation[] {
  const seed = KEY_32;
  const nobleSig = ed25519.sign(ED25519_MESSAGE, seed);
  const noblePublic = ed25519.getPublicKey(seed);
  const nodeKeys = nodeEd25519Keys(seed);
  const nodeSig = nodeSign(null, ED25519_MESSAGE, nodeKeys.privateKey);
  if (!Buffer.from(nodeSig).equals(Buffer.from(nobleSig))) throw new Error('node:crypto and noble Ed25519 signatures differ for the same key');
  const op = (name: string, implementation: Implementation, run: () => unknown): CryptoOperation => ({
    group: 'signature',
    name,
    implementation,
    inputBytes: ED25519_MESSAGE.length,
    run,
  });
  return [
    op('ed25519 sign', 'node', () => nodeSign(null, ED25519_MESSAGE, nodeKeys.privateKey)),
    op('ed25519 sign', 'noble', () => ed25519.sign(ED25519_MESSAGE, seed)),
    op('ed25519 verify', 'node', () => {
      if (!nodeVerify(null, ED25519_MESSAGE, nodeKeys.publicKey, nodeSig)) throw new Error('ed25519 signature did not verify');
    }),
    op('ed25519 verify', 'noble', () => {
      if (!ed25519.verify(nobleSig, ED25519_MESSAGE, noblePublic)) throw new Error('ed25519 signature did not verify');
    }),
  ];
}

/** What the forward-secret handshake adds per side: one public key from a fresh secret, one shared secret. */
function keyExchangeOperations(backend: CryptoBackend): CryptoOperation[] {
  const x25519 = x25519Of(backend);
  const secret = KEY_32;
  const peerPublic = x25519.publicKey(filled(32, 0x99));
  const op = (name: string, run: () => unknown): CryptoOperation => ({ group: 'key-exchange', name, implementation: backend.name, inputBytes: 32, run });
  return [
    op('x25519 public key', () => x25519.publicKey(secret)),
    op('x25519 shared secret', () => {
      if (x25519.sharedSecret(secret, peerPublic) === null) throw new Error('x25519 refused a valid public key');
    }),
  ];
}

/** The short-input sizes D2's SipHash vs keyed BLAKE3 comparison is about, and one long one. */
export const D2_SIZES = [8, 16, 64, KiB] as const;

function d2Operations(): CryptoOperation[] {
  const ops: CryptoOperation[] = [];
  for (const size of [KiB, MiB]) {
    const input = filled(size, 0x62);
    ops.push({ group: 'd2', name: `blake3 ${size === KiB ? '1 KiB' : '1 MiB'}`, implementation: 'noble', inputBytes: size, run: () => blake3(input) });
  }
  for (const size of D2_SIZES) {
    const input = filled(size, 0x63);
    ops.push(
      { group: 'd2', name: d2SipName(size), implementation: 'siphash', inputBytes: size, run: () => siphash.hash(SIP_KEY, input) },
      { group: 'd2', name: d2KeyedBlake3Name(size), implementation: 'noble', inputBytes: size, run: () => blake3(input, { key: KEY_32, dkLen: 8 }) },
    );
  }
  return ops;
}

export const d2SipName = (size: number): string => `siphash-2-4 ${size} B`;
/** Keyed BLAKE3 cut to 8 bytes, SipHash's output size. */
export const d2KeyedBlake3Name = (size: number): string => `keyed blake3/8 ${size} B`;

export const PER_FRAME_SIZES = [KiB, MiB] as const;

function perFrameOperations(): CryptoOperation[] {
  const ops: CryptoOperation[] = [];
  for (const size of PER_FRAME_SIZES) {
    const label = size === KiB ? '1 KiB' : '1 MiB';
    const header = encodeHeader(FrameType.DATA, 1, 0, size);
    const payload = filled(size, 0x64);
    const frame = Buffer.concat([header, payload]);
    const op = (name: string, implementation: Implementation, run: () => unknown): CryptoOperation => ({
      group: 'per-frame',
      name: `${name} ${label} frame`,
      implementation,
      inputBytes: size,
      run,
    });
    ops.push(
      op('hmac-sha256', 'node', () => BACKENDS.node.hmacSha256(KEY_32, frame)),
      op('hmac-sha256', 'noble', () => BACKENDS.noble.hmacSha256(KEY_32, frame)),
      op('aes-256-gcm tag (integrity)', 'node', () => {
        const cipher = createCipheriv('aes-256-gcm', KEY_32, NONCE_12);
        cipher.setAAD(frame);
        cipher.final();
        return cipher.getAuthTag();
      }),
      op('aes-256-gcm tag (integrity)', 'noble', () => gcm(KEY_32, NONCE_12, frame).encrypt(new Uint8Array(0))),
      op('aes-256-gcm seal (encrypted)', 'node', () => {
        const cipher = createCipheriv('aes-256-gcm', KEY_32, NONCE_12);
        cipher.setAAD(header);
        const sealed = cipher.update(payload);
        cipher.final();
        return [sealed, cipher.getAuthTag()];
      }),
      op('aes-256-gcm seal (encrypted)', 'noble', () => gcm(KEY_32, NONCE_12, header).encrypt(payload)),
    );
  }
  return ops;
}

/** Every operation of the chosen groups, in catalogue order. */
export function cryptoOperations(groups: readonly CryptoGroup[] = CRYPTO_GROUPS): CryptoOperation[] {
  const all = [
    ...Object.values(BACKENDS).flatMap(hashingOperations),
    ...codecOperations(),
    ...signatureOperations(),
    ...Object.values(BACKENDS).flatMap(keyExchangeOperations),
    ...d2Operations(),
    ...perFrameOperations(),
  ];
  return all.filter((op) => groups.includes(op.group));
}

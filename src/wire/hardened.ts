/**
 * The asoc-hardened handshake payloads (wire version 2; docs/asoc-hardened.md §3). Fixed sizes, all
 * integers big-endian, like v1:
 *
 *   HELLO  53 B: node_id(16) · client_nonce(16) · timestamp u32 (Unix s) · suite u8 · mac(16)
 *   ACCEPT 49 B: node_id(16) · server_nonce(16) · suite u8 · mac(16)
 *
 * The forward-secret suite puts each side's ephemeral X25519 public key (32 B) before the MAC:
 * HELLO 85 B, ACCEPT 81 B.
 *
 * `macInput` is everything before the MAC; what the MAC covers beyond that (the HELLO, for ACCEPT) is
 * the handshake's business (src/core/hardened-handshake.ts), not the codec's.
 */
import { concatBytes, requireLength, requireUint, u32be, view } from './bytes.ts';
import { NODE_ID_SIZE } from './hello.ts';

export const HARDENED_VERSION = 2;
export const NONCE_SIZE = 16;
export const HANDSHAKE_MAC_SIZE = 16;
export const HARDENED_HELLO_SIZE = NODE_ID_SIZE + NONCE_SIZE + 4 + 1 + HANDSHAKE_MAC_SIZE;
export const HARDENED_ACCEPT_SIZE = NODE_ID_SIZE + NONCE_SIZE + 1 + HANDSHAKE_MAC_SIZE;
/** An ephemeral X25519 public key (the forward-secret suite's key share). */
export const KEY_SHARE_SIZE = 32;
export const HARDENED_X25519_HELLO_SIZE = HARDENED_HELLO_SIZE + KEY_SHARE_SIZE;
export const HARDENED_X25519_ACCEPT_SIZE = HARDENED_ACCEPT_SIZE + KEY_SHARE_SIZE;

/**
 * How frames are protected after the handshake: a tag on every frame, optionally encryption (bit 0),
 * and optionally session keys that also depend on an ephemeral X25519 exchange (bit 1).
 */
export const Suite = { INTEGRITY: 0, ENCRYPTED: 1, ENCRYPTED_X25519: 3 } as const;
export type Suite = (typeof Suite)[keyof typeof Suite];

export const suiteEncrypts = (suite: number): boolean => (suite & 1) === 1;
export const suiteExchangesKeys = (suite: number): boolean => (suite & 2) === 2;

export interface HardenedHello {
  nodeId: Uint8Array;
  nonce: Uint8Array;
  timestamp: number;
  /** As received: the handshake checks it against its own suite (after the MAC), so any byte decodes. */
  suite: number;
  /** The sender's ephemeral X25519 public key, in the forward-secret suite's messages only. */
  keyShare: Uint8Array | null;
  mac: Uint8Array;
  /** The bytes the MAC covers (all but the MAC). */
  macInput: Uint8Array;
}

export interface HardenedAccept {
  nodeId: Uint8Array;
  nonce: Uint8Array;
  suite: number;
  keyShare: Uint8Array | null;
  mac: Uint8Array;
  macInput: Uint8Array;
}

/** The fields a side fills in to send a message: everything decoded but the MAC, the key share only in the forward-secret suite. */
type Fields<T> = Omit<T, 'mac' | 'macInput' | 'keyShare'> & { keyShare?: Uint8Array | null };

export function helloMacInput(fields: Fields<HardenedHello>): Uint8Array {
  requireLength('node_id', fields.nodeId, NODE_ID_SIZE);
  requireLength('client nonce', fields.nonce, NONCE_SIZE);
  requireUint('timestamp', fields.timestamp, 32);
  requireUint('suite', fields.suite, 8);
  return concatBytes(fields.nodeId, fields.nonce, u32be(fields.timestamp), Uint8Array.of(fields.suite), keyShareBytes(fields.keyShare));
}

export function acceptMacInput(fields: Fields<HardenedAccept>): Uint8Array {
  requireLength('node_id', fields.nodeId, NODE_ID_SIZE);
  requireLength('server nonce', fields.nonce, NONCE_SIZE);
  requireUint('suite', fields.suite, 8);
  return concatBytes(fields.nodeId, fields.nonce, Uint8Array.of(fields.suite), keyShareBytes(fields.keyShare));
}

function keyShareBytes(keyShare: Uint8Array | null | undefined): Uint8Array {
  if (keyShare == null) return new Uint8Array(0);
  requireLength('key share', keyShare, KEY_SHARE_SIZE);
  return keyShare;
}

/** The payload: the MAC input followed by the MAC. */
export function withMac(macInput: Uint8Array, mac: Uint8Array): Uint8Array {
  requireLength('handshake MAC', mac, HANDSHAKE_MAC_SIZE);
  return concatBytes(macInput, mac);
}

/** Decodes a HELLO; `withKeyShare` for the forward-secret suite's, whose size differs. */
export function decodeHardenedHello(payload: Uint8Array, withKeyShare = false): HardenedHello {
  const share = withKeyShare ? KEY_SHARE_SIZE : 0;
  requireLength('hardened HELLO payload', payload, HARDENED_HELLO_SIZE + share);
  const macAt = 37 + share;
  return {
    nodeId: payload.slice(0, 16),
    nonce: payload.slice(16, 32),
    timestamp: view(payload).getUint32(32),
    suite: payload[36]!,
    keyShare: withKeyShare ? payload.slice(37, macAt) : null,
    mac: payload.slice(macAt, macAt + HANDSHAKE_MAC_SIZE),
    macInput: payload.subarray(0, macAt),
  };
}

/** Decodes an ACCEPT; `withKeyShare` for the forward-secret suite's. */
export function decodeHardenedAccept(payload: Uint8Array, withKeyShare = false): HardenedAccept {
  const share = withKeyShare ? KEY_SHARE_SIZE : 0;
  requireLength('hardened ACCEPT payload', payload, HARDENED_ACCEPT_SIZE + share);
  const macAt = 33 + share;
  return {
    nodeId: payload.slice(0, 16),
    nonce: payload.slice(16, 32),
    suite: payload[32]!,
    keyShare: withKeyShare ? payload.slice(33, macAt) : null,
    mac: payload.slice(macAt, macAt + HANDSHAKE_MAC_SIZE),
    macInput: payload.subarray(0, macAt),
  };
}

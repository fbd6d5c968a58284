/**
 * The asoc-hardened handshake payloads (wire version 2; docs/asoc-hardened.md §3). Fixed sizes, all
 * integers big-endian, like v1:
 *
 *   HELLO  53 B: node_id(16) · client_nonce(16) · timestamp u32 (Unix s) · suite u8 · mac(16)
 *   ACCEPT 49 B: node_id(16) · server_nonce(16) · suite u8 · mac(16)
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

/** How frames are protected after the handshake: a tag on every frame, and optionally encryption. */
export const Suite = { INTEGRITY: 0, ENCRYPTED: 1 } as const;
export type Suite = (typeof Suite)[keyof typeof Suite];

export interface HardenedHello {
  nodeId: Uint8Array;
  nonce: Uint8Array;
  timestamp: number;
  /** As received: the handshake checks it against its own suite (after the MAC), so any byte decodes. */
  suite: number;
  mac: Uint8Array;
  /** The bytes the MAC covers (all but the MAC). */
  macInput: Uint8Array;
}

export interface HardenedAccept {
  nodeId: Uint8Array;
  nonce: Uint8Array;
  suite: number;
  mac: Uint8Array;
  macInput: Uint8Array;
}

export function helloMacInput(fields: Omit<HardenedHello, 'mac' | 'macInput'>): Uint8Array {
  requireLength('node_id', fields.nodeId, NODE_ID_SIZE);
  requireLength('client nonce', fields.nonce, NONCE_SIZE);
  requireUint('timestamp', fields.timestamp, 32);
  requireUint('suite', fields.suite, 8);
  return concatBytes(fields.nodeId, fields.nonce, u32be(fields.timestamp), Uint8Array.of(fields.suite));
}

export function acceptMacInput(fields: Omit<HardenedAccept, 'mac' | 'macInput'>): Uint8Array {
  requireLength('node_id', fields.nodeId, NODE_ID_SIZE);
  requireLength('server nonce', fields.nonce, NONCE_SIZE);
  requireUint('suite', fields.suite, 8);
  return concatBytes(fields.nodeId, fields.nonce, Uint8Array.of(fields.suite));
}

/** The payload: the MAC input followed by the MAC. */
export function withMac(macInput: Uint8Array, mac: Uint8Array): Uint8Array {
  requireLength('handshake MAC', mac, HANDSHAKE_MAC_SIZE);
  return concatBytes(macInput, mac);
}

export function decodeHardenedHello(payload: Uint8Array): HardenedHello {
  requireLength('hardened HELLO payload', payload, HARDENED_HELLO_SIZE);
  return {
    nodeId: payload.slice(0, 16),
    nonce: payload.slice(16, 32),
    timestamp: view(payload).getUint32(32),
    suite: payload[36]!,
    mac: payload.slice(37, 53),
    macInput: payload.subarray(0, 37),
  };
}

export function decodeHardenedAccept(payload: Uint8Array): HardenedAccept {
  requireLength('hardened ACCEPT payload', payload, HARDENED_ACCEPT_SIZE);
  return {
    nodeId: payload.slice(0, 16),
    nonce: payload.slice(16, 32),
    suite: payload[32]!,
    mac: payload.slice(33, 49),
    macInput: payload.subarray(0, 33),
  };
}

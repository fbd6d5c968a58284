/**
 * Discovery datagram (RFC-0001 §4), exactly 50 bytes:
 * community_hash(8) · node_uuid(16) · tcp_port u16 · timestamp u32 (unix s) · challenge u32 · sig(16),
 * sig = HMAC-SHA256(api_key, bytes[0:34])[0:16].
 */
import { concatBytes, requireLength, requireUint, view } from './bytes.ts';

export const DISCOVERY_SIZE = 50;
export const DISCOVERY_SIGNED_SIZE = 34;
export const COMMUNITY_HASH_SIZE = 8;
export const DISCOVERY_SIG_SIZE = 16;
export const DEFAULT_DISCOVERY_PORT = 9999;
export const DEFAULT_TCP_PORT = 9000;

export interface DiscoveryFields {
  communityHash: Uint8Array;
  nodeId: Uint8Array;
  tcpPort: number;
  timestamp: number;
  challenge: number;
}

export interface DiscoveryMessage extends DiscoveryFields {
  sig: Uint8Array;
  /** The 34 bytes the signature covers, as received. */
  signed: Uint8Array;
}

export function encodeDiscoverySigned(fields: DiscoveryFields): Uint8Array {
  requireLength('community hash', fields.communityHash, COMMUNITY_HASH_SIZE);
  requireLength('node_uuid', fields.nodeId, 16);
  requireUint('tcp_port', fields.tcpPort, 16);
  requireUint('timestamp', fields.timestamp, 32);
  requireUint('challenge', fields.challenge, 32);
  const tail = new Uint8Array(10);
  const v = view(tail);
  v.setUint16(0, fields.tcpPort);
  v.setUint32(2, fields.timestamp);
  v.setUint32(6, fields.challenge);
  return concatBytes(fields.communityHash, fields.nodeId, tail);
}

export function encodeDiscovery(signed: Uint8Array, sig: Uint8Array): Uint8Array {
  requireLength('discovery signed part', signed, DISCOVERY_SIGNED_SIZE);
  requireLength('discovery signature', sig, DISCOVERY_SIG_SIZE);
  return concatBytes(signed, sig);
}

export function decodeDiscovery(datagram: Uint8Array): DiscoveryMessage {
  requireLength('discovery datagram', datagram, DISCOVERY_SIZE);
  // Read byte by byte rather than through a DataView: every node of a simulated cluster decodes every announcement.
  const d = datagram;
  return {
    communityHash: d.slice(0, 8),
    nodeId: d.slice(8, 24),
    tcpPort: (d[24]! << 8) | d[25]!,
    timestamp: ((d[26]! << 24) | (d[27]! << 16) | (d[28]! << 8) | d[29]!) >>> 0,
    challenge: ((d[30]! << 24) | (d[31]! << 16) | (d[32]! << 8) | d[33]!) >>> 0,
    signed: datagram.slice(0, DISCOVERY_SIGNED_SIZE),
    sig: datagram.slice(DISCOVERY_SIGNED_SIZE),
  };
}

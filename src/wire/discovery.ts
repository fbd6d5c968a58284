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
export const DISCOVERY_NODE_ID_SIZE = 16;
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
  requireLength('node_uuid', fields.nodeId, DISCOVERY_NODE_ID_SIZE);
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

/** Where the node id, the TCP port, the timestamp and the challenge start (the community hash at 0, the signature at DISCOVERY_SIGNED_SIZE). */
export const DISCOVERY_NODE_ID_AT = COMMUNITY_HASH_SIZE;
const TCP_PORT_AT = DISCOVERY_NODE_ID_AT + DISCOVERY_NODE_ID_SIZE;
const TIMESTAMP_AT = 26;
const CHALLENGE_AT = 30;

// The field readers take a datagram already known to be DISCOVERY_SIZE bytes and build nothing: every
// node of a simulated cluster reads every announcement, so the discovery agent reads its fields in place.

export function discoveryTcpPort(d: Uint8Array): number {
  return (d[TCP_PORT_AT]! << 8) | d[TCP_PORT_AT + 1]!;
}

export function discoveryTimestamp(d: Uint8Array): number {
  return readU32(d, TIMESTAMP_AT);
}

export function discoveryChallenge(d: Uint8Array): number {
  return readU32(d, CHALLENGE_AT);
}

function readU32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}

export function decodeDiscovery(datagram: Uint8Array): DiscoveryMessage {
  requireLength('discovery datagram', datagram, DISCOVERY_SIZE);
  return {
    communityHash: datagram.slice(0, COMMUNITY_HASH_SIZE),
    nodeId: datagram.slice(DISCOVERY_NODE_ID_AT, TCP_PORT_AT),
    tcpPort: discoveryTcpPort(datagram),
    timestamp: discoveryTimestamp(datagram),
    challenge: discoveryChallenge(datagram),
    signed: datagram.slice(0, DISCOVERY_SIGNED_SIZE),
    sig: datagram.slice(DISCOVERY_SIGNED_SIZE),
  };
}

/**
 * The v1 signatures (RFC-0002 §4.2, §5.2): who signs what with the API key, and how it is checked.
 * All comparisons are constant-time.
 */
import type { CryptoBackend } from '../crypto/backend.ts';
import { communityHash, constantTimeEqualAt, truncatedHmac, verifyTruncatedHmac } from '../crypto/mac.ts';
import { ACCEPT_SIG_SIZE, TOKEN_SIZE, encodeAccept } from '../wire/accept.ts';
import {
  COMMUNITY_HASH_SIZE,
  DISCOVERY_SIG_SIZE,
  DISCOVERY_SIGNED_SIZE,
  encodeDiscovery,
  encodeDiscoverySigned,
} from '../wire/discovery.ts';
import { HELLO_SIG_SIZE, encodeHello, helloSignedBytes, type Hello } from '../wire/hello.ts';

export interface V1Keys {
  crypto: CryptoBackend;
  apiKey: Uint8Array;
}

export function signHello(keys: V1Keys, nodeId: Uint8Array, challenge: number): Uint8Array {
  const sig = truncatedHmac(keys.crypto, keys.apiKey, helloSignedBytes(nodeId, challenge), HELLO_SIG_SIZE);
  return encodeHello({ nodeId, sig, challenge });
}

export function verifyHello(keys: V1Keys, hello: Hello): boolean {
  return verifyTruncatedHmac(keys.crypto, keys.apiKey, helloSignedBytes(hello.nodeId, hello.challenge), hello.sig, HELLO_SIG_SIZE);
}

export function signAccept(keys: V1Keys, token: Uint8Array): Uint8Array {
  if (token.length !== TOKEN_SIZE) throw new RangeError(`session token must be ${TOKEN_SIZE} bytes`);
  return encodeAccept({ token, sig: truncatedHmac(keys.crypto, keys.apiKey, token, ACCEPT_SIG_SIZE) });
}

export function verifyAccept(keys: V1Keys, token: Uint8Array, sig: Uint8Array): boolean {
  return verifyTruncatedHmac(keys.crypto, keys.apiKey, token, sig, ACCEPT_SIG_SIZE);
}

export interface DiscoveryAnnouncement {
  community: string;
  nodeId: Uint8Array;
  tcpPort: number;
  timestamp: number;
  challenge: number;
}

export function signDiscovery(keys: V1Keys, a: DiscoveryAnnouncement): Uint8Array {
  const signed = encodeDiscoverySigned({
    communityHash: communityHash(keys.crypto, a.community),
    nodeId: a.nodeId,
    tcpPort: a.tcpPort,
    timestamp: a.timestamp,
    challenge: a.challenge,
  });
  return encodeDiscovery(signed, truncatedHmac(keys.crypto, keys.apiKey, signed, DISCOVERY_SIG_SIZE));
}

/**
 * The checks in the reference's order: community hash first, then the signature. Made on the
 * datagram (DISCOVERY_SIZE bytes) in place: every node checks every announcement it hears.
 */
export function checkDiscovery(keys: V1Keys, expectedCommunityHash: Uint8Array, datagram: Uint8Array): 'ok' | 'other-community' | 'bad-signature' {
  if (expectedCommunityHash.length !== COMMUNITY_HASH_SIZE || !constantTimeEqualAt(datagram, 0, expectedCommunityHash, 0, COMMUNITY_HASH_SIZE)) return 'other-community';
  const signed = datagram.subarray(0, DISCOVERY_SIGNED_SIZE);
  return verifyTruncatedHmac(keys.crypto, keys.apiKey, signed, datagram, DISCOVERY_SIG_SIZE, DISCOVERY_SIGNED_SIZE) ? 'ok' : 'bad-signature';
}

/**
 * The keys and community label a profile's discovery uses. v1 signs with the API key itself and
 * hashes the community string as given (RFC-0002 §3). asoc-hardened keeps the 50-byte datagram but
 * signs with a key derived from the API key for discovery alone and hashes a labelled community, so
 * v1 and hardened nodes never take each other's announcements, and no discovery MAC can be replayed
 * as any other message (docs/asoc-hardened.md §6).
 */
import type { CryptoBackend } from '../crypto/backend.ts';
import { HARDENED_KEY_SALT, hardenedLabel } from './hardened-handshake.ts';
import type { AsocProfile } from './profile.ts';
import type { V1Keys } from './v1-auth.ts';

const DISCOVERY_KEY_INFO = hardenedLabel('discovery key');
const HARDENED_COMMUNITY_PREFIX = 'asoc-hardened/2 community ';

export interface DiscoveryDomain {
  keys: V1Keys;
  community: string;
}

export function discoveryDomain(profile: AsocProfile, crypto: CryptoBackend, apiKey: Uint8Array, community: string): DiscoveryDomain {
  if (profile.security.kind === 'v1') return { keys: { crypto, apiKey }, community };
  return {
    keys: { crypto, apiKey: crypto.hkdfSha256(apiKey, HARDENED_KEY_SALT, DISCOVERY_KEY_INFO, 32) },
    community: HARDENED_COMMUNITY_PREFIX + community,
  };
}

/**
 * Protocol profiles are data, not forks of the code.
 * - `asoc-v1`: what RFC-0001/RFC-0002's text requires (HELLO challenges tracked, replay window with a
 *   bounded cache, discovery timestamps checked, a maximum frame size, per-node discovery rate limit).
 * - `asoc-v1/reference`: what the public Python reference implementation actually does (no HELLO
 *   challenge tracking, a seen-set emptied whenever it passes 10,000 entries, no timestamp check, no
 *   frame size limit, no rate limit, no connection cap, no lockout, every frame before the handshake
 *   read whole, a connection closed when a frame read takes 30 s), so the lab can show what those
 *   gaps cost; docs/asoc-v1.md lists, line by line, what it reproduces and how that was checked.
 * - `asoc-hardened` and `asoc-hardened/encrypted`: the lab's fix for every security claim v1 fails
 *   (docs/asoc-hardened.md): wire version 2, a handshake bound to both peers' fresh nonces, HKDF
 *   session keys, a tag on every frame (and encryption in the second), enforced freshness, and every
 *   §10.4 limit on by default. `asoc-hardened/x25519` is the encrypted one with forward secrecy: an
 *   ephemeral X25519 exchange in HELLO and ACCEPT goes into the session keys.
 * - `subduction`: the Subduction design's handshake as a comparison protocol (docs/subduction.md):
 *   wire version 3, two Ed25519-signed messages in canonical CBOR, peers known by their keys, a
 *   60 s drift window and a 12-minute nonce cache; frames tagged under keys the two identities agree.
 * - `stt`: the Seigr Toolset Transmissions design's sessions as a comparison protocol (docs/stt.md):
 *   wire version 4, a four-message handshake over the pre-shared seed (the API key), every frame
 *   encrypted with ChaCha20-Poly1305 under keys that rotate after 100 MiB, 10,000 frames or an hour.
 * Both v1 profiles speak the same v1 bytes; they differ in what a receiver enforces.
 */
import type { ReplayPolicy } from '../crypto/replay-cache.ts';
import { Suite } from '../wire/hardened.ts';
import { DEFAULT_MAX_FRAME_SIZE, MAX_WIRE_LENGTH } from '../wire/frame.ts';
import { CHARGE_NOTHING, CHARGE_OWN_FAILURES, type AdmissionSettings } from './admission.ts';
import type { ConnectionProfile } from './connection.ts';
import type { HardenedSecurity } from './hardened-handshake.ts';
import type { SubductionSecurity } from './subduction-handshake.ts';
import type { SttSecurity } from './stt-handshake.ts';
import type { V1Security } from './v1-handshake.ts';

export type ProfileName = 'asoc-v1' | 'asoc-v1/reference' | 'asoc-hardened' | 'asoc-hardened/encrypted' | 'asoc-hardened/x25519' | 'subduction' | 'stt';

/** What a connection reads (connection.ts: wire version, security kind, HELLO replay, frame size, receipts, limits), and discovery and admission. */
export interface AsocProfile extends ConnectionProfile {
  readonly name: ProfileName;
  readonly wireVersion: 1 | 2 | 3 | 4;
  /** The handshake and what protects frames after it (handshake-registry.ts has a kind for each). */
  readonly security: V1Security | HardenedSecurity | SubductionSecurity | SttSecurity;
  /** How discovery challenges are remembered; a `window` policy also rejects old timestamps. */
  readonly discoveryReplay: ReplayPolicy;
  /** What identifies a discovery message in the replay cache: its challenge alone (v1), or with the sender's node id. */
  readonly discoveryReplayKey: 'challenge' | 'node-and-challenge';
  /** Discovery from one node accepted at most once per this many ms (RFC-0001 §10.4), or no limit. */
  readonly discoveryMinIntervalMs: number | null;
  /** Admission settings that differ from DEFAULT_ADMISSION (a node's own settings override them). */
  readonly admission: Partial<AdmissionSettings>;
}

const SIXTY_SECONDS = 60_000;
const HARDENED_FRESHNESS_MS = 30_000;
/**
 * Each direction's key is replaced after 2^35 bytes (32 GiB, about 75 s at 446 MB/s), a tenth of
 * RFC 8446 §5.5's margin for one AES-GCM key (2^24.5 records of 2^14 bytes, about 2^38.5 bytes).
 */
const HARDENED_REKEY_BYTES = 2 ** 35;

/** Entries live past twice the age limit, so an accepted message is stale before it is forgotten. */
function freshnessWindow(maxAgeMs: number): ReplayPolicy {
  return { kind: 'window', windowMs: 2 * maxAgeMs + 5_000, maxAgeMs, capacity: 100_000 };
}

export const ASOC_V1: AsocProfile = {
  name: 'asoc-v1',
  wireVersion: 1,
  security: { kind: 'v1' },
  helloReplay: freshnessWindow(SIXTY_SECONDS),
  discoveryReplay: freshnessWindow(SIXTY_SECONDS),
  discoveryReplayKey: 'challenge',
  discoveryMinIntervalMs: 1_000,
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  sendReceipts: true,
  limits: {},
  admission: {},
};

export const ASOC_V1_REFERENCE: AsocProfile = {
  ...ASOC_V1,
  name: 'asoc-v1/reference',
  helloReplay: null,
  discoveryReplay: { kind: 'clear-at', limit: 10_000 },
  discoveryMinIntervalMs: null,
  maxFrameSize: MAX_WIRE_LENGTH,
  handshakeReads: 'whole-frame',
  sendReceipts: false,
  // Its reads: the first frame whole within 10 s (the default handshake timeout), then each header and each payload within 30 s; no stream is timed on its own.
  limits: { frameReadTimeoutMs: 30_000, streamIdleTimeoutMs: Infinity },
  admission: { maxConnections: Infinity, charges: CHARGE_NOTHING },
};

export const ASOC_HARDENED: AsocProfile = {
  name: 'asoc-hardened',
  wireVersion: 2,
  security: { kind: 'hardened', suite: Suite.INTEGRITY, freshnessMs: HARDENED_FRESHNESS_MS, rekeyAfterBytes: HARDENED_REKEY_BYTES },
  helloReplay: freshnessWindow(HARDENED_FRESHNESS_MS),
  discoveryReplay: freshnessWindow(HARDENED_FRESHNESS_MS),
  discoveryReplayKey: 'node-and-challenge',
  discoveryMinIntervalMs: 1_000,
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  endCarriesData: true,
  sendReceipts: true,
  limits: { handshakeTimeoutMs: 5_000 },
  // 8 handshakes per address (an IPv6 /64), 20 of the 100 slots kept for peers that completed a handshake before
  // (never locked out), and under load a slot taken from silence for a newcomer.
  admission: { maxHandshakingPerAddress: 8, charges: CHARGE_OWN_FAILURES, reservedForKnownPeers: 20, spareKnownPeers: true, evictSilentUnderLoad: true, groupIpv6By64: true },
};

export const ASOC_HARDENED_ENCRYPTED: AsocProfile = {
  ...ASOC_HARDENED,
  name: 'asoc-hardened/encrypted',
  security: { kind: 'hardened', suite: Suite.ENCRYPTED, freshnessMs: HARDENED_FRESHNESS_MS, rekeyAfterBytes: HARDENED_REKEY_BYTES },
};

/** The encrypted suite with forward secrecy: session keys also depend on an ephemeral X25519 exchange (docs/asoc-hardened.md §4). */
export const ASOC_HARDENED_X25519: AsocProfile = {
  ...ASOC_HARDENED,
  name: 'asoc-hardened/x25519',
  security: { kind: 'hardened-x25519', suite: Suite.ENCRYPTED_X25519, freshnessMs: HARDENED_FRESHNESS_MS, rekeyAfterBytes: HARDENED_REKEY_BYTES },
};

/** The design's defaults: a 60 s drift window, nonces kept 12 minutes (its 4 buckets of 3), messages up to 50 MiB. */
const SUBDUCTION_MAX_DRIFT_MS = 60_000;
const SUBDUCTION_NONCE_WINDOW_MS = 12 * 60_000;

export const SUBDUCTION: AsocProfile = {
  name: 'subduction',
  wireVersion: 3,
  security: { kind: 'subduction', freshnessMs: SUBDUCTION_MAX_DRIFT_MS, service: 'asoc-lab' },
  // Time and drift are the handshake's own checks; the cache only remembers (peer id, nonce) pairs.
  helloReplay: { kind: 'window', windowMs: SUBDUCTION_NONCE_WINDOW_MS, maxAgeMs: SUBDUCTION_MAX_DRIFT_MS, capacity: 100_000 },
  discoveryReplay: freshnessWindow(SIXTY_SECONDS),
  discoveryReplayKey: 'node-and-challenge',
  discoveryMinIntervalMs: 1_000,
  maxFrameSize: 50 * 1024 * 1024,
  sendReceipts: true,
  limits: {},
  admission: {},
};

/** The public implementation's thresholds (utils/constants.py): 100 MiB, 10,000 frames, one hour. */
const STT_ROTATION = { bytes: 100 * 1024 * 1024, messages: 10_000, ms: 3_600_000 };

export const STT: AsocProfile = {
  name: 'stt',
  wireVersion: 4,
  security: { kind: 'stt', cipher: 'chacha20-poly1305', freshnessMs: SIXTY_SECONDS, rotation: STT_ROTATION },
  helloReplay: freshnessWindow(SIXTY_SECONDS),
  discoveryReplay: freshnessWindow(SIXTY_SECONDS),
  discoveryReplayKey: 'node-and-challenge',
  discoveryMinIntervalMs: 1_000,
  // STT's largest frame is 2 MiB; the lab's streams cut data into 1 MiB chunks below it.
  maxFrameSize: 2 * 1024 * 1024,
  sendReceipts: true,
  limits: {},
  admission: {},
  customFrames: true,
};

export const PROFILES: Record<ProfileName, AsocProfile> = {
  'asoc-v1': ASOC_V1,
  'asoc-v1/reference': ASOC_V1_REFERENCE,
  'asoc-hardened': ASOC_HARDENED,
  'asoc-hardened/encrypted': ASOC_HARDENED_ENCRYPTED,
  'asoc-hardened/x25519': ASOC_HARDENED_X25519,
  subduction: SUBDUCTION,
  stt: STT,
};

export function profileByName(name: string): AsocProfile {
  const profile = (PROFILES as Record<string, AsocProfile | undefined>)[name];
  if (!profile) throw new Error(`unknown profile "${name}" (expected one of: ${Object.keys(PROFILES).join(', ')})`);
  return profile;
}

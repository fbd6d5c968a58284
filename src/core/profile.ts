/**
 * Protocol profiles are data, not forks of the code. Both profiles here speak the same v1 bytes;
 * they differ in what a receiver enforces:
 * - `asoc-v1`: what RFC-0001/RFC-0002's text requires (HELLO challenges tracked, replay window with a
 *   bounded cache, discovery timestamps checked, a maximum frame size, per-node discovery rate limit).
 * - `asoc-v1/reference`: what the public Python reference implementation actually does (no HELLO
 *   challenge tracking, a seen-set emptied whenever it passes 10,000 entries, no timestamp check, no
 *   frame size limit, no rate limit), so the lab can show what those gaps cost.
 */
import type { ReplayPolicy } from '../crypto/replay-cache.ts';
import { DEFAULT_MAX_FRAME_SIZE, MAX_WIRE_LENGTH } from '../wire/frame.ts';

export type ProfileName = 'asoc-v1' | 'asoc-v1/reference';

export interface AsocProfile {
  readonly name: ProfileName;
  /** Server records HELLO challenges and rejects a repeat (RFC-0002 §4.3); the reference keeps none. */
  readonly helloReplay: ReplayPolicy | null;
  /** How discovery challenges are remembered; a `window` policy also rejects old timestamps. */
  readonly discoveryReplay: ReplayPolicy;
  /** Discovery from one node accepted at most once per this many ms (RFC-0001 §10.4), or no limit. */
  readonly discoveryMinIntervalMs: number | null;
  /** Largest frame payload accepted (checked on the header). The reference has none. */
  readonly maxFrameSize: number;
  /** Send the lab's CONTROL delivery receipt when a stream ends (ignored by v1 peers that don't know it). */
  readonly sendReceipts: boolean;
}

const SIXTY_SECONDS = 60_000;

/** Discovery entries live past twice the age limit, so an accepted message is stale before it is forgotten. */
const rfcWindow: ReplayPolicy = { kind: 'window', windowMs: 2 * SIXTY_SECONDS + 5_000, maxAgeMs: SIXTY_SECONDS, capacity: 100_000 };

export const ASOC_V1: AsocProfile = {
  name: 'asoc-v1',
  helloReplay: rfcWindow,
  discoveryReplay: rfcWindow,
  discoveryMinIntervalMs: 1_000,
  maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
  sendReceipts: true,
};

export const ASOC_V1_REFERENCE: AsocProfile = {
  name: 'asoc-v1/reference',
  helloReplay: null,
  discoveryReplay: { kind: 'clear-at', limit: 10_000 },
  discoveryMinIntervalMs: null,
  maxFrameSize: MAX_WIRE_LENGTH,
  sendReceipts: false,
};

export const PROFILES: Record<ProfileName, AsocProfile> = { 'asoc-v1': ASOC_V1, 'asoc-v1/reference': ASOC_V1_REFERENCE };

export function profileByName(name: string): AsocProfile {
  const profile = (PROFILES as Record<string, AsocProfile | undefined>)[name];
  if (!profile) throw new Error(`unknown profile "${name}" (expected one of: ${Object.keys(PROFILES).join(', ')})`);
  return profile;
}

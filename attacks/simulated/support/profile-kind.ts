/**
 * What an attack asks of a profile's security kind (the handshake registry), so that no attack names
 * a kind: whether its frames are encrypted, each side's first handshake message, and how long the
 * tag is that frames of a wire version carry.
 */
import { HANDSHAKES } from '../../../src/core/handshake-registry.ts';
import type { HandshakeKind } from '../../../src/core/handshake.ts';
import { PROFILES, type AsocProfile } from '../../../src/core/profile.ts';

function kindOf(profile: AsocProfile): HandshakeKind {
  return HANDSHAKES.get(profile.security.kind).kind;
}

/** Whether the profile's sessions carry payloads encrypted (asoc-hardened's encrypted suite, stt). */
export function encryptsFrames(profile: AsocProfile): boolean {
  return kindOf(profile).encryptsFrames?.(profile.security) ?? false;
}

/** The frame type of the first handshake message `from` sends (v1: HELLO from the client, ACCEPT from the server). */
export function firstMessageType(profile: AsocProfile, from: 'client' | 'server'): number {
  const message = kindOf(profile).messages.find((m) => m.from === from);
  if (!message) throw new Error(`the ${profile.security.kind} handshake has no message from the ${from}`);
  return message.frameType;
}

/** Bytes of tag after a protected frame's payload at wire `version` (0 for a version whose frames carry none, or no profile's). */
export function tagSizeOfWireVersion(version: number): number {
  const profile = Object.values(PROFILES).find((p) => p.wireVersion === version);
  return profile ? kindOf(profile).tagSize : 0;
}

/** How far a first handshake message's timestamp may be from the receiver's clock, or null for a kind whose messages carry none (v1). */
export function handshakeFreshnessMs(profile: AsocProfile): number | null {
  const security = profile.security;
  return 'freshnessMs' in security ? security.freshnessMs : null;
}

/**
 * The profile with its session keys rotating after every `frames` frames each way (its other
 * thresholds kept), for a kind whose keys rotate on a frame threshold and carry their epoch on the
 * wire (stt); null for any other.
 */
export function withRotationEvery(profile: AsocProfile, frames: number): AsocProfile | null {
  const security = profile.security;
  if (!('rotation' in security)) return null;
  return { ...profile, security: { ...security, rotation: { ...security.rotation, messages: frames } } };
}

/** The real-socket attacks, by the name `asoc-lab attack <name>` takes. */
import { CONNECTION_FLOOD_CLAIMS } from './connection-flood.ts';
import { FAILED_AUTH_BURST_CLAIMS } from './failed-auth-burst.ts';
import { HELLO_REPLAY_CLAIMS } from './hello-replay.ts';
import { OVERSIZED_FRAME_CLAIMS } from './oversized-frame.ts';
import { SLOW_HANDSHAKE_CLAIMS } from './slow-handshake.ts';

export { connectionFlood, type ConnectionFloodOptions } from './connection-flood.ts';
export { failedAuthBurst, type FailedAuthBurstOptions } from './failed-auth-burst.ts';
export { helloReplay, type HelloReplayOptions } from './hello-replay.ts';
export { oversizedFrame, type OversizedFrameOptions } from './oversized-frame.ts';
export { slowHandshake, type SlowHandshakeOptions } from './slow-handshake.ts';
export { outcomeLine, writeAttackReport, type LiveAttackOutcome, type AttackResult } from './result.ts';
export { resolveAttackTarget, TargetNotAllowedError, type AttackTarget } from './target.ts';

export const ATTACK_NAMES = ['hello-replay', 'oversized-frame', 'connection-flood', 'failed-auth-burst', 'slow-handshake'] as const;
export type AttackName = (typeof ATTACK_NAMES)[number];

export const ATTACK_SUMMARIES: Record<AttackName, { claims: string[]; summary: string }> = {
  'hello-replay': { claims: HELLO_REPLAY_CLAIMS, summary: 'record a client HELLO through a proxy, replay it without the key, push DATA' },
  'oversized-frame': { claims: OVERSIZED_FRAME_CLAIMS, summary: 'announce a frame far above the maximum (1 GiB) and feed it: close at once, or keep reading?' },
  'connection-flood': { claims: CONNECTION_FLOOD_CLAIMS, summary: 'open N silent connections (150): how many stay open, does a legitimate client get in?' },
  'failed-auth-burst': { claims: FAILED_AUTH_BURST_CLAIMS, summary: 'wrong-key HELLOs from one address: from which attempt is it locked out?' },
  'slow-handshake': { claims: SLOW_HANDSHAKE_CLAIMS, summary: 'connections that never send HELLO: how long do they hold a slot?' },
};

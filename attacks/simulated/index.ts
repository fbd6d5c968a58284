/**
 * The attacks threat scenarios can run on the simulator, by the kind a scenario's `attack.kind` names.
 * Adding one: write attacks/simulated/<kind>.ts (contract in types.ts) and list it here.
 */
import acceptReplay from './accept-replay.ts';
import authBruteForce from './auth-brute-force.ts';
import authFailureLeak from './auth-failure-leak.ts';
import blindInjection from './blind-injection.ts';
import challengeBirthday from './challenge-birthday.ts';
import connectionFlood from './connection-flood.ts';
import discoveryReplay from './discovery-replay.ts';
import discoveryStorm from './discovery-storm.ts';
import eavesdrop from './eavesdrop.ts';
import helloReplay from './hello-replay.ts';
import injectAfterHandshake from './inject-after-handshake.ts';
import keylessNode from './keyless-node.ts';
import mitmFrames from './mitm-frames.ts';
import oversizedFrame from './oversized-frame.ts';
import protocolViolations from './protocol-violations.ts';
import tokenForgery from './token-forgery.ts';
import type { AttackModule } from './types.ts';

export const SIMULATED_ATTACKS: Readonly<Record<string, AttackModule>> = {
  'accept-replay': acceptReplay,
  'auth-brute-force': authBruteForce,
  'auth-failure-leak': authFailureLeak,
  'blind-injection': blindInjection,
  'challenge-birthday': challengeBirthday,
  'connection-flood': connectionFlood,
  'discovery-replay': discoveryReplay,
  'discovery-storm': discoveryStorm,
  'eavesdrop': eavesdrop,
  'hello-replay': helloReplay,
  'inject-after-handshake': injectAfterHandshake,
  'keyless-node': keylessNode,
  'mitm-frames': mitmFrames,
  'oversized-frame': oversizedFrame,
  'protocol-violations': protocolViolations,
  'token-forgery': tokenForgery,
};

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
import handshakeHeaderTamper from './handshake-header-tamper.ts';
import helloReplay from './hello-replay.ts';
import injectAfterHandshake from './inject-after-handshake.ts';
import keyWear from './key-wear.ts';
import keylessNode from './keyless-node.ts';
import lockoutByReplay from './lockout-by-replay.ts';
import mitmFrames from './mitm-frames.ts';
import offlineKeyGuess from './offline-key-guess.ts';
import oversizedFrame from './oversized-frame.ts';
import protocolViolations from './protocol-violations.ts';
import recordedSessionKeyTheft from './recorded-session-key-theft.ts';
import tamperLockout from './tamper-lockout.ts';
import tokenForgery from './token-forgery.ts';
import wallClockStep from './wall-clock-step.ts';
import wrongPeer from './wrong-peer.ts';
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
  'handshake-header-tamper': handshakeHeaderTamper,
  'hello-replay': helloReplay,
  'inject-after-handshake': injectAfterHandshake,
  'key-wear': keyWear,
  'keyless-node': keylessNode,
  'lockout-by-replay': lockoutByReplay,
  'mitm-frames': mitmFrames,
  'offline-key-guess': offlineKeyGuess,
  'oversized-frame': oversizedFrame,
  'protocol-violations': protocolViolations,
  'recorded-session-key-theft': recordedSessionKeyTheft,
  'tamper-lockout': tamperLockout,
  'token-forgery': tokenForgery,
  'wall-clock-step': wallClockStep,
  'wrong-peer': wrongPeer,
};

/**
 * The Subduction claims the subduction profile's core decides in memory (no network), with the real
 * connection machines of both sides: D1 (the two signed messages, and what stops a replayed,
 * misdirected or forged one) and D3 (deterministic CBOR in the SDN envelope, unknown envelope
 * versions refused by name). Every attack is bytes a real connection wrote, replayed, altered or
 * signed by another key, handed to a real connection. Deterministic: fixed identities, counting
 * randomness, fixed clocks.
 */
import type { AsocProfile } from '../../src/core/profile.ts';
import { SUBDUCTION } from '../../src/core/profile.ts';
import { discoveryId, type SubductionSecurity } from '../../src/core/subduction-handshake.ts';
import { nobleBackend, nodeBackend, type CryptoBackend } from '../../src/crypto/backend.ts';
import { blake3Digest } from '../../src/crypto/blake3.ts';
import { nodeEd25519 } from '../../src/crypto/ed25519.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { bytesToHex, concatBytes } from '../../src/wire/bytes.ts';
import { encodeHeader } from '../../src/wire/frame.ts';
import {
  ENVELOPE_MAGIC,
  ENVELOPE_VERSION,
  SubductionFrame,
  decodeChallenge,
  decodeRejection,
  decodeResponse,
  decodeSigned,
  encodeChallenge,
  encodeResponse,
  encodeSigned,
  openEnvelope,
  rejectionReasonName,
} from '../../src/wire/subduction.ts';
import { CLIENT_IDENTITY, SERVER_IDENTITY, type PairOptions } from './codec-claims.ts';
import type { ClaimDecision } from './instrument.ts';
import { RecordedPair, type Side } from './recorded-pair.ts';
import type { ClaimResult } from './verdict.ts';

/** Both clocks, Unix ms, when `now` is 0: 14 Nov 2023, so timestamps take the CBOR width today's do. */
const T0 = 1_700_000_000_000;
const OTHER_IDENTITY = new Uint8Array(32).fill(0x77);
const SERVER_KEY = nodeEd25519.publicKey(SERVER_IDENTITY);
const OTHER_KEY = nodeEd25519.publicKey(OTHER_IDENTITY);

/** What one attempt came to: how each side closed (reason and detail) and the server's unsigned rejection, if it sent one. */
export interface Attempt {
  case: string;
  expected: string;
  /** Both sides established. */
  established: boolean;
  /** The server took the message (a replayed challenge it answered, though the replayer cannot use the answer). */
  serverEstablished: boolean;
  server: string | null;
  client: string | null;
  rejection: string | null;
  asExpected: boolean;
}

interface AttemptOptions extends Omit<PairOptions, 'clientUnixMs' | 'serverUnixMs' | 'helloReplay'> {
  /** How far the server's clock is ahead of the client's. */
  serverAheadMs?: number;
  /** The server node's nonce cache, shared between pairs (default: a fresh one). */
  nonces?: ReplayCache;
}

/** A pair of `profile` with both clocks at T0 (the server's ahead by `serverAheadMs`). */
function pairAt(profile: AsocProfile, { serverAheadMs = 0, nonces, ...options }: AttemptOptions = {}): RecordedPair {
  return new RecordedPair(profile, { ...options, clientUnixMs: T0, serverUnixMs: T0 + serverAheadMs, helloReplay: nonces });
}

/** A handshake message as the frame layer carries it. */
function frameOf(type: number, payload: Uint8Array, profile: AsocProfile): Uint8Array {
  return concatBytes(encodeHeader(type, 0, 0, payload.length, profile.wireVersion), payload);
}

/** The first frame of `type` that `side` wrote. */
function payloadOf(pair: RecordedPair, side: Side, type: number): Uint8Array | null {
  return pair.frames(side).find((f) => f.type === type)?.payload ?? null;
}

function describeClose(pair: RecordedPair, side: Side): string | null {
  const closed = pair.closed(side);
  return closed ? `${closed.reason}: ${closed.detail}` : null;
}

/** The attempt's outcome; `expected` is a close reason of the server (or the client, "client <reason>"), or "established". */
function attempt(name: string, pair: RecordedPair, expected: string): Attempt {
  const rejection = payloadOf(pair, 'server', SubductionFrame.REJECTION);
  const established = pair.client.state === 'established' && pair.server.state === 'established';
  const [side, reason] = expected.startsWith('client ') ? (['client', expected.slice(7)] as const) : (['server', expected] as const);
  const asExpected = expected === 'established' ? established : !established && pair.closed(side)?.reason === reason;
  return {
    case: name,
    expected,
    established,
    serverEstablished: pair.server.state === 'established',
    server: describeClose(pair, 'server'),
    client: describeClose(pair, 'client'),
    rejection: rejection ? rejectionReasonName(decodeRejection(rejection).reason) : null,
    asExpected,
  };
}

/** A pair whose client's own first message is dropped, and `bytes` given to its server instead. */
function serverFed(profile: AsocProfile, bytes: Uint8Array, options: AttemptOptions = {}): RecordedPair {
  const pair = pairAt(profile, { randomStart: 7, ...options });
  pair.client.pollTransmit();
  pair.inject('server', bytes, 0);
  return pair;
}

/** A Signed message over `payload` in an envelope of `version`, signed by `identity`. */
function signedBy(identity: Uint8Array, payload: Uint8Array, version = ENVELOPE_VERSION): Uint8Array {
  const envelope = concatBytes(ENVELOPE_MAGIC, Uint8Array.of(version), payload);
  return encodeSigned({ issuer: nodeEd25519.publicKey(identity), signature: nodeEd25519.sign(identity, envelope), envelope });
}

/** A pair whose client has sent its challenge and then gets `answer(challenge CBOR)` as the server's RESPONSE. */
function clientAnswered(profile: AsocProfile, answer: (challengeCbor: Uint8Array) => Uint8Array, options: AttemptOptions = {}): RecordedPair {
  const pair = pairAt(profile, options);
  const sent = concatBytes(...(pair.client.pollTransmit() ?? []));
  pair.wire.client.push(sent);
  const challenge = openEnvelope(decodeSigned(payloadOf(pair, 'client', SubductionFrame.CHALLENGE)!).envelope);
  pair.inject('client', frameOf(SubductionFrame.RESPONSE, answer(challenge), profile), 0);
  return pair;
}

/**
 * D1 with `profile` (the subduction profile; a test weakens it to see the verdict turn): an honest
 * handshake of two messages, then every way the design says a challenge or response is refused.
 */
export function decideD1(profile: AsocProfile = SUBDUCTION): ClaimResult {
  const security = profile.security as SubductionSecurity;
  const nonces = profile.helloReplay ? new ReplayCache(profile.helloReplay) : undefined;
  const honest = pairAt(profile, { nonces, expectedPeer: SERVER_KEY });
  honest.pump(0);
  const handshake = [...honest.frames('client').map((f) => ['client', f] as const), ...honest.frames('server').map((f) => ['server', f] as const)].filter(
    ([, f]) => f.type === SubductionFrame.CHALLENGE || f.type === SubductionFrame.RESPONSE,
  );
  const recordedChallenge = frameOf(SubductionFrame.CHALLENGE, payloadOf(honest, 'client', SubductionFrame.CHALLENGE)!, profile);
  const recordedResponse = payloadOf(honest, 'server', SubductionFrame.RESPONSE)!;
  const peersAreKeys = bytesToHex(honest.client.peerNodeId ?? new Uint8Array()) === bytesToHex(SERVER_KEY) && bytesToHex(honest.server.peerNodeId ?? new Uint8Array()) === bytesToHex(nodeEd25519.publicKey(CLIENT_IDENTITY));

  const tampered = recordedChallenge.slice();
  tampered[tampered.length - 20]! ^= 0x01; // inside the envelope, after the signature: the signed bytes change
  const driftMs = security.freshnessMs + 1_000;
  const attempts = [
    attempt('a second honest handshake, its own nonce, the same nonce cache', (() => {
      const p = pairAt(profile, { nonces, expectedPeer: SERVER_KEY, randomStart: 1 });
      p.pump(0);
      return p;
    })(), 'established'),
    attempt('the recorded challenge replayed to the same node (shared nonce cache)', serverFed(profile, recordedChallenge, { nonces }), 'replay'),
    attempt(`the recorded challenge replayed ${driftMs / 1000} s later, after the node forgot its nonces`, serverFed(profile, recordedChallenge, { serverAheadMs: driftMs }), 'stale'),
    attempt('the recorded response given to a client that sent another challenge', clientAnswered(profile, () => recordedResponse, { randomStart: 2 }), 'client auth-failed'),
    attempt('the recorded challenge with one signed byte altered', serverFed(profile, tampered, { nonces }), 'auth-failed'),
    attempt('the recorded challenge (meant for this server) replayed to another node', serverFed(profile, recordedChallenge, { serverIdentity: OTHER_IDENTITY }), 'wrong-audience'),
    attempt('a client that means another node reaches this server', (() => {
      const p = pairAt(profile, { expectedPeer: OTHER_KEY });
      p.pump(0);
      return p;
    })(), 'wrong-audience'),
    attempt('an impostor answers, signing a correct digest with its own key', clientAnswered(profile, (challenge) => signedBy(OTHER_IDENTITY, encodeResponse({ challengeDigest: blake3Digest(challenge), serverTimestamp: T0 / 1000 })), { expectedPeer: SERVER_KEY }), 'client wrong-audience'),
  ];
  const twoMessages = handshake.length === 2 && handshake[0]![0] === 'client' && handshake[1]![0] === 'server';
  const established = honest.client.state === 'established' && honest.server.state === 'established';
  const holds = twoMessages && established && peersAreKeys && attempts.every((a) => a.asExpected);
  const missed = attempts.filter((a) => !a.asExpected);
  return {
    id: 'D1',
    verdict: holds ? 'HOLDS' : 'FAILS',
    summary:
      `The ${profile.name} profile's handshake is ${handshake.map(([from, f]) => `${from} ${f.type === SubductionFrame.CHALLENGE ? 'Signed<Challenge>' : 'Signed<Response>'} (${f.payload.length} B)`).join(', ')}; ` +
      `both sides ${established ? 'established' : 'did NOT establish'}, each ${peersAreKeys ? 'knowing' : 'NOT knowing'} the other by its Ed25519 key. ` +
      `Of ${attempts.length} attempts (a second honest handshake; replays of the recorded challenge within and beyond the ${security.freshnessMs / 1000} s drift window; the recorded response to another challenge; an altered signature; misdirection to another node, both ways; an impostor's response), ` +
      (missed.length === 0 ? 'each ended as the design says.' : `${missed.length} did NOT end as the design says: ${missed.map((a) => `${a.case} (expected ${a.expected}, got ${a.server ?? a.client ?? 'established'})`).join('; ')}.`) +
      ' In memory, one connection per attempt; the same attacks over the simulated network are the threat scenarios\'.',
    evidence: {
      profile: profile.name,
      handshake: handshake.map(([from, f]) => ({ from, type: f.type, payloadBytes: f.payload.length })),
      established,
      peersAreVerifyingKeys: peersAreKeys,
      driftWindowMs: security.freshnessMs,
      attempts,
    },
  };
}

/** `cbor` with the unsigned integer head at `at` widened to 8 bytes: the same value, not in canonical form. */
function widenedUint(cbor: Uint8Array, at: number): Uint8Array {
  const head = cbor[at]!;
  const width = { 0x18: 1, 0x19: 2, 0x1a: 4 }[head];
  if (width === undefined) throw new Error(`byte ${at} is not a 1–4 byte uint head (0x${head.toString(16)})`);
  const wide = new Uint8Array(8);
  wide.set(cbor.subarray(at + 1, at + 1 + width), 8 - width);
  return concatBytes(cbor.subarray(0, at), Uint8Array.of(0x1b), wide, cbor.subarray(at + 1 + width));
}

/** The bytes of both handshake messages of one honest run with `crypto`. */
function transcript(profile: AsocProfile, crypto: CryptoBackend): { challenge: Uint8Array; response: Uint8Array } {
  const pair = pairAt(profile, { crypto });
  pair.pump(0);
  return { challenge: payloadOf(pair, 'client', SubductionFrame.CHALLENGE)!, response: payloadOf(pair, 'server', SubductionFrame.RESPONSE)! };
}

/** D3: the same inputs give the same bytes; what is not canonical, or speaks another envelope version, is refused by name. */
export function decideD3(profile: AsocProfile = SUBDUCTION): ClaimResult {
  const runs = [nodeBackend, nodeBackend, nobleBackend, nobleBackend].map((crypto) => ({ crypto: crypto.name, ...transcript(profile, crypto) }));
  const hex = runs.map((r) => bytesToHex(r.challenge) + bytesToHex(r.response));
  const identical = hex.every((h) => h === hex[0]);
  const { challenge, response } = runs[0]!;
  const signedChallenge = decodeSigned(challenge);
  const signedResponse = decodeSigned(response);
  const challengeCbor = openEnvelope(signedChallenge.envelope);
  const reencoded = [
    bytesToHex(encodeSigned(signedChallenge)) === bytesToHex(challenge),
    bytesToHex(encodeSigned(signedResponse)) === bytesToHex(response),
    bytesToHex(encodeChallenge(decodeChallenge(challengeCbor))) === bytesToHex(challengeCbor),
    bytesToHex(encodeResponse(decodeResponse(openEnvelope(signedResponse.envelope)))) === bytesToHex(openEnvelope(signedResponse.envelope)),
  ].every(Boolean);
  const envelopeHeads = [signedChallenge.envelope, signedResponse.envelope].map((e) => bytesToHex(e.subarray(0, 4)));

  // The challenge's timestamp head follows [array, [kind, id]]: 1 + 1 + 1 + 2 + 32 bytes.
  const timestampAt = 37;
  const challengeFrame = (payload: Uint8Array) => frameOf(SubductionFrame.CHALLENGE, payload, profile);
  const ownChallenge = encodeChallenge({ audience: { kind: 'discover', discoveryId: discoveryId((profile.security as SubductionSecurity).service) }, timestamp: T0 / 1000, nonce: new Uint8Array(16).fill(9) });
  const attempts: Attempt[] = [];
  const guarded = (name: string, expected: string, run: () => RecordedPair): void => {
    try {
      attempts.push(attempt(name, run(), expected));
    } catch (err) {
      attempts.push({ case: name, expected, established: false, serverEstablished: false, server: `threw ${(err as Error).name}: ${(err as Error).message}`, client: null, rejection: null, asExpected: false });
    }
  };
  guarded('a validly signed challenge whose timestamp is not in its shortest form', 'malformed', () => serverFed(profile, challengeFrame(signedBy(CLIENT_IDENTITY, widenedUint(ownChallenge, timestampAt)))));
  for (const version of [1, 0xff]) {
    guarded(`a validly signed challenge in an envelope of version ${version}`, 'unsupported-version', () => serverFed(profile, challengeFrame(signedBy(CLIENT_IDENTITY, ownChallenge, version))));
  }
  guarded('a response, signed by the server, in an envelope of version 1', 'client unsupported-version', () =>
    clientAnswered(profile, (c) => signedBy(SERVER_IDENTITY, encodeResponse({ challengeDigest: blake3Digest(c), serverTimestamp: T0 / 1000 }), 1)),
  );
  const unanswered = attempts.every((a) => a.rejection === null);
  const namesVersion = attempts.filter((a) => a.expected.endsWith('unsupported-version')).every((a) => /envelope version \d+; this side speaks 0 only/.test(a.server ?? a.client ?? ''));
  const holds = identical && reencoded && envelopeHeads.every((h) => h === bytesToHex(ENVELOPE_MAGIC) + '00') && attempts.every((a) => a.asExpected) && unanswered && namesVersion;
  return {
    id: 'D3',
    verdict: holds ? 'HOLDS' : 'FAILS',
    summary:
      `Four honest handshakes with the same inputs (node:crypto twice, noble twice) put ${identical ? 'the same' : 'DIFFERENT'} bytes on the wire (${challenge.length} + ${response.length} B); decoding and re-encoding each message ${reencoded ? 'gives its bytes back' : 'does NOT give its bytes back'}; ` +
      `both signed envelopes start ${envelopeHeads.join(' and ')} ("SDN", version 0). ` +
      `${attempts.filter((a) => a.asExpected).length} of ${attempts.length} crafted messages, each validly signed, were refused as the design says: a timestamp not in its shortest CBOR form as malformed, envelopes of versions 1 and 255 (to the server) and 1 (to the client) as unsupported-version naming the version, ${unanswered ? 'none answered' : 'SOME answered'} and none crashing the connection.`,
    evidence: { transcripts: runs.map((r) => ({ crypto: r.crypto, challenge: bytesToHex(r.challenge), response: bytesToHex(r.response) })), identical, reencodesToSameBytes: reencoded, envelopeHeads, attempts },
  };
}

/** The Subduction claims the subduction core decides in memory, how, and what that reaches (verify's codecs step; instruments.ts). */
export const SUBDUCTION_DECISIONS: Readonly<Record<string, ClaimDecision>> = {
  D1: {
    by: "the subduction profile's connection core, in memory",
    reach: {
      measures: 'A real two-message handshake between two subduction connections, then recorded, altered, misdirected and impostor messages handed to real connections: a replay within the drift window (the nonce cache), beyond it (the timestamp), a response for another challenge (the digest), an altered signature, a challenge for another node, a client that means another node, and a response signed by another key.',
      doesNotMeasure: 'The same attacks over a network, with loss and reordering (the threat scenarios); how large the nonce cache must be for a busy node; clocks that disagree by less than the drift window, which the design accepts by choice.',
    },
  },
  D3: {
    by: "the subduction profile's codec and connection core, in memory",
    reach: {
      measures: 'That the same inputs give byte-identical messages with both Ed25519 backends and that each message re-encodes to its own bytes; that a validly signed message not in canonical CBOR, or in an envelope of another version, is refused with a reason naming it, unanswered and without a crash.',
      doesNotMeasure: 'Interoperation with the Rust implementation\'s encoder, which cannot run here; every non-canonical form CBOR allows (one is tried here; the codec\'s own tests try more).',
    },
  },
};

export function decideSubductionClaims(): ClaimResult[] {
  return [decideD1(), decideD3()];
}

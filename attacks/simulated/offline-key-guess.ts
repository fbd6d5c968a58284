/**
 * Offline guessing of the cluster key (H3, "weak keys"): an eavesdropper records one HELLO and tests
 * guesses at the API key against its MAC, with no further contact with any node.
 *
 * The operator picks `key` (by default 6 characters from `alphabet`). If the profile takes it, a
 * client core with that key makes its HELLO (the bytes a tap records). The guesser then runs the
 * very check a server runs on a HELLO (the security kind's own handshake, given the guess as its
 * key): a guess is right when the MAC verifies. It times `guesses` guesses on this machine, taken
 * in the key space's order around the real key, so the run also shows the key being recovered,
 * and extrapolates the expected time to search half the key space. If the profile refuses the key,
 * the weakest key it would take is 32 random bytes: the guesser times guesses of that kind instead.
 *
 * H3 HOLDS when the expected time to recover the key the profile took, at the measured rate on a
 * million such cores (a large GPU farm is of that order), is beyond a century; FAILS otherwise.
 * The rate is wall-clock time on this machine, so this attack runs no simulation; the verdict
 * turns on the key space, which is 10^50 times past the threshold or 10^9 short of it, not on the
 * rate's last digits.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import { HANDSHAKES } from '../../src/core/handshake-registry.ts';
import { bytesToHex, concatBytes } from '../../src/wire/bytes.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';
import { SimRandom } from '../../sim/random.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack } from './types.ts';

const params = z.strictObject({
  /** The cluster key the operator chose, as text. */
  key: z.string().min(1).max(64).default('k7q2zx'),
  /** The characters such keys are drawn from (the guesser knows it). */
  alphabet: z.string().min(2).default('abcdefghijklmnopqrstuvwxyz0123456789'),
  guesses: z.number().int().min(1_000).max(1_000_000).default(20_000),
});

const CORES = 1e6;
const CENTURY_S = 100 * 365.25 * 24 * 3600;
const ENCODER = new TextEncoder();

/** Index of `text` in the key space of its length over `alphabet` (base-|alphabet| digits), and back. */
function indexOf(text: string, alphabet: string): number {
  return [...text].reduce((index, ch) => index * alphabet.length + alphabet.indexOf(ch), 0);
}
function keyAt(index: number, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++, index = Math.floor(index / alphabet.length)) out = alphabet[index % alphabet.length] + out;
  return out;
}

export default defineAttack({
  description: 'an eavesdropper tests guesses at the cluster key against the MAC of one recorded HELLO, offline',
  params,
  run({ profile, seed, params: p }) {
    // Seeded draws: the nonces of the HELLO, a server's answer to a right guess, and random 32-byte keys.
    const random = new SimRandom(`offline-key-guess:${seed}`);
    if ([...p.key].some((ch) => !p.alphabet.includes(ch))) throw new RangeError(`key "${p.key}" has characters outside the alphabet`);
    const kind = HANDSHAKES.get(profile.security.kind).kind;
    const nodeId = new Uint8Array(16).fill(0x42);
    let hello: Uint8Array | null = null;
    let refusal: string | null = null;
    try {
      const client = new AsocConnection({ role: 'client', profile, nodeId, apiKey: ENCODER.encode(p.key), crypto: nodeBackend, random, now: Date.UTC(2026, 0, 1) });
      hello = concatBytes(...client.pollTransmit()!).subarray(HEADER_SIZE);
    } catch (err) {
      refusal = (err as Error).message;
    }
    const warning = refusal === null ? (kind.checkKey?.(ENCODER.encode(p.key)).warning ?? null) : null;
    // The weakest key the profile takes: the operator's, or 32 random bytes when it refuses that one.
    const space = refusal === null ? { log2: p.key.length * Math.log2(p.alphabet.length), what: `${p.key.length} characters from ${p.alphabet.length}` } : { log2: 256, what: '32 random bytes' };

    // A captured HELLO of a key the profile takes, to time guesses on: the operator's, or one of 32 random bytes.
    const target = hello ?? concatBytes(...new AsocConnection({ role: 'client', profile, nodeId, apiKey: random.bytes(32), crypto: nodeBackend, random, now: Date.UTC(2026, 0, 1) }).pollTransmit()!).subarray(HEADER_SIZE);
    const clock = { now: 0, unixMs: Date.UTC(2026, 0, 1) };
    const verifies = (guess: Uint8Array): boolean => {
      const verdict = kind.createHandshake({ nodeId: new Uint8Array(16).fill(0x24), apiKey: guess, crypto: nodeBackend, random }, profile.security).receive('hello', target, clock);
      return verdict.ok || verdict.failure !== 'bad-signature';
    };
    const first = refusal === null ? Math.max(0, indexOf(p.key, p.alphabet) - Math.floor(p.guesses / 2)) : 0;
    const guessAt = (i: number): Uint8Array => (refusal === null ? ENCODER.encode(keyAt(first + i, p.key.length, p.alphabet)) : random.bytes(32));
    const hits: number[] = [];
    const started = performance.now();
    for (let i = 0; i < p.guesses; i++) if (verifies(guessAt(i))) hits.push(i);
    const seconds = (performance.now() - started) / 1000;
    const rate = p.guesses / seconds;
    const recoverySeconds = 2 ** (space.log2 - 1) / rate;
    const verdict: DecidedVerdict = recoverySeconds / CORES > CENTURY_S ? 'HOLDS' : 'FAILS';
    const recovered = hits.length === 1 && refusal === null ? keyAt(first + hits[0]!, p.key.length, p.alphabet) : null;
    const taken =
      refusal === null
        ? `${profile.name} took the ${p.key.length}-character key${warning ? ` (with a warning: ${warning})` : ''}; from one recorded HELLO the guesser tested ${p.guesses} guesses at ${Math.round(rate)}/s on one core and ${recovered === p.key ? `recovered the key at guess ${hits[0]! + 1}` : `found ${hits.length} hit(s)`}`
        : `${profile.name} refused the key (${refusal}); the weakest it takes is 32 random bytes, against which the guesser tested ${p.guesses} guesses at ${Math.round(rate)}/s on one core (${hits.length} hit)`;
    return {
      observations: [
        {
          claim: 'H3',
          verdict,
          evidence: `${taken}. Searching half the key space (${space.what}, 2^${space.log2.toFixed(1)}) takes ${describeSeconds(recoverySeconds)} on one core, ${describeSeconds(recoverySeconds / CORES)} on a million.`,
        },
      ],
      counts: { keyRefused: refusal === null ? 0 : 1, keyWarned: warning === null ? 0 : 1, guessesTimed: p.guesses, hits: hits.length, keyRecovered: recovered === p.key ? 1 : 0 },
      figures: { guessesPerSecond: rate, keySpaceLog2: space.log2, expectedRecoverySecondsOneCore: recoverySeconds, expectedRecoverySecondsMillionCores: recoverySeconds / CORES },
      trace: [
        refusal === null
          ? { time: 0, where: 'node', what: 'key-taken', detail: `${profile.name} takes the ${p.key.length}-character key${warning ? ', with a warning' : ''}` }
          : { time: 0, where: 'node', what: 'key-refused', detail: refusal },
        { time: 0, where: 'tap', what: 'record', detail: `HELLO ${bytesToHex(target.subarray(0, 16))}… (${target.length} bytes), signed with ${refusal === null ? 'the operator\'s key' : 'a key of 32 random bytes'}` },
        { time: 0, where: 'guesser', what: hits.length > 0 ? 'hit' : 'no-hit', detail: recovered !== null ? `guess ${hits[0]! + 1} of ${p.guesses}, "${recovered}", verifies the HELLO's MAC` : `none of ${p.guesses} guesses verifies the HELLO's MAC` },
      ],
      traceHash: null,
    };
  },
});

function describeSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 2 * 3600) return `${(s / 60).toFixed(0)} min`;
  if (s < 2 * 86_400) return `${(s / 3600).toFixed(1)} h`;
  if (s < 2 * 365.25 * 86_400) return `${(s / 86_400).toFixed(0)} days`;
  return `${(s / (365.25 * 86_400)).toPrecision(2)} years`;
}

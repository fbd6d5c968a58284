/**
 * Session-token forgery (S8: "session tokens: 2^64 space, HMAC-signed, unforgeable").
 *
 * Two questions, each answered by measurement:
 *
 * 1. How likely is a forged ACCEPT (token + truncated HMAC) to pass the client's check without the
 *    key? v1 signs the 8-byte token with a 64-bit truncated HMAC (asoc-hardened: a 128-bit MAC).
 *    2^-64 per guess cannot be measured, so the same check — truncatedHmac and the constant-time
 *    comparison verifyTruncatedHmac runs (src/crypto/mac.ts) — is run on `guesses` random forgeries
 *    with the signature cut to 8 and 16 bits. The acceptance rates must scale as 2^-bits for the
 *    extrapolation to the profile's MAC length to stand.
 * 2. What does the token protect after the handshake? A legitimate client sends `frames` DATA
 *    frames; the bytes it put on the wire beyond the payload, per frame, show whether each frame
 *    carries any authenticator (v1: a 14-byte header and nothing else — the token never appears
 *    again, so knowing or changing it matters to nobody; hardened: a 16-byte tag on every frame).
 *
 * HOLDS when forgery rates scale as 2^-bits and every frame after the handshake carries an
 * authenticator; PARTIAL when the handshake MAC holds but frames carry none; FAILS when forgeries
 * pass more often than 2^-bits allows.
 */
import { z } from 'zod';
import type { AsocProfile } from '../../src/core/profile.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { constantTimeEqual, truncatedHmac } from '../../src/crypto/mac.ts';
import { ACCEPT_SIG_SIZE, TOKEN_SIZE } from '../../src/wire/accept.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';
import { HANDSHAKE_MAC_SIZE } from '../../src/wire/hardened.ts';
import { buildArena } from '../../sim/adversary/arena.ts';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { RandomStreams } from '../../sim/random.ts';
import { once } from './support/once.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

const params = z
  .object({
    guesses: z.number().int().min(1_000).max(4_000_000).default(262_144),
    frames: z.number().int().min(1).max(1_000).default(64),
    frameBytes: z.number().int().min(1).max(65_536).default(1_024),
  })
  .strict();

/** Truncations measured, in bytes (the comparison works on whole bytes, as the real check does). */
const MEASURED_BYTES = [1, 2] as const;

/** The MAC a client checks before it accepts a server, in bits. */
function acceptMacBits(profile: AsocProfile): number {
  return 8 * (profile.security.kind === 'v1' ? ACCEPT_SIG_SIZE : HANDSHAKE_MAC_SIZE);
}

/** Random forgeries of (token, signature) checked at each truncation; how many passed. */
function forgeryAcceptances(guesses: number, seed: number): number[] {
  const random = new RandomStreams(`${seed}:token-forgery`).stream('guesses');
  const accepted = MEASURED_BYTES.map(() => 0);
  const longest = MEASURED_BYTES[MEASURED_BYTES.length - 1]!;
  for (let g = 0; g < guesses; g++) {
    const token = random.bytes(TOKEN_SIZE);
    const forged = random.bytes(longest);
    const mac = truncatedHmac(nodeBackend, CLUSTER_API_KEY, token, longest);
    MEASURED_BYTES.forEach((bytes, i) => {
      if (constantTimeEqual(mac.subarray(0, bytes), forged.subarray(0, bytes))) accepted[i]!++;
    });
  }
  return accepted;
}

/** A rough 95 % band for a Poisson count: the normal approximation, widened by one count so small counts are not over-judged. */
function countInterval(count: number): [number, number] {
  const half = 1.96 * Math.sqrt(count + 1);
  return [Math.max(0, count - half), count + half + 1];
}

export default defineAttack({
  description: 'forged ACCEPT signatures at 8 and 16 bits (rate vs 2^-bits, extrapolated to the real MAC) and whether frames after the handshake carry any authenticator',
  params,
  run({ profile, seed, params: p }) {
    const accepted = once(`token-forgery:${seed}:${p.guesses}`, () => forgeryAcceptances(p.guesses, seed));
    const rates = accepted.map((n) => n / p.guesses);
    const scaling = MEASURED_BYTES.map((bytes, i) => {
      const expected = p.guesses * 2 ** (-8 * bytes);
      const [low, high] = countInterval(expected);
      return { bits: 8 * bytes, accepted: accepted[i]!, expected, consistent: accepted[i]! >= low && accepted[i]! <= high };
    });
    const scalesAsExpected = scaling.every((s) => s.consistent);

    // A legitimate session: the client streams `frames` DATA frames after the handshake.
    const arena = buildArena({ seed, profile });
    const { sim, server } = arena;
    const excerpt = new FloodExcerpt();
    server.start();
    const client = arena.dial(arena.client, CLUSTER_API_KEY);
    let handshakeBytes = 0;
    let sentAt: number | null = null;
    const payload = new Uint8Array(p.frameBytes);
    client.whenEstablished(() => {
      handshakeBytes = client.core.stats.bytesSent;
      const streamId = client.core.openStream();
      for (let f = 0; f < p.frames; f++) client.core.sendData(streamId, payload, arena.client.now());
      client.core.endStream(streamId, arena.client.now());
      client.driver.pump();
      sentAt = sim.scheduler.now;
      excerpt.add(sim.scheduler.now, 'client', 'send', `${p.frames} DATA frames of ${p.frameBytes} bytes and END after the handshake`);
    });
    let delivered = 0;
    server.on('stream-end', (end) => {
      delivered += end.bytes;
      excerpt.add(sim.scheduler.now, 'server', 'stream-end', `${end.bytes} bytes in ${end.frames} frames`);
    });
    sim.scheduler.runUntilTime(2_000);

    const framesSent = p.frames + 1; // DATA frames and END
    const wireAfterHandshake = client.core.stats.bytesSent - handshakeBytes;
    const overheadPerFrame = (wireAfterHandshake - p.frames * p.frameBytes) / framesSent;
    const authenticatorBytesPerFrame = overheadPerFrame - HEADER_SIZE;
    const framesAuthenticated = authenticatorBytesPerFrame > 0;
    const macBits = acceptMacBits(profile);
    const verdict: ObservedVerdict = !scalesAsExpected ? 'FAILS' : framesAuthenticated ? 'HOLDS' : 'PARTIAL';
    const measuredText = scaling.map((s) => `${s.accepted} of ${p.guesses} at ${s.bits} bits (2^-${s.bits} predicts ${s.expected.toFixed(1)})`).join(', ');
    return {
      observations: [
        {
          claim: 'S8',
          verdict,
          evidence:
            `Random forged ACCEPT signatures passed the real truncated-HMAC check ${measuredText}: the rate ${scalesAsExpected ? 'scales' : 'does NOT scale'} as 2^-bits, which puts a forgery of ${profile.name}'s ${macBits}-bit MAC at 2^-${macBits} per guess. ` +
            `After the handshake the client sent ${framesSent} frames (${sentAt === null ? 'none: no handshake' : `${delivered} payload bytes delivered`}) with ${overheadPerFrame.toFixed(1)} bytes of overhead each: ${
              framesAuthenticated ? `a ${authenticatorBytesPerFrame}-byte authenticator on every frame besides the header` : `the ${HEADER_SIZE}-byte header only — the token is never sent again and no frame is authenticated, so it protects nothing after the handshake`
            }.`,
        },
      ],
      counts: {
        guesses: p.guesses,
        ...Object.fromEntries(scaling.map((s) => [`accepted@${s.bits}bits`, s.accepted])),
        framesAfterHandshake: framesSent,
        payloadBytesDelivered: delivered,
        authenticatorBytesPerFrame,
      },
      figures: {
        ...Object.fromEntries(scaling.map((s, i) => [`acceptanceRate@${s.bits}bits`, rates[i]!])),
        acceptMacBits: macBits,
        extrapolatedLog2ForgeryOdds: -macBits,
        overheadBytesPerFrame: overheadPerFrame,
      },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

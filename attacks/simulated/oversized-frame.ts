/**
 * Oversized frame (S10: "maximum frame size"; RFC-0001 §10.4).
 *
 * An insider who holds the key completes the handshake with the real client core, then writes a
 * DATA frame header announcing `announcedBytes` (up to 4 GiB − 1) and streams `payloadBytes` of
 * filler after it as fast as TCP allows. Observed on the server: whether and why it closed, and
 * how many payload bytes of that one frame it took (a reader without a limit must hold or wait for
 * all of them: the Python reference buffers a frame whole before handling it).
 *
 * HOLDS when the server closed on the header (close reason frame-too-large) before taking a payload
 * byte; FAILS when it took more than the RFC profile's maximum of one frame without closing.
 */
import { z } from 'zod';
import { DEFAULT_MAX_FRAME_SIZE, FrameType, HEADER_SIZE, MAX_WIRE_LENGTH, encodeHeader } from '../../src/wire/frame.ts';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { buildArena } from './adversary/arena.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

const MiB = 1024 * 1024;

const params = z
  .object({
    announcedBytes: z.number().int().min(1).max(MAX_WIRE_LENGTH).default(MAX_WIRE_LENGTH),
    payloadBytes: z.number().int().min(0).max(256 * MiB).default(32 * MiB),
    observeMs: z.number().positive().max(60_000).default(3_000),
  })
  .strict();

export default defineAttack({
  description: 'an authenticated peer announces a huge DATA frame (up to 4 GiB) and streams filler after the header',
  params,
  run({ profile, seed, params: p }) {
    const arena = buildArena({ seed, profile });
    const { sim, server } = arena;
    const excerpt = new FloodExcerpt();
    const closes: { at: number; reason: string; detail: string }[] = [];
    server.on('peer-down', (d) => {
      closes.push({ at: sim.scheduler.now, reason: d.reason, detail: d.detail });
      excerpt.add(sim.scheduler.now, 'server', `closed ${d.reason}`, d.detail);
    });
    server.start();

    const insider = arena.dial(arena.attackers[0]!, CLUSTER_API_KEY);
    let headerAt: number | null = null;
    const filler = new Uint8Array(MiB);
    insider.whenEstablished(() => {
      headerAt = sim.scheduler.now;
      insider.writeRaw(encodeHeader(FrameType.DATA, 1, 0, p.announcedBytes, profile.wireVersion));
      for (let left = p.payloadBytes; left > 0; left -= filler.length) insider.writeRaw(left >= filler.length ? filler : filler.subarray(0, left));
      excerpt.add(sim.scheduler.now, 'attacker-0', 'send', `DATA stream 1 seq 0 header announcing ${p.announcedBytes} bytes, then ${p.payloadBytes} bytes of filler`);
    });
    sim.scheduler.runUntilTime(p.observeMs);

    const taken = server.counters().payloadBytesIn;
    const close = closes[0];
    const closedOnHeader = close?.reason === 'frame-too-large' && taken === 0;
    const verdict: ObservedVerdict = closedOnHeader ? 'HOLDS' : taken > DEFAULT_MAX_FRAME_SIZE && close === undefined ? 'FAILS' : 'PARTIAL';
    const outcome = close
      ? `closed it ${(close.at - (headerAt ?? 0)).toFixed(3)} ms after the header was written (${close.reason})`
      : `still had it open after ${(p.observeMs - (headerAt ?? 0)) / 1000} s, waiting for ${p.announcedBytes - taken} more bytes of that frame`;
    return {
      observations: [
        {
          claim: 'S10',
          verdict,
          evidence: `An authenticated peer announced a ${p.announcedBytes}-byte DATA frame and streamed ${insider.rawBytesWritten - HEADER_SIZE} bytes after it; the server took ${taken} payload bytes of that frame and ${outcome}.`,
        },
      ],
      counts: {
        insiderHandshakes: insider.established ? 1 : 0,
        announcedBytes: p.announcedBytes,
        attackerPayloadWritten: Math.max(0, insider.rawBytesWritten - HEADER_SIZE),
        serverPayloadBytesTaken: taken,
        serverClosed: closes.length,
        frameTooLargeCloses: server.counters().connectionsClosed['frame-too-large'] ?? 0,
      },
      figures: {
        profileMaxFrameBytes: profile.maxFrameSize,
        bytesServerStillWaitsFor: close ? 0 : p.announcedBytes - taken,
        closeAfterHeaderMs: close && headerAt !== null ? close.at - headerAt : -1,
      },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

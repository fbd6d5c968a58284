/**
 * Oversized frame (S10: "maximum frame size"; RFC-0001 §10.4).
 *
 * `stage: after-handshake`: an insider who holds the key completes the handshake with the real
 * client core, then writes a DATA frame header announcing `announcedBytes` (up to 4 GiB − 1) and
 * streams `payloadBytes` of filler after it as fast as TCP allows. `stage: before-handshake`: anyone
 * at all opens a TCP connection and sends the same frame first, instead of a HELLO. Observed on the
 * server: whether and why it closed, and how many payload bytes of that one frame it took (a reader
 * without a limit must hold or wait for all of them: the Python reference reads a frame whole before
 * handling it, and before the handshake holds it in memory, unauthenticated).
 *
 * HOLDS when the server closed on the header (close reason frame-too-large) before taking a payload
 * byte; FAILS when it took more than the RFC profile's maximum of one frame without closing.
 */
import { z } from 'zod';
import { DEFAULT_MAX_FRAME_SIZE, FrameType, HEADER_SIZE, MAX_WIRE_LENGTH, encodeHeader } from '../../src/wire/frame.ts';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { ARENA_SERVER_ADDRESS, buildArena } from './adversary/arena.ts';
import { RawTcpClient } from './adversary/raw-tcp-client.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const MiB = 1024 * 1024;

const params = z
  .object({
    announcedBytes: z.number().int().min(1).max(MAX_WIRE_LENGTH).default(MAX_WIRE_LENGTH),
    payloadBytes: z.number().int().min(0).max(256 * MiB).default(32 * MiB),
    observeMs: z.number().positive().max(60_000).default(3_000),
    stage: z.enum(['after-handshake', 'before-handshake']).default('after-handshake'),
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
    server.on('connection-closed', (d) => {
      closes.push({ at: sim.scheduler.now, reason: d.reason, detail: d.detail });
      excerpt.add(sim.scheduler.now, 'server', `closed ${d.reason}`, d.detail);
    });
    server.start();

    let headerAt: number | null = null;
    const filler = new Uint8Array(MiB);
    const sendFrame = (write: (bytes: Uint8Array) => void): void => {
      headerAt = sim.scheduler.now;
      write(encodeHeader(FrameType.DATA, 1, 0, p.announcedBytes, profile.wireVersion));
      for (let left = p.payloadBytes; left > 0; left -= filler.length) write(left >= filler.length ? filler : filler.subarray(0, left));
      excerpt.add(sim.scheduler.now, 'attacker-0', 'send', `DATA stream 1 seq 0 header announcing ${p.announcedBytes} bytes, then ${p.payloadBytes} bytes of filler${before ? ', as the first frame (no HELLO)' : ''}`);
    };
    const before = p.stage === 'before-handshake';
    let attacker: { connected(): boolean; written(): number };
    if (before) {
      const raw = new RawTcpClient(arena.attackers[0]!).connect(ARENA_SERVER_ADDRESS, arena.port);
      sim.scheduler.at(100, () => sendFrame((bytes) => raw.write(bytes)));
      attacker = { connected: () => raw.record.connectedAt !== null, written: () => raw.record.bytesWritten };
    } else {
      const insider = arena.dial(arena.attackers[0]!, CLUSTER_API_KEY);
      insider.whenEstablished(() => sendFrame((bytes) => insider.writeRaw(bytes)));
      attacker = { connected: () => insider.established, written: () => insider.rawBytesWritten };
    }
    sim.scheduler.runUntilTime(p.observeMs);

    // Before the handshake nothing is stream payload: what the server took of the frame is what its core read past the header.
    const taken = before ? Math.max(0, server.counters().bytesIn - HEADER_SIZE) : server.counters().payloadBytesIn;
    const close = closes[0];
    const closedOnHeader = close?.reason === 'frame-too-large' && taken === 0;
    const verdict: DecidedVerdict = closedOnHeader ? 'HOLDS' : taken > DEFAULT_MAX_FRAME_SIZE && close === undefined ? 'FAILS' : 'PARTIAL';
    const outcome = close
      ? `closed it ${(close.at - (headerAt ?? 0)).toFixed(3)} ms after the header was written (${close.reason})`
      : `still had it open after ${(p.observeMs - (headerAt ?? 0)) / 1000} s, waiting for ${p.announcedBytes - taken} more bytes of that frame`;
    return {
      observations: [
        {
          claim: 'S10',
          verdict,
          evidence: `${before ? 'A peer without the key, before any HELLO,' : 'An authenticated peer'} announced a ${p.announcedBytes}-byte DATA frame and streamed ${attacker.written() - HEADER_SIZE} bytes after it; the server took ${taken} payload bytes of that frame${before && taken > 0 ? ', held unauthenticated,' : ''} and ${outcome}.`,
        },
      ],
      counts: {
        attackerConnections: attacker.connected() ? 1 : 0,
        announcedBytes: p.announcedBytes,
        attackerPayloadWritten: Math.max(0, attacker.written() - HEADER_SIZE),
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

/**
 * Key wear (H7): how many bytes one AES-GCM key protects in a long session. RFC 8446 §5.5 keeps an
 * AES-GCM key under 2^24.5 full-size records of 2^14 bytes, about 2^38.5 bytes (388 GB): at the 446
 * MB/s of claim P3 a session passes that in about 15 minutes.
 *
 * Running 388 GB through the core is out of reach of a test, so the session is scaled: the profile's
 * own rekey threshold and the margin are both divided by `scale` (2^20 by default), and
 * `sessionBytes` go each way through the real connection core, in memory. What the run shows at that
 * scale holds at full scale, because the mechanism counts bytes and nothing else: whether any key
 * protects more than the margin, and whether every byte still arrives (the SHA-256 of each
 * direction's stream against what was sent) across the key changes.
 *
 * H7 HOLDS when no key protected more than the scaled margin and every byte arrived; FAILS when one
 * key protected more; PARTIAL when the margin held but bytes were lost or the session closed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { pumpUntilIdle } from '../../src/core/memory-pair.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { fixedKey } from '../../sim/asoc/cluster.ts';
import { SimRandom } from '../../sim/random.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack } from './types.ts';

/** RFC 8446 §5.5: 2^24.5 records of 2^14 bytes. */
const MARGIN_LOG2 = 24.5 + 14;
/** Small frames, so that a frame is as small a part of the scaled threshold as a 16 MiB one is of the real one. */
const CHUNK = 4 * 1024;

const params = z.strictObject({
  scale: z.number().int().min(1).max(2 ** 30).default(2 ** 20),
  sessionBytes: z.number().int().positive().max(64 * 2 ** 20).default(4 * 2 ** 20),
});

export default defineAttack({
  description: 'a long session, scaled down: how many bytes one AES-GCM key protects, against RFC 8446 §5.5\'s margin, and whether every byte arrives across key changes',
  params,
  run({ profile, seed, params: p }) {
    const security = profile.security;
    if (!('rekeyAfterBytes' in security)) throw new RangeError(`key-wear measures the AEAD keys of a profile that replaces them after a byte count (asoc-hardened's suites); ${profile.name} has none`);
    const scaled: AsocProfile = { ...profile, security: { ...security, rekeyAfterBytes: security.rekeyAfterBytes / p.scale } };
    const margin = 2 ** MARGIN_LOG2 / p.scale;
    const random = new SimRandom(`key-wear:${seed}`);
    const common = { profile: scaled, apiKey: fixedKey('key-wear'), crypto: nodeBackend, random, now: 0 };
    const client = new AsocConnection({ ...common, role: 'client', nodeId: random.bytes(16) });
    const server = new AsocConnection({ ...common, role: 'server', nodeId: random.bytes(16), helloReplay: new ReplayCache(profile.helloReplay!) });
    const events = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };
    const pump = (): void => {
      pumpUntilIdle(client, server, 0);
      for (const [side, conn] of [['client', client], ['server', server]] as const) for (let e = conn.pollEvent(); e; e = conn.pollEvent()) events[side].push(e);
    };
    pump();
    const sent = { up: createHash('sha256'), down: createHash('sha256') };
    const up = client.openStream();
    const down = server.openStream();
    for (let at = 0; at < p.sessionBytes && client.state === 'established' && server.state === 'established'; at += CHUNK) {
      const [a, b] = [random.bytes(Math.min(CHUNK, p.sessionBytes - at)), random.bytes(Math.min(CHUNK, p.sessionBytes - at))];
      sent.up.update(a);
      sent.down.update(b);
      client.sendData(up, a, 0);
      server.sendData(down, b, 0);
      pump();
    }
    if (client.state === 'established') client.endStream(up, 0);
    if (server.state === 'established') server.endStream(down, 0);
    pump();

    const arrived = (side: 'client' | 'server', streamId: number): string => {
      const hash = createHash('sha256');
      for (const e of events[side]) if (e.type === 'stream-data' && e.streamId === streamId) hash.update(e.data);
      return hash.digest('hex');
    };
    const intact = arrived('server', up) === sent.up.digest('hex') && arrived('client', down) === sent.down.digest('hex');
    const usage = [client.keyUsage, server.keyUsage];
    const mostUnderOneKey = Math.max(...usage.map((u) => u?.mostBytesUnderOneKey ?? Infinity));
    const keyUpdates = usage.reduce((sum, u) => sum + (u?.keyUpdates ?? 0), 0);
    const closes = [...events.client, ...events.server].filter((e) => e.type === 'closed').map((e) => (e as { reason: string }).reason);
    const verdict: DecidedVerdict = mostUnderOneKey > margin ? 'FAILS' : intact && closes.length === 0 ? 'HOLDS' : 'PARTIAL';
    const atFullScale = (bytes: number) => `${((bytes * p.scale) / 1e9).toFixed(1)} GB at full scale`;
    return {
      observations: [
        {
          claim: 'H7',
          verdict,
          evidence:
            `Scaled by 1/${p.scale}: ${p.sessionBytes} bytes each way. The most one key protected was ${mostUnderOneKey} bytes (${atFullScale(mostUnderOneKey)}), against a margin of ${Math.round(margin)} (RFC 8446 §5.5's 2^38.5 bytes); the keys changed ${keyUpdates} time(s) in all. ` +
            `${intact ? 'Every byte arrived in both directions' : 'Bytes were lost or altered'}${closes.length ? ` and the connection closed (${closes.join(', ')})` : ''}.`,
        },
      ],
      counts: { sessionBytesEachWay: p.sessionBytes, keyUpdates, delivered: intact ? 1 : 0 },
      figures: { scale: p.scale, mostBytesUnderOneKey: mostUnderOneKey, scaledMarginBytes: margin, rekeyAfterBytesFullScale: security.rekeyAfterBytes ?? -1 },
      trace: [
        { time: 0, where: 'session', what: 'keys', detail: `${keyUpdates} key change(s); at most ${mostUnderOneKey} bytes under one key (margin ${Math.round(margin)})` },
        { time: 0, where: 'session', what: intact ? 'delivered' : 'lost', detail: `${p.sessionBytes} bytes each way, SHA-256 ${intact ? 'equal' : 'different'} on arrival` },
      ],
      traceHash: null,
    };
  },
});

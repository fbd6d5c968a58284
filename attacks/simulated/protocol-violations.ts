/**
 * Protocol violations from a peer that holds the key (S12: "bad version closes, unknown type
 * ignored, bad seq closes", RFC-0001 §9.2).
 *
 * Four insiders complete the handshake with the real client core, each on its own connection, then
 * write frames the core would never send:
 *   bad-version      a DATA frame with another version byte                 → the server closes
 *   unknown-type     a frame of reserved type 9, then a 4-byte stream (DATA + END) → ignored; the stream still arrives
 *   bad-seq          DATA seq 0 then DATA seq 2 on one stream               → the server closes
 *   data-on-stream-0 DATA on the reserved stream 0                          → the server closes
 * Observed: the server's close reason per connection and the streams it delivered.
 *
 * HOLDS when all four are handled as §9.2 says, PARTIAL when some are, FAILS when none is.
 * Where the profile protects every frame (asoc-hardened, subduction, stt), the insider seals its
 * crafted frames with its own session keys (CoreClient.sealedFrame), so they pass the integrity check
 * and the server's handling of what they say is what is judged.
 */
import { z } from 'zod';
import { concatBytes } from '../../src/wire/bytes.ts';
import { FrameType, encodeHeader } from '../../src/wire/frame.ts';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { buildArena } from './adversary/arena.ts';
import type { CoreClient } from './adversary/core-client.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const params = z.object({ observeMs: z.number().positive().max(60_000).default(2_000) }).strict();

const PAYLOAD = Uint8Array.of(1, 2, 3, 4);
const RESERVED_TYPE = 9;

type Case = 'bad-version' | 'unknown-type' | 'bad-seq' | 'data-on-stream-0';

/** Makes one frame as the insider's session would send it (sealed where the profile protects frames). */
type FrameMaker = (type: number, streamId: number, seq: number, payload: Uint8Array, version?: number) => Uint8Array;

/** What each case writes after the handshake (made in the order written), and what §9.2 wants the server to do. */
function casePlan(version: number): Record<Case, { frames: (frame: FrameMaker) => Uint8Array; expect: 'close' | 'ignore' }> {
  return {
    'bad-version': { frames: (frame) => frame(FrameType.DATA, 1, 0, PAYLOAD, version + 1), expect: 'close' },
    'unknown-type': {
      frames: (frame) => concatBytes(frame(RESERVED_TYPE, 1, 0, PAYLOAD), frame(FrameType.DATA, 1, 0, PAYLOAD), frame(FrameType.END, 1, 1, new Uint8Array(0))),
      expect: 'ignore',
    },
    'bad-seq': { frames: (frame) => concatBytes(frame(FrameType.DATA, 1, 0, PAYLOAD), frame(FrameType.DATA, 1, 2, PAYLOAD)), expect: 'close' },
    'data-on-stream-0': { frames: (frame) => frame(FrameType.DATA, 0, 0, PAYLOAD), expect: 'close' },
  };
}

export default defineAttack({
  description: 'a key holder sends a bad version, an unknown type, a bad seq and DATA on stream 0, each on its own connection',
  params,
  run({ profile, seed, params: p }) {
    const arena = buildArena({ seed, profile });
    const { sim, server } = arena;
    const excerpt = new FloodExcerpt();
    const plan = casePlan(profile.wireVersion);
    // The server lists each insider under the id its profile's handshake authenticates (the lab's node id,
    // a subduction key, an stt node id): insiders are told apart by their port, all being on one host.
    const keyAtPort = new Map<number, string>();
    server.on('peer-up', (peer) => keyAtPort.set(peer.port, peer.key));
    const closedWith = new Map<string, string>();
    const delivered = new Map<string, number>();
    server.on('peer-down', (d) => {
      closedWith.set(d.peer.key, d.reason);
      excerpt.add(sim.scheduler.now, 'server', `closed ${d.reason}`, d.detail);
    });
    server.on('stream-end', (e) => {
      delivered.set(e.peerKey, (delivered.get(e.peerKey) ?? 0) + 1);
      excerpt.add(sim.scheduler.now, 'server', 'stream-end', `stream ${e.streamId} from ${e.peerKey.slice(0, 8)}…: ${e.bytes} bytes`);
    });
    server.start();

    const insiders = new Map<Case, CoreClient>();
    for (const [name, { frames }] of Object.entries(plan) as [Case, (typeof plan)[Case]][]) {
      const insider = arena.dial(arena.attackers[0]!, CLUSTER_API_KEY);
      insiders.set(name, insider);
      insider.whenEstablished(() => {
        const bytes = frames((...args) => insider.sealedFrame(...args));
        insider.writeRaw(bytes);
        excerpt.add(sim.scheduler.now, 'attacker-0', 'send', `${name}: ${bytes.length} bytes of crafted frames`);
      });
    }
    sim.scheduler.runUntilTime(p.observeMs);

    const results = [...insiders].map(([name, insider]) => {
      const key = keyAtPort.get(insider.socket.localPort) ?? '';
      const reason = closedWith.get(key) ?? null;
      const expect = plan[name].expect;
      const handled = expect === 'close' ? reason !== null : reason === null && (delivered.get(key) ?? 0) === 1;
      return { name, key, expect, reason, handled, established: insider.established };
    });
    const handled = results.filter((r) => r.handled).length;
    const verdict: DecidedVerdict = handled === results.length ? 'HOLDS' : handled === 0 ? 'FAILS' : 'PARTIAL';
    const describe = results.map((r) => `${r.name}: ${r.reason ? `closed (${r.reason})` : 'kept open'}${r.expect === 'ignore' ? `, stream delivered ${delivered.get(r.key) ?? 0}×` : ''}`);
    return {
      observations: [
        {
          claim: 'S12',
          verdict,
          evidence: `${handled} of ${results.length} violations handled as §9.2 says — ${describe.join('; ')}.`,
        },
      ],
      counts: {
        insiderHandshakes: results.filter((r) => r.established).length,
        violationsHandled: handled,
        ...Object.fromEntries(results.map((r) => [`closed:${r.name}`, r.reason ? 1 : 0])),
      },
      figures: {},
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

/**
 * Discovery replay (S2: "duplicate challenges rejected, challenges older than 60 s rejected").
 *
 * A receiver R (n0), a target A (n1) and `announcers − 1` more honest nodes run UDP discovery on one
 * switch; an attacker host listens on the discovery port and records A's announcements (they are
 * broadcast). A goes offline at `targetStopMs`, and R drops it 15 s later. From `replayFromMs`,
 * every `replayEveryMs`, the attacker sends R one of A's recorded announcements (`replay: first` or
 * `last`) from its own address. Did R take the replay as a live peer — re-add the dropped A, now
 * at the attacker's address?
 *
 * Two honest ways to get a replay past a seen-set without the key:
 * - `last` after the set is emptied: the reference forgets every challenge once it holds more than
 *   10,000, and honest traffic fills it — n announcers put n/3 entries a second into it, so the
 *   attacker only waits (≈2 h of virtual time with 5 announcers) and keeps replaying.
 * - `first` with R starting late (`receiverStartMs`): A's earliest announcements were never seen by
 *   R, so no seen-set can know them; only a timestamp check (> 60 s old) refuses them.
 *
 * HOLDS when every replay was rejected, FAILS when R re-added A from a replay; a run that sent no
 * replay (nothing recorded, or the replays scheduled past `untilMs`) tested nothing and throws.
 */
import { z } from 'zod';
import type { DiscoveryCounters } from '../../src/core/discovery-agent.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { DEFAULT_DISCOVERY_PORT } from '../../src/wire/discovery.ts';
import { buildCluster, clusterAddress } from '../../sim/asoc/cluster.ts';
import type { SimAsocNode } from '../../sim/asoc/sim-node.ts';
import { UdpForger } from './adversary/udp-forger.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

const HOUR = 3_600_000;

const params = z
  .object({
    announcers: z.number().int().min(1).max(50).default(5),
    replay: z.enum(['first', 'last']),
    receiverStartMs: z.number().min(0).default(0),
    targetStopMs: z.number().positive().default(60_000),
    replayFromMs: z.number().positive().default(80_000),
    replayEveryMs: z.number().positive().default(60_000),
    /** The run ends here at the latest (or 1 s after a replay was accepted). */
    untilMs: z.number().positive().max(12 * HOUR).default(2.5 * HOUR),
  })
  .strict();

/** Entries the agent added to its seen-set: every datagram that passed the replay check. */
function recordedEntries(c: DiscoveryCounters): number {
  return c.discovered + c.refreshed + c.rejected['rate-limited'] + c.rejected['peer-table-full'];
}

export default defineAttack({
  description: "replays a recorded discovery announcement of a node that went offline, after the receiver's seen-set was emptied or with a stale timestamp",
  params,
  run({ profile, seed, params: p }) {
    if (p.replayFromMs <= p.targetStopMs) throw new RangeError('replayFromMs must come after targetStopMs');
    const cluster = buildCluster({ seed, size: p.announcers + 1, topology: 'discovery', node: { profile } });
    const { sim } = cluster;
    const [receiver, target] = cluster.nodes as [SimAsocNode, SimAsocNode, ...SimAsocNode[]];
    const attackerHost = sim.addHost({ name: 'attacker', address: clusterAddress(200) });
    cluster.switch.attach(attackerHost);
    const excerpt = new FloodExcerpt();
    const forger = new UdpForger(attackerHost, DEFAULT_DISCOVERY_PORT, (m) => bytesToHex(m.nodeId) === target.nodeIdHex);

    const readds: { at: number; address: string }[] = [];
    receiver.on('discovered', (peer) => {
      if (peer.nodeId !== target.nodeIdHex) return;
      excerpt.add(sim.scheduler.now, receiver.host.name, 'discovered', `A (${peer.nodeId.slice(0, 8)}…) at ${peer.address}:${peer.port}`);
      if (sim.scheduler.now > p.targetStopMs) readds.push({ at: sim.scheduler.now, address: peer.address });
    });

    const startRandom = sim.random.stream('discovery-replay:start');
    cluster.nodes.forEach((node, i) => sim.scheduler.at(i === 0 ? p.receiverStartMs : startRandom.between(0, 3_000), () => node.start()));
    sim.scheduler.at(p.targetStopMs, () => {
      target.stop();
      excerpt.add(sim.scheduler.now, target.host.name, 'offline', `A stops; the attacker recorded ${forger.captured.length} of its announcements`);
    });
    const replay = (): void => {
      const pick = p.replay === 'first' ? forger.captured[0] : forger.captured.at(-1);
      if (pick === undefined || readds.length > 0) return;
      forger.send(receiver.host.addressText, pick.bytes);
      const age = (sim.scheduler.now - pick.at) / 1000;
      excerpt.add(sim.scheduler.now, 'attacker', 'replay', `A's announcement recorded at ${(pick.at / 1000).toFixed(1)} s (timestamp ${age.toFixed(0)} s old, challenge ${pick.message.challenge}) → ${receiver.host.name}`);
      if (sim.scheduler.now + p.replayEveryMs <= p.untilMs) sim.scheduler.after(p.replayEveryMs, replay);
    };
    sim.scheduler.at(p.replayFromMs, replay);
    sim.scheduler.runUntil(() => readds.length > 0 && sim.scheduler.now > readds[0]!.at + 1_000, { maxTime: p.untilMs });

    const counters = receiver.discoveryCounters!;
    if (forger.sent === 0) throw new Error(`discovery-replay: no replay was sent (${forger.captured.length} announcements of A recorded, replays from ${p.replayFromMs} ms until ${p.untilMs} ms): nothing was tested`);
    const policy = profile.discoveryReplay;
    const recorded = recordedEntries(counters);
    const clears = receiver.discoveryReplayCacheClears;
    const accepted = readds.length;
    const verdict: ObservedVerdict = accepted === 0 ? 'HOLDS' : 'FAILS';
    const rejected = counters.rejected;
    const outcome =
      accepted > 0
        ? `R re-added the offline A at ${readds[0]!.address} (the attacker) ${((readds[0]!.at - p.targetStopMs) / 1000).toFixed(0)} s after A went offline`
        : 'R never re-added A';
    return {
      observations: [
        {
          claim: 'S2',
          verdict,
          evidence:
            `The attacker replayed A's ${p.replay} recorded announcement ${forger.sent} times; ${outcome}. ` +
            `R rejected ${rejected.replay} datagrams as replays and ${rejected.stale} as stale, and recorded ${recorded} challenges` +
            (policy.kind === 'clear-at' ? ` (its seen-set, emptied past ${policy.limit}, was cleared ${clears} time(s)).` : ` (window ${policy.windowMs / 1000} s, timestamps older than ${policy.maxAgeMs / 1000} s refused).`),
        },
      ],
      counts: {
        announcersHonest: p.announcers,
        targetAnnouncementsRecorded: forger.captured.length,
        replaysSent: forger.sent,
        replaysAccepted: accepted,
        receiverRejectedReplay: rejected.replay,
        receiverRejectedStale: rejected.stale,
        receiverRecordedChallenges: recorded,
        receiverSeenSetClears: clears,
      },
      figures: {
        firstAcceptedReplayAtMs: accepted > 0 ? readds[0]!.at : -1,
        virtualTimeRunMs: sim.scheduler.now,
      },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

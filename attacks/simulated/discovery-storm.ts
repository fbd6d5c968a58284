/**
 * Discovery storm (S10: "discovery storm"; RFC-0001 §10.4: at most one message per 3 s per node,
 * repeats from the same node within 1 s ignored).
 *
 * A receiver R (n0) and an honest node B (n1) run discovery; an attacker on the same switch records
 * B's announcements for `warmupMs`, then for `durationMs` sends R, each at `ratePerSecond`:
 *   valid     fresh announcements correctly signed for one node id (an insider with the key),
 *   replayed  B's recorded announcements, round and round,
 *   bad-hmac  announcements whose signature's last bit is flipped.
 * Observed (R's discovery counters, src/core/discovery-agent.ts): how many of each were taken, why
 * the rest were dropped, the HMACs R had to compute, and whether B stayed known.
 *
 * HOLDS when R took at most one valid announcement per second from the flooding node id (the RFC's
 * 1 s repeat rule), no replayed or bad one, and still knows B; FAILS when it took more valid ones
 * than that (no rate limit) or any replayed or bad one.
 */
import { z } from 'zod';
import type { DiscoveryCounters } from '../../src/core/discovery-agent.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { DEFAULT_DISCOVERY_PORT } from '../../src/wire/discovery.ts';
import { CLUSTER_API_KEY, CLUSTER_COMMUNITY, buildCluster, clusterAddress } from '../../sim/asoc/cluster.ts';
import type { SimAsocNode } from '../../sim/asoc/sim-node.ts';
import { SIM_EPOCH_MS } from '../../sim/asoc/sim-transport.ts';
import { UdpForger, signedAnnouncement, withBrokenSignature } from './adversary/udp-forger.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack, type ObservedVerdict } from './types.ts';

const params = z
  .object({
    ratePerSecond: z.number().positive().max(5_000).default(500),
    durationMs: z.number().positive().max(60_000).default(10_000),
    warmupMs: z.number().positive().default(10_000),
  })
  .strict();

/** RFC-0001 §10.4: repeats from the same node within 1 s are ignored. */
const RFC_REPEAT_INTERVAL_MS = 1_000;

function snapshot(c: DiscoveryCounters): DiscoveryCounters {
  return { ...c, rejected: { ...c.rejected } };
}

export default defineAttack({
  description: 'a flood of valid (insider), replayed and bad-HMAC discovery datagrams against the per-node rate limit',
  params,
  run({ profile, seed, params: p }) {
    const cluster = buildCluster({ seed, size: 2, topology: 'discovery', node: { profile }, startWithinMs: 1_000 });
    const { sim } = cluster;
    const [receiver, honest] = cluster.nodes as [SimAsocNode, SimAsocNode];
    const attackerHost = sim.addHost({ name: 'attacker', address: clusterAddress(200) });
    cluster.switch.attach(attackerHost);
    const forger = new UdpForger(attackerHost, DEFAULT_DISCOVERY_PORT, (m) => bytesToHex(m.nodeId) === honest.nodeIdHex);
    const random = sim.random.stream('discovery-storm');
    const insiderId = random.bytes(16);
    const excerpt = new FloodExcerpt(3);
    cluster.start();
    sim.scheduler.runUntilTime(p.warmupMs);

    const before = snapshot(receiver.discoveryCounters!);
    const honestAnnouncedBefore = honest.discoveryCounters!.announced;
    const recorded = [...forger.captured];
    if (recorded.length === 0) throw new Error('discovery-storm: the attacker heard no announcement during the warm-up');
    const sent = { valid: 0, replayed: 0, 'bad-hmac': 0 };
    const gapMs = 1_000 / p.ratePerSecond;
    const stormEnd = p.warmupMs + p.durationMs;
    const target = receiver.host.addressText;
    const volley = (): void => {
      const nowEpochMs = SIM_EPOCH_MS + attackerHost.now();
      const valid = signedAnnouncement({ profile, community: CLUSTER_COMMUNITY, apiKey: CLUSTER_API_KEY, nodeId: insiderId, random, nowEpochMs });
      forger.send(target, valid);
      forger.send(target, recorded[sent.replayed % recorded.length]!.bytes);
      forger.send(target, withBrokenSignature(valid));
      sent.valid++;
      sent.replayed++;
      sent['bad-hmac']++;
      if (sim.scheduler.now + gapMs < stormEnd) sim.scheduler.after(gapMs, volley);
    };
    excerpt.add(sim.scheduler.now, 'attacker', 'storm', `${p.ratePerSecond}/s each of valid, replayed and bad-HMAC datagrams for ${p.durationMs / 1000} s → ${receiver.host.name}`);
    volley();
    sim.scheduler.runUntilTime(stormEnd + 1_000);

    const after = receiver.discoveryCounters!;
    const delta = (pick: (c: DiscoveryCounters) => number): number => pick(after) - pick(before);
    const accepted = delta((c) => c.discovered + c.refreshed);
    const honestAccepted = honest.discoveryCounters!.announced - honestAnnouncedBefore;
    const acceptedFromInsider = accepted - honestAccepted;
    const received = delta((c) => c.received);
    const hmacs = received - delta((c) => c.rejected['bad-length'] + c.rejected['other-community']);
    const rejected = Object.fromEntries(Object.keys(after.rejected).map((k) => [k, delta((c) => c.rejected[k as keyof DiscoveryCounters['rejected']])])) as Record<string, number>;
    const allowed = Math.floor(p.durationMs / RFC_REPEAT_INTERVAL_MS) + 1;
    const honestKept = receiver.discoveredPeerCount > 0 && receiver.peers().some((peer) => peer.nodeId === honest.nodeIdHex);
    const replayedOrBadTaken = rejected['bad-signature']! < sent['bad-hmac'] || rejected.replay! + rejected.stale! < sent.replayed;
    const verdict: ObservedVerdict = acceptedFromInsider > allowed || replayedOrBadTaken ? 'FAILS' : honestKept ? 'HOLDS' : 'PARTIAL';
    for (const [reason, n] of Object.entries(rejected)) if (n > 0) excerpt.add(sim.scheduler.now, receiver.host.name, `rejected ${reason}`, `${n} datagrams`);
    return {
      observations: [
        {
          claim: 'S10',
          verdict,
          evidence:
            `In ${p.durationMs / 1000} s R received ${received} discovery datagrams (${sent.valid} valid from one insider node id, ${sent.replayed} replayed, ${sent['bad-hmac']} bad-HMAC) and computed ${hmacs} HMACs. ` +
            `It took ${acceptedFromInsider} of the insider's valid announcements (the RFC's 1 s repeat rule allows ${allowed}, its one-per-3 s rule ${Math.floor(p.durationMs / 3_000) + 1}), rejected ${rejected['rate-limited']} as rate-limited, ${rejected.replay! + rejected.stale!} replayed ones as replay/stale and ${rejected['bad-signature']} as bad-signature; the honest B is ${honestKept ? 'still' : 'no longer'} a connected peer.`,
        },
      ],
      counts: {
        sentValid: sent.valid,
        sentReplayed: sent.replayed,
        sentBadHmac: sent['bad-hmac'],
        receiverReceived: received,
        receiverHmacsComputed: hmacs,
        acceptedFromInsider,
        acceptedFromHonest: honestAccepted,
        ...Object.fromEntries(Object.entries(rejected).map(([k, n]) => [`rejected:${k}`, n])),
      },
      figures: {
        acceptedFromInsiderPerSecond: acceptedFromInsider / (p.durationMs / 1000),
        rfcAllowedPerSecond: 1_000 / RFC_REPEAT_INTERVAL_MS,
        receiverHmacsPerSecond: hmacs / (p.durationMs / 1000),
      },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

/**
 * A node that knows the community string but not the API key (S1, S6). Two legitimate nodes find
 * each other by discovery; an intruder on the same switch runs the real node code with the right
 * community and a wrong key: it announces itself every 3 s (its HMAC cannot verify) and dials both
 * legitimate nodes as static peers, again and again (its HELLO signature cannot verify).
 *
 * Observed: how the legitimate nodes classified the intruder's announcements (other community, or
 * the right community and a bad signature), whether either ever listed it as discovered or completed
 * a handshake with it, its HELLO attempts, the auth failures and lockouts they caused. The two
 * legitimate nodes connecting to each other is the control: the setup lets the right key in.
 */
import { z } from 'zod';
import { CLUSTER_COMMUNITY, buildCluster, fixedKey } from '../../sim/asoc/cluster.ts';
import { SimAsocNode } from '../../sim/asoc/sim-node.ts';
import { TraceExcerpt, describePacket } from './adversary/excerpt.ts';
import { TapRecorder } from './adversary/tap-recorder.ts';
import { Protocol } from '../../sim/packet.ts';
import { parseAddress } from '../../sim/address.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const INTRUDER_ADDRESS = '10.0.0.66';
const INTRUDER_KEY = fixedKey('not the cluster key');
const PORT = 9000;

const params = z.strictObject({
  /** Virtual time the intruder keeps trying. */
  durationMs: z.number().positive().max(600_000).default(30_000),
  /** The community string the intruder announces with (default: the cluster's own, as S6 supposes). */
  community: z.string().min(1).default(CLUSTER_COMMUNITY),
});

export default defineAttack({
  description: 'an intruder with the community string but a wrong API key announces itself and dials the cluster',
  params,
  run({ profile, seed, params: p }) {
    const cluster = buildCluster({ seed, size: 2, topology: 'discovery', node: { profile, port: PORT } });
    const { sim } = cluster;
    const excerpt = new TraceExcerpt();
    const host = sim.addHost({ name: 'intruder', address: INTRUDER_ADDRESS });
    const port = cluster.switch.attach(host);
    const intruder = new SimAsocNode({
      sim,
      host,
      community: p.community,
      apiKey: INTRUDER_KEY,
      profile,
      port: PORT,
      discovery: {},
      staticPeers: cluster.hosts.map((h) => ({ address: h.addressText, port: PORT })),
    });
    // The intruder's first announcements and HELLO-carrying segments, as they leave its NIC.
    let shown = 0;
    new TapRecorder(() => sim.scheduler.now, {
      filter: (packet) => (packet.protocol === Protocol.UDP || packet.payload.length > 0) && shown++ < 4,
      excerpt: { log: excerpt, what: 'send', describe: (packet) => `${describePacket(packet)}${packet.protocol === Protocol.UDP ? ' (discovery announcement)' : ' (HELLO)'}` },
    }).attach(port.uplink);

    const intruderAddress = parseAddress(INTRUDER_ADDRESS);
    let handshakesWithIntruder = 0;
    let intruderListed = 0;
    let legitPeerUps = 0;
    for (const [i, node] of cluster.nodes.entries()) {
      const name = `n${i}`;
      node.on('peer-up', (peer) => {
        if (parseAddress(peer.address) === intruderAddress) {
          handshakesWithIntruder++;
          excerpt.add(sim.scheduler.now, name, 'peer-up', `handshake completed with the intruder ${peer.address}`);
        } else {
          legitPeerUps++;
          excerpt.add(sim.scheduler.now, name, 'peer-up', `legitimate peer ${peer.address} (${peer.direction})`);
        }
      });
      node.on('discovered', (d) => {
        if (d.nodeId === intruder.nodeIdHex) {
          intruderListed++;
          excerpt.add(sim.scheduler.now, name, 'discovered', `the intruder ${d.address} is in the peer table`);
        }
      });
      node.on('auth-failed', (f) => excerpt.add(sim.scheduler.now, name, 'auth-failed', `${f.direction} from ${f.address}: ${f.reason}; connection closed, no error frame`));
      node.on('refused', (r) => excerpt.add(sim.scheduler.now, name, 'refused', `${r.address}: ${r.reason}`));
    }
    cluster.start();
    intruder.start();
    sim.scheduler.runUntilTime(p.durationMs);

    const sum = (f: (node: SimAsocNode) => number) => cluster.nodes.reduce((total, node) => total + f(node), 0);
    const rejected = (reason: 'bad-signature' | 'other-community') => sum((n) => n.discoveryCounters?.rejected[reason] ?? 0);
    const counts = {
      intruderAnnouncements: intruder.discoveryCounters?.announced ?? 0,
      announcementsRejectedBadSignature: rejected('bad-signature'),
      announcementsRejectedOtherCommunity: rejected('other-community'),
      intruderListedAsDiscovered: intruderListed,
      intruderHelloAttempts: intruder.counters().dialAttempts,
      authFailuresAtLegitNodes: sum((n) => n.counters().authFailures),
      refusedByLockout: sum((n) => n.admissionCounters.refused['locked-out']),
      lockouts: sum((n) => n.admissionCounters.lockouts),
      handshakesWithIntruder,
      intruderPeers: intruder.peers().length,
      legitPeerUps,
    };
    if (counts.intruderAnnouncements === 0 || counts.intruderHelloAttempts === 0) throw new Error('keyless-node: the intruder never announced or dialed (a lab bug)');
    if (legitPeerUps === 0) throw new Error('keyless-node: the legitimate nodes never connected (the control failed)');

    const kept = handshakesWithIntruder === 0 && intruderListed === 0 && counts.intruderPeers === 0;
    const access = kept
      ? `no handshake with it (${counts.intruderHelloAttempts} HELLO attempts, ${counts.authFailuresAtLegitNodes} auth failures, ${counts.lockouts} lockouts, ${counts.refusedByLockout} dials refused while locked out) and never in a peer table`
      : `${handshakesWithIntruder} handshakes completed with it, listed as discovered ${intruderListed} times`;
    const s1: DecidedVerdict = kept ? 'HOLDS' : 'FAILS';
    // S6 is about the community string: it must have passed the community check and still bought nothing.
    const communityPassed = counts.announcementsRejectedBadSignature > 0 && counts.announcementsRejectedOtherCommunity === 0;
    const s6: DecidedVerdict = !kept ? 'FAILS' : communityPassed ? 'HOLDS' : 'PARTIAL';
    return {
      observations: [
        {
          claim: 'S1',
          verdict: s1,
          evidence: `Intruder without the key: ${counts.intruderAnnouncements} announcements, ${counts.announcementsRejectedBadSignature} dropped for a bad HMAC; ${access}. The two keyed nodes connected to each other (${legitPeerUps} peer-up events).`,
        },
        {
          claim: 'S6',
          verdict: s6,
          evidence: communityPassed
            ? `The intruder's community hash matched (0 of its announcements rejected as another community, ${counts.announcementsRejectedBadSignature} rejected for their HMAC), and it got ${kept ? 'no access' : 'access'}: ${access}.`
            : `The intruder's announcements did not pass the community check (${counts.announcementsRejectedOtherCommunity} rejected as another community), so this run does not test what the community string alone gives; ${access}.`,
        },
      ],
      counts,
      figures: { durationMs: p.durationMs },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

/**
 * Wrong peer (H1): a keyless attacker on the path re-routes a client's connection for one node to
 * another node that holds the same key.
 *
 * Three nodes with the cluster's key on one switch: A (10.0.0.1), B (10.0.0.3) and the client C
 * (10.0.0.2). C dials A: by discovery (`dial: discovered`: A announces itself, C hears it, learns
 * A's node id and dials the address the announcement came from), or as a static peer pinned to A's
 * node id (`dial: pinned`). The attacker rewrites addresses on the wire, as ARP spoofing or a
 * router would: C's TCP packets for A's port go to B instead, and B's answers reach C as if from A.
 * It needs no key and changes no byte of the protocol. Once C lists a peer for A, it sends it a
 * tensor.
 *
 * H1 HOLDS when no connection C made for A was established with B and none of C's bytes reached
 * B's application; FAILS when C's tensor reached B while C's peer table said A; PARTIAL when C and
 * B established a session but nothing was delivered.
 */
import { z } from 'zod';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { CLUSTER_API_KEY, CLUSTER_COMMUNITY } from '../../sim/asoc/cluster.ts';
import { SimAsocNode } from '../../sim/asoc/sim-node.ts';
import { parseAddress } from '../../sim/address.ts';
import { Protocol } from '../../sim/packet.ts';
import { Simulation } from '../../sim/simulation.ts';
import { TraceExcerpt } from './adversary/excerpt.ts';
import { addTap } from './adversary/taps.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';
import { defineAttack } from './types.ts';

const PORT = 9000;
const ADDRESS = { a: '10.0.0.1', c: '10.0.0.2', b: '10.0.0.3' } as const;
/** Fixed node ids: C's is the smallest, so C is the one that dials A when they discover each other. */
const NODE_ID = { c: 0x11, a: 0xaa, b: 0xbb } as const;

const params = z.strictObject({
  dial: z.enum(['discovered', 'pinned']).default('discovered'),
  tensorBytes: z.number().int().positive().max(4 * 2 ** 20).default(65_536),
  observeMs: z.number().positive().max(120_000).default(10_000),
});

export default defineAttack({
  description: 'a keyless on-path attacker re-routes a client\'s connection for node A to node B, which holds the same key',
  params,
  run({ profile, seed, params: p }) {
    const sim = new Simulation({ seed });
    const net = sim.addSwitch('switch');
    const excerpt = new TraceExcerpt();
    const nodeId = (byte: number) => new Uint8Array(16).fill(byte);
    const node = (name: keyof typeof ADDRESS, options: { discovery: boolean; staticPeers?: { address: string; port: number; nodeId: string }[] }) => {
      const host = sim.addHost({ name, address: ADDRESS[name] });
      net.attach(host);
      return new SimAsocNode({ sim, host, community: CLUSTER_COMMUNITY, apiKey: CLUSTER_API_KEY, profile, port: PORT, nodeId: nodeId(NODE_ID[name]), hashStreams: true, discovery: options.discovery ? {} : false, staticPeers: options.staticPeers });
    };
    const aIdHex = bytesToHex(nodeId(NODE_ID.a));
    const a = node('a', { discovery: p.dial === 'discovered' });
    const b = node('b', { discovery: false });
    // Pinned by the id A's profile pins a node by (its node id; its key for subduction), or by its node id where none can pin (refused).
    const c = node('c', p.dial === 'discovered' ? { discovery: true } : { discovery: false, staticPeers: [{ address: ADDRESS.a, port: PORT, nodeId: a.pinnedIdHex ?? aIdHex }] });

    // The re-route: C's packets to A's port go to B; B's answers to C come back as A's.
    const [aAddr, bAddr, cAddr] = [parseAddress(ADDRESS.a), parseAddress(ADDRESS.b), parseAddress(ADDRESS.c)];
    let rerouted = 0;
    addTap(net.port(c.host).uplink, (packet) => {
      if (packet.protocol !== Protocol.TCP || packet.dst !== aAddr || packet.dstPort !== PORT) return packet;
      if (rerouted++ === 0) excerpt.add(sim.scheduler.now, 'attacker', 'reroute', `C's connection to A (${ADDRESS.a}:${PORT}) sent to B (${ADDRESS.b}:${PORT}) instead`);
      return packet.with({ dst: bAddr });
    });
    addTap(net.port(b.host).uplink, (packet) => (packet.protocol === Protocol.TCP && packet.dst === cAddr && packet.srcPort === PORT ? packet.with({ src: aAddr }) : packet));

    let listedAsA = 0;
    let bytesSentToA = 0;
    c.on('peer-up', (peer) => {
      if (peer.nodeId !== aIdHex && peer.address !== ADDRESS.a) return;
      listedAsA++;
      excerpt.add(sim.scheduler.now, 'c', 'peer-up', `C lists peer ${peer.key.slice(0, 12)}… at ${peer.address}:${peer.port} as A, and sends it ${p.tensorBytes} bytes`);
      c.transfer(peer.key, p.tensorBytes, { confirm: false });
      bytesSentToA += p.tensorBytes;
    });
    const cClosed: string[] = [];
    c.on('connection-closed', (closed) => {
      if (cClosed.push(closed.reason) <= 3) excerpt.add(sim.scheduler.now, 'c', 'closed', `${closed.reason}: ${closed.detail}`);
    });
    // C's sessions are told by C's address: a node lists a peer under the id its profile's handshake
    // authenticates (the lab's node id, a subduction key, an stt node id), and C's address is never rewritten.
    const bFromC = { sessions: 0, bytes: 0 };
    const cKeysAt = { a: new Set<string>(), b: new Set<string>() };
    b.on('peer-up', (peer) => {
      if (peer.address !== ADDRESS.c) return;
      cKeysAt.b.add(peer.key);
      bFromC.sessions++;
      excerpt.add(sim.scheduler.now, 'b', 'peer-up', `B established a session with C (C believes it is talking to A)`);
    });
    b.on('stream-end', (end) => {
      if (!cKeysAt.b.has(end.peerKey)) return;
      bFromC.bytes += end.bytes;
      excerpt.add(sim.scheduler.now, 'b', 'stream-end', `B's application got ${end.bytes} bytes from C, meant for A`);
    });
    let aFromC = 0;
    a.on('peer-up', (peer) => {
      if (peer.address === ADDRESS.c) cKeysAt.a.add(peer.key);
    });
    a.on('stream-end', (end) => {
      if (cKeysAt.a.has(end.peerKey)) aFromC += end.bytes;
    });
    const bRefusals: string[] = [];
    b.on('connection-closed', (closed) => {
      if (!closed.established && closed.address === ADDRESS.c && bRefusals.push(closed.reason) <= 3) excerpt.add(sim.scheduler.now, 'b', 'closed', `C's re-routed connection: ${closed.reason}`);
    });

    for (const n of [a, b, c]) n.start();
    sim.scheduler.runUntilTime(p.observeMs);

    const verdict: DecidedVerdict = bFromC.bytes > 0 ? 'FAILS' : bFromC.sessions > 0 ? 'PARTIAL' : 'HOLDS';
    const how = p.dial === 'discovered' ? 'C discovered A and dialled it' : `C dialled A as a static peer pinned to A's ${a.pinnedIdHex !== null && a.pinnedIdHex !== aIdHex ? 'key' : 'node id'}`;
    const outcome =
      verdict === 'HOLDS'
        ? `B never established a session with C (B closed ${bRefusals.length} re-routed connection(s): ${[...new Set(bRefusals)].join(', ') || 'none'}; C's closes: ${[...new Set(cClosed)].join(', ') || 'none'}), and none of C's bytes reached B`
        : `B established ${bFromC.sessions} session(s) with C, C listed ${listedAsA} of them as A, and B's application got ${bFromC.bytes} of the ${bytesSentToA} bytes C sent to "A"`;
    return {
      observations: [{ claim: 'H1', verdict, evidence: `${how}; an attacker without the key re-routed ${rerouted} of C's packets for A to B. ${outcome}.` }],
      counts: { reroutedPackets: rerouted, cListedA: listedAsA, bSessionsWithC: bFromC.sessions, bytesDeliveredToB: bFromC.bytes, bytesDeliveredToA: aFromC, bClosedRerouted: bRefusals.length },
      figures: { tensorBytes: p.tensorBytes },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});

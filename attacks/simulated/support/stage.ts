/**
 * The stage of the on-path and handshake attacks: ASoc nodes on one switch, every one dialing n0
 * (the server) as a static peer — n1 is the victim client, n2 … further servers with the same key —
 * and an attacker host on the same switch, whose NIC an attack may use or not (a tap on the
 * victims' switch ports needs no host). Nodes hash every stream they receive, so delivered bytes
 * can be compared with what was sent or forged. With `clientDials`, the client is instead a node
 * on host "client" that dials that address (the attacker's, when ARP or DNS spoofing sends it there).
 *
 *   n0 10.0.0.1 server · n1 10.0.0.2 client · n2 10.0.0.3 … · client 10.0.0.20 · attacker 10.0.0.66
 */
import { createHash } from 'node:crypto';
import type { AsocProfile } from '../../../src/core/profile.ts';
import { GCM_TAG_SIZE } from '../../../src/crypto/backend.ts';
import { concatBytes } from '../../../src/wire/bytes.ts';
import { FrameType, encodeHeader } from '../../../src/wire/frame.ts';
import { CLUSTER_API_KEY, CLUSTER_COMMUNITY, buildCluster, type Cluster } from '../../../sim/asoc/cluster.ts';
import { SimAsocNode, type StreamEnd } from '../../../sim/asoc/sim-node.ts';
import { TraceExcerpt } from '../adversary/excerpt.ts';
import type { Host } from '../../../sim/host.ts';
import type { SwitchPort } from '../../../sim/switch.ts';

export const ATTACKER_ADDRESS = '10.0.0.66';
const SPOOFED_CLIENT_ADDRESS = '10.0.0.20';
export const PORT = 9000;

export interface StageOptions {
  seed: number;
  profile: AsocProfile;
  /** Nodes in all (at least 2: server and client). */
  nodes?: number;
  /** The address the client dials instead of the server's. */
  clientDials?: string;
}

export interface DeliveredStream extends StreamEnd {
  node: string;
  at: number;
}

export interface Stage {
  cluster: Cluster;
  server: SimAsocNode;
  client: SimAsocNode;
  attacker: Host;
  excerpt: TraceExcerpt;
  /** Every stream each node delivered to its application, in order. */
  delivered: DeliveredStream[];
  /** The switch port of a node's host (its uplink carries what it sends). */
  portOf(node: SimAsocNode): SwitchPort;
  /** A further keyed node on its own host, dialing `peers` once the caller starts it. */
  addNode(name: string, address: string, peers: string[]): SimAsocNode;
  /** Starts the server, the client and the other nodes of the stage (not those of addNode). */
  start(): void;
  now(): number;
}

export function buildStage({ seed, profile, nodes = 2, clientDials }: StageOptions): Stage {
  const cluster = buildCluster({ seed, size: clientDials === undefined ? nodes : nodes - 1, topology: 'star', node: { profile, port: PORT, hashStreams: true } });
  const { sim } = cluster;
  const attacker = sim.addHost({ name: 'attacker', address: ATTACKER_ADDRESS });
  cluster.switch.attach(attacker);
  const excerpt = new TraceExcerpt();
  const delivered: DeliveredStream[] = [];
  const recordDeliveries = (node: SimAsocNode) =>
    node.on('stream-end', (end) => {
      delivered.push({ ...end, node: node.host.name, at: sim.scheduler.now });
      excerpt.add(sim.scheduler.now, node.host.name, 'stream-end', `delivered stream ${end.streamId}: ${end.bytes} bytes, SHA-256 ${end.sha256?.slice(0, 16)}…`);
    });
  cluster.nodes.forEach(recordDeliveries);
  const addNode = (name: string, address: string, peers: string[]) => {
    const host = sim.addHost({ name, address });
    cluster.switch.attach(host);
    const node = new SimAsocNode({ sim, host, community: CLUSTER_COMMUNITY, apiKey: CLUSTER_API_KEY, profile, port: PORT, hashStreams: true, staticPeers: peers.map((a) => ({ address: a, port: PORT })) });
    recordDeliveries(node);
    return node;
  };
  const spoofedClient = clientDials === undefined ? null : addNode('client', SPOOFED_CLIENT_ADDRESS, [clientDials]);
  return {
    cluster,
    server: cluster.nodes[0]!,
    client: spoofedClient ?? cluster.nodes[1]!,
    attacker,
    excerpt,
    delivered,
    portOf: (node) => cluster.switch.port(node.host),
    addNode,
    start: () => {
      cluster.start();
      spoofedClient?.start();
    },
    now: () => sim.scheduler.now,
  };
}

/**
 * Bytes an attacker forges: recognisable text, and their SHA-256 to find them among delivered
 * streams. A `tag` makes them another attack's (another SHA-256), to tell several attempts apart.
 */
export function forgedBytes(size: number, tag = ''): { bytes: Uint8Array; sha256: string } {
  const text = new TextEncoder().encode(`FORGED BY THE ATTACKER ${tag}`);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = text[i % text.length]!;
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * A whole stream as an attacker without the key writes it: one DATA frame and its END, in the
 * profile's wire version; in version 2 each frame ends in 16 bytes where the tag should be (the
 * attacker cannot compute it, so it sends its best guess: zeros).
 */
export function forgedStream(profile: AsocProfile, streamId: number, payload: Uint8Array): Uint8Array {
  const tag = profile.wireVersion === 2 ? new Uint8Array(GCM_TAG_SIZE) : new Uint8Array(0);
  const v = profile.wireVersion;
  return concatBytes(encodeHeader(FrameType.DATA, streamId, 0, payload.length + tag.length, v), payload, tag, encodeHeader(FrameType.END, streamId, 1, tag.length, v), tag);
}

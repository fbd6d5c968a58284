/**
 * One host of a topology, inside its container (`asoc-lab topo node FILE --name NAME`): an ASoc
 * node as the file configures it (an attacker host runs none: `asoc-lab attack` is run in its
 * container from outside), the streams this host sends (a collective's transfer once the ones it
 * depends on have arrived), and a report of everything it saw.
 * Events go out as log lines (events.ts): `listening`, then `done` once its own part is complete
 * (its streams sent, the streams meant for it received, every other node discovered), and the
 * report as `result` when it is stopped. Peers are named by host name and resolved through the
 * container network's DNS (in network namespaces, which have none: taken from the file); every
 * address it connects to must be in 198.18.0.0/15.
 */
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { PROFILES } from '../src/core/profile.ts';
import { AsocNode, type AsocNodeOptions } from '../src/net/node.ts';
import { SttUdpNode } from '../src/net/stt-udp-node.ts';
import type { IncomingStream } from '../src/driver/incoming-stream.ts';
import { assertBenchAddress } from './bench-net.ts';
import type { NodeReport, TopoEvent } from './events.ts';
import type { ContainerPlan, PlannedHost, PlannedStream } from './plan.ts';
import { patternChunks } from './stream-pattern.ts';

/** How long a sender waits for a connection to its receiver before that stream fails. */
const PEER_WAIT_MS = 60_000;

export interface NodeRunOptions {
  plan: ContainerPlan;
  name: string;
  apiKey: Uint8Array;
  /** Resolves when the workloads may start (at once unless the host holds them until its links are shaped). */
  go: Promise<void>;
  /** Resolves when the container is told to stop. */
  stop: Promise<string>;
  emit: (event: TopoEvent) => void;
  /** Peers are at the file's addresses, without asking DNS first (network namespaces have no DNS of their own). */
  fileAddresses?: boolean;
}

export class UnknownHostError extends Error {
  override readonly name = 'UnknownHostError';
}

export async function runTopologyNode(options: NodeRunOptions): Promise<NodeReport> {
  const { plan, name, emit } = options;
  const host = plan.hosts.find((h) => h.name === name);
  if (!host) throw new UnknownHostError(`topology ${plan.name} has no host "${name}" (hosts: ${plan.hosts.map((h) => h.name).join(', ')})`);
  const report: NodeReport = { name, address: host.address, profile: host.node?.profile ?? null, transport: host.node?.transport ?? null, nodeId: null, discovered: [], peers: [], sent: [], received: [], authFailures: 0, errors: [] };
  if (!host.node) {
    emit({ event: 'listening', name, nodeId: null });
    emit({ event: 'done', name });
    await options.stop;
    return report;
  }
  const resolveHost: ResolveHost = options.fileAddresses ? async (peer) => assertBenchAddress(fileAddress(plan, peer), `host ${peer}`) : (peer) => addressOf(plan, peer);
  const node = await startNode(plan, host, options.apiKey, report, resolveHost);
  await collectiveConnections(plan, name, node, resolveHost, options.stop);
  emit({ event: 'listening', name, nodeId: node.nodeIdHex });
  const otherNodes = plan.hosts.filter((h) => h.node && h.name !== name).length;
  const expectedIn = plan.streams.filter((s) => s.to === name).length;
  let announcedDone = false;
  const checkDone = (sendsFinished: boolean) => {
    const discoveredAll = host.node!.discovery === false || report.discovered.length >= otherNodes;
    if (!announcedDone && sendsFinished && report.received.length >= expectedIn && discoveredAll) {
      announcedDone = true;
      emit({ event: 'done', name });
    }
  };
  let sendsFinished = false;
  node.on('discovered', () => checkDone(sendsFinished));
  const arrivals = new Arrivals();
  node.on('stream', (stream) => void receive(stream, report, arrivals).then(() => checkDone(sendsFinished)));
  try {
    const stopped = await Promise.race([options.go.then(() => false), options.stop.then(() => true)]);
    if (!stopped) {
      // In plan order: a collective's transfer depends only on earlier ones, so its own sends are there to wait for.
      const sends = new Map<number, Promise<void>>();
      plan.streams.forEach((stream, i) => {
        if (stream.from !== name) return;
        const ready = async () => {
          await new Promise((resolve) => setTimeout(resolve, stream.atMs));
          await Promise.all((stream.after ?? []).map((d) => (plan.streams[d]!.from === name ? sends.get(d)! : arrived(plan, d, arrivals, resolveHost))));
        };
        sends.set(i, send(node, stream, report, resolveHost, ready()));
      });
      await Promise.race([Promise.all(sends.values()), options.stop]);
      sendsFinished = true;
      checkDone(true);
    }
    await options.stop;
  } finally {
    await node.stop();
  }
  return report;
}

/** A host's address by its name, checked against 198.18.0.0/15. */
type ResolveHost = (name: string) => Promise<string>;

/** A node over either transport (stt over UDP, or any profile over TCP). */
type TopologyNode = AsocNode | SttUdpNode;

async function startNode(plan: ContainerPlan, host: PlannedHost, apiKey: Uint8Array, report: NodeReport, resolveHost: ResolveHost): Promise<TopologyNode> {
  const spec = host.node!;
  const peers = await Promise.all(spec.peers.map(async (peer) => `${await resolveHost(peer)}:${plan.hosts.find((h) => h.name === peer)!.node!.port}`));
  const options: AsocNodeOptions = {
    community: spec.community,
    apiKey,
    host: '0.0.0.0',
    port: spec.port,
    staticPeers: peers,
    discovery: spec.discovery === false ? false : { port: spec.discovery.port, broadcastAddress: plan.subnet.broadcast },
    profile: PROFILES[spec.profile],
    limits: { chunkSize: spec.chunkBytes },
  };
  const node = spec.transport === 'udp' ? new SttUdpNode(options) : new AsocNode(options);
  node.on('discovered', (e) => {
    const address = plainAddress(e.address);
    if (!report.discovered.includes(address)) report.discovered.push(address);
  });
  node.on('peer-up', (p) => {
    const address = plainAddress(p.address);
    if (!report.peers.includes(address)) report.peers.push(address);
  });
  node.on('auth-failed', () => report.authFailures++);
  await node.start();
  report.nodeId = node.nodeIdHex;
  return node;
}

/** A host's address as the container network's DNS gives it (the file's address where DNS has none), checked against 198.18.0.0/15. */
async function addressOf(plan: ContainerPlan, name: string): Promise<string> {
  let address = fileAddress(plan, name);
  try {
    address = (await lookup(name, { family: 4 })).address;
  } catch {
    // no DNS for the name (run outside compose): the file's address
  }
  return assertBenchAddress(address, `host ${name}`);
}

function fileAddress(plan: ContainerPlan, name: string): string {
  return plan.hosts.find((h) => h.name === name)!.address;
}

function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/**
 * Waits until this node is connected to every peer it sends a collective's transfers to (or it is
 * stopped): as in the simulator, a collective starts once its connections are up, so its completion
 * time holds no dial and no redial after a peer that was not listening yet. A peer that does not
 * come is left to the transfers, which then fail saying so.
 */
async function collectiveConnections(plan: ContainerPlan, name: string, node: TopologyNode, resolveHost: ResolveHost, stop: Promise<string>): Promise<void> {
  const receivers = [...new Set(plan.streams.filter((s) => s.from === name && s.after !== undefined).map((s) => s.to))];
  const connected = Promise.all(
    receivers.map(async (to) => {
      const address = await resolveHost(to);
      await node.waitForPeer((p) => plainAddress(p.address) === address, PEER_WAIT_MS).catch(() => {});
    }),
  );
  await Promise.race([connected, stop]);
}

/** Streams received whole so far from each sender's address, and waits for a count of them. */
class Arrivals {
  private readonly counts = new Map<string, number>();
  private waiting: { from: string; count: number; resolve: () => void }[] = [];

  add(from: string): void {
    const count = (this.counts.get(from) ?? 0) + 1;
    this.counts.set(from, count);
    this.waiting = this.waiting.filter((w) => (w.from === from && w.count <= count ? (w.resolve(), false) : true));
  }

  when(from: string, count: number): Promise<void> {
    if ((this.counts.get(from) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ from, count, resolve }));
  }
}

/**
 * Resolves once the plan's stream `index` (sent to this node) arrived: a node tells streams apart
 * only by their sender (the plan gives a collective's pairs to it alone), so the n-th stream of a
 * pair has arrived when n streams from that sender have.
 */
async function arrived(plan: ContainerPlan, index: number, arrivals: Arrivals, resolveHost: ResolveHost): Promise<void> {
  const { from, to } = plan.streams[index]!;
  const nth = plan.streams.slice(0, index + 1).filter((s) => s.from === from && s.to === to).length;
  await arrivals.when(await resolveHost(from), nth);
}

/** Sends one stream once `ready` resolves (its start time passed and what it depends on arrived). */
async function send(node: TopologyNode, stream: PlannedStream, report: NodeReport, resolveHost: ResolveHost, ready: Promise<void>): Promise<void> {
  const entry = { workload: stream.workload, to: stream.to, bytes: 0, startedAtMs: 0, ms: 0, sha256: '', confirmed: false };
  try {
    await ready;
    const address = await resolveHost(stream.to);
    const peer = await node.waitForPeer((p) => plainAddress(p.address) === address, PEER_WAIT_MS);
    const hash = createHash('sha256');
    function* hashed(): Generator<Uint8Array> {
      for (const piece of patternChunks(stream.bytes, stream.chunkBytes)) {
        hash.update(piece);
        yield piece;
      }
    }
    const startedAtMs = Date.now();
    const receipt = await node.send(peer.key, hashed());
    report.sent.push({ ...entry, bytes: receipt.bytes, startedAtMs, ms: receipt.elapsedMs, sha256: hash.digest('hex'), confirmed: receipt.confirmed });
  } catch (err) {
    report.sent.push({ ...entry, error: (err as Error).message });
  }
}

async function receive(stream: IncomingStream, report: NodeReport, arrivals: Arrivals): Promise<void> {
  const hash = createHash('sha256');
  let first: number | null = null;
  const from = plainAddress(stream.peer.address);
  try {
    for await (const piece of stream) {
      first ??= performance.now();
      hash.update(piece);
    }
    report.received.push({ from, streamId: stream.streamId, bytes: stream.bytesReceived, ms: first === null ? 0 : performance.now() - first, sha256: hash.digest('hex') });
    arrivals.add(from);
  } catch (err) {
    report.received.push({ from, streamId: stream.streamId, bytes: stream.bytesReceived, ms: 0, sha256: '', error: (err as Error).message });
  }
}

/**
 * Runs a scenario's collectives (collective-plans.ts) on its nodes: at `atMs` the collective waits
 * until every sender has a connection to its receivers (static peers or discovery must make them),
 * then starts; each transfer is one ASoc stream, started once the transfers it depends on have
 * arrived — arrived meaning the receiver's node saw the stream's END, with every byte (hashed,
 * checked by integrity.ts like every stream of a run). A failed transfer fails the collective.
 *
 * Reported: completion (first send to last arrival, virtual time) against the topology's ideal
 * (collective-ideal.ts), and per channel the payload it carried, its goodput over the collective and
 * that goodput against the channel's rate.
 */
import type { Channel } from '../sim/channel.ts';
import { decideFromUtilisation, type BottleneckVerdict } from './bottleneck.ts';
import { baseRttMs, payloadBytesPerSec, windowBytes } from './bounds.ts';
import type { Host } from '../sim/host.ts';
import { idealMs, type ChannelLoad } from './collective-ideal.ts';
import { planCollective, type CollectiveKind, type PlannedTransfer } from './collective-plans.ts';
import type { Network } from './network.ts';
import type { ScenarioNode } from './nodes.ts';
import type { CollectiveSpec } from './schema.ts';
import { PeerWaits } from './workloads.ts';

export interface CollectiveLinkResult {
  channel: string;
  payloadBytes: number;
  rateGbps: number;
  goodputGbps: number | null;
  /** goodput ÷ rate. */
  utilisation: number | null;
  /** Packets the channel dropped while the collective ran (a full queue: several senders into one port). */
  drops: number;
}

export interface CollectiveResult {
  name: string;
  kind: CollectiveKind;
  participants: string[];
  server: string | null;
  transfers: number;
  delivered: number;
  failed: number;
  pending: number;
  bytesDelivered: number;
  /** Virtual time at which every connection was up and the first transfers started. */
  startedMs: number | null;
  /** From startedMs to the last arrival. */
  completionMs: number | null;
  /** The fastest any protocol could do it on this topology (sum over phases of the busiest channel's load ÷ rate). */
  idealMs: number;
  timesTheIdeal: number | null;
  error: string | null;
  /** Packets dropped on the collective's channels while it ran. */
  drops: number;
  /** Packets its hosts dropped on arrival while it ran, their CPU's receive backlog full (sim/cpu.ts). */
  cpuBacklogDrops: number;
  /**
   * What limited it (bottleneck.ts's rule, over the whole collective): link = the ideal at the
   * channels' payload rates (headers left out) ÷ completion; cpu = the busiest participant's CPU over the collective; window =
   * that channel's goodput ÷ what its transfers' TCP windows allow at once over their base RTTs,
   * in the phase where that is least; loss when none of them reached 0.85 and packets were dropped (ports or CPU
   * backlogs). Null until it completed.
   */
  limit: BottleneckVerdict | null;
  /** Every channel the collective loads, by name. */
  links: CollectiveLinkResult[];
}

class Collective {
  private readonly plan: PlannedTransfer[];
  private readonly loads: ChannelLoad[];
  private readonly waiting: number[];
  private readonly dependents: number[][];
  /** `${from}>${to}#${streamId}` → transfer index, for transfers on their way. */
  private readonly onTheWay = new Map<string, number>();
  private readonly peerKeys = new Map<string, string>();
  /** Host names by address: who sent a stream that arrived. */
  private readonly hostByAddress: ReadonlyMap<string, string>;
  private delivered = 0;
  private bytesDelivered = 0;
  private failure: string | null = null;
  private startedAt: number | null = null;
  private lastArrival: number | null = null;
  /** Each loaded channel's drop count at the start, then its drops during the collective once done. */
  private readonly dropsAtStart = new Map<Channel, number>();
  private readonly drops = new Map<Channel, number>();
  private readonly hosts: Host[];
  private backlogDropsAtStart = 0;
  private backlogDrops = 0;
  private cpuAtStart: number[] = [];
  /** The busiest participant's CPU time over the collective, once done. */
  private busiestCpuMs = 0;

  constructor(
    private readonly spec: CollectiveSpec,
    private readonly network: Network,
    private readonly nodes: ReadonlyMap<string, ScenarioNode>,
    readonly participants: readonly string[],
  ) {
    this.plan = planCollective({ kind: spec.kind, participants, bytes: spec.bytes, ...(spec.server ? { server: spec.server } : {}), microBatches: spec.microBatches, ...(spec.steps === undefined ? {} : { steps: spec.steps }) });
    this.loads = this.plan.map((t) => ({ phase: t.phase, bytes: t.bytes, channels: network.path(t.from, t.to) }));
    this.hosts = [...new Set(this.plan.flatMap((t) => [t.from, t.to]))].map((name) => network.host(name).host);
    this.hostByAddress = new Map(this.hosts.map((h) => [h.addressText, h.name]));
    this.waiting = this.plan.map((t) => t.after.length);
    this.dependents = this.plan.map(() => []);
    this.plan.forEach((t, i) => t.after.forEach((d) => this.dependents[d]!.push(i)));
  }

  get chunkBytes(): number {
    return this.spec.chunkBytes ?? this.nodes.get(this.plan[0]!.from)!.spec.chunkBytes;
  }

  get settled(): boolean {
    return this.failure !== null || this.delivered === this.plan.length;
  }

  schedule(): void {
    this.network.sim.scheduler.at(this.spec.atMs, () => this.connect());
  }

  /** Waits for every sender's connection to each of its receivers, then starts. */
  private connect(): void {
    const pairs = new Map<string, { from: string; to: string }>();
    for (const t of this.plan) pairs.set(`${t.from}>${t.to}`, t);
    for (const name of new Set(this.plan.map((t) => t.to))) this.watchArrivals(name);
    const waits = new Map<string, PeerWaits>();
    let ready = 0;
    for (const [pair, { from, to }] of pairs) {
      const node = this.nodes.get(from)!;
      if (!waits.has(from)) waits.set(from, new PeerWaits(node.node));
      waits.get(from)!.whenConnected(this.network.host(to).host.addressText, (peerKey) => {
        this.peerKeys.set(pair, peerKey);
        if (++ready === pairs.size) this.start();
      });
    }
  }

  private start(): void {
    this.startedAt = this.network.sim.scheduler.now;
    for (const load of this.loads) for (const c of load.channels) this.dropsAtStart.set(c, c.counts.dropped);
    this.backlogDropsAtStart = this.hostBacklogDrops();
    this.cpuAtStart = this.hosts.map((h) => h.cpu.busyMs);
    this.plan.forEach((_, i) => this.waiting[i] === 0 && this.send(i));
  }

  private send(index: number): void {
    const t = this.plan[index]!;
    const transfer = this.nodes.get(t.from)!.node.transfer(this.peerKeys.get(`${t.from}>${t.to}`)!, t.bytes, {
      chunkSize: this.chunkBytes,
      onError: (error) => this.fail(`${t.from} → ${t.to}: ${error.message}`),
    });
    if (!transfer.settled) this.onTheWay.set(`${t.from}>${t.to}#${transfer.streamId}`, index);
  }

  private watchArrivals(receiver: string): void {
    const node = this.nodes.get(receiver)!.node;
    node.on('stream-end', (end) => {
      const address = node.peers().find((p) => p.key === end.peerKey)?.address;
      const from = address === undefined ? undefined : this.hostByAddress.get(address);
      const key = `${from}>${receiver}#${end.streamId}`;
      const index = this.onTheWay.get(key);
      if (index === undefined || this.settled) return;
      this.onTheWay.delete(key);
      this.arrived(index, end.bytes);
    });
  }

  private arrived(index: number, bytes: number): void {
    this.delivered++;
    this.bytesDelivered += bytes;
    this.lastArrival = this.network.sim.scheduler.now;
    for (const next of this.dependents[index]!) if (--this.waiting[next]! === 0) this.send(next);
    if (this.delivered < this.plan.length) return;
    for (const [c, start] of this.dropsAtStart) this.drops.set(c, c.counts.dropped - start);
    this.backlogDrops = this.hostBacklogDrops() - this.backlogDropsAtStart;
    this.busiestCpuMs = Math.max(...this.hosts.map((h, i) => h.cpu.busyMs - this.cpuAtStart[i]!));
  }

  /** bottleneck.ts's rule: the links over the whole plan, the busiest CPU, the busiest channel's windows, the drops. */
  private limit(perChannel: ReadonlyMap<Channel, number>, completionMs: number, drops: number): BottleneckVerdict {
    const mss = Math.min(...this.hosts.map((h) => h.tcp.options.mss));
    const payloadRate = (c: Channel) => payloadBytesPerSec(c, mss);
    const [busiest, bytes] = [...perChannel].reduce((a, b) => (b[1] / payloadRate(b[0]) > a[1] / payloadRate(a[0]) ? b : a));
    // What the busiest channel's transfers' windows allow at once, in the phase where that is least.
    const windowsByPhase = new Map<number, number>();
    this.plan.forEach((t, i) => {
      if (!this.loads[i]!.channels.includes(busiest)) return;
      const rttMs = baseRttMs(this.loads[i]!.channels, this.network.path(t.to, t.from));
      const window = windowBytes(this.network.host(t.from).host.tcp.options, this.network.host(t.to).host.tcp.options);
      windowsByPhase.set(t.phase, (windowsByPhase.get(t.phase) ?? 0) + (rttMs > 0 ? window / (rttMs / 1000) : Infinity));
    });
    const windowRate = Math.min(...windowsByPhase.values());
    return decideFromUtilisation(
      {
        // The plan's ideal at the channels' payload rates, against the time it took: 1 is every phase at its busiest channel's full rate.
        link: idealMs(this.loads, payloadRate) / completionMs,
        cpu: this.busiestCpuMs / completionMs,
        window: windowRate === Infinity ? 0 : bytes / (completionMs / 1000) / windowRate,
      },
      drops,
    );
  }

  private hostBacklogDrops(): number {
    return this.hosts.reduce((sum, h) => sum + h.cpu.droppedFrames, 0);
  }

  private fail(message: string): void {
    if (!this.settled) this.failure = message;
  }

  result(): CollectiveResult {
    const ideal = idealMs(this.loads);
    const done = this.delivered === this.plan.length;
    const completionMs = done && this.startedAt !== null ? this.lastArrival! - this.startedAt : null;
    const perChannel = new Map<Channel, number>();
    for (const load of this.loads) for (const c of load.channels) perChannel.set(c, (perChannel.get(c) ?? 0) + load.bytes);
    const links = [...perChannel].map(([channel, payloadBytes]): CollectiveLinkResult => {
      const goodputGbps = completionMs !== null && completionMs > 0 ? (payloadBytes * 8) / completionMs / 1e6 : null;
      const rateGbps = channel.options.bandwidthBps / 1e9;
      const drops = this.drops.get(channel) ?? 0;
      return { channel: channel.name, payloadBytes, rateGbps, goodputGbps, utilisation: goodputGbps === null ? null : goodputGbps / rateGbps, drops };
    });
    const drops = links.reduce((sum, l) => sum + l.drops, 0);
    const limit = completionMs === null || completionMs <= 0 ? null : this.limit(perChannel, completionMs, drops + this.backlogDrops);
    return {
      name: this.spec.name,
      kind: this.spec.kind,
      participants: [...this.participants],
      server: this.spec.server ?? null,
      transfers: this.plan.length,
      delivered: this.delivered,
      failed: this.failure === null ? 0 : 1,
      pending: this.plan.length - this.delivered - (this.failure === null ? 0 : 1),
      bytesDelivered: this.bytesDelivered,
      startedMs: this.startedAt,
      completionMs,
      idealMs: ideal,
      timesTheIdeal: completionMs === null || ideal === 0 ? null : completionMs / ideal,
      error: this.failure,
      drops,
      cpuBacklogDrops: this.backlogDrops,
      limit,
      links: links.sort((a, b) => a.channel.localeCompare(b.channel)),
    };
  }
}

/** Every collective of a scenario. */
export class Collectives {
  private readonly collectives: Collective[];

  constructor(specs: readonly CollectiveSpec[], network: Network, nodes: ReadonlyMap<string, ScenarioNode>) {
    this.collectives = specs.map((spec) => {
      const participants = spec.nodes === 'all' ? [...nodes.keys()].filter((name) => name !== spec.server) : network.index.resolve(spec.nodes);
      return new Collective(spec, network, nodes, participants);
    });
  }

  get chunkSizes(): number[] {
    return this.collectives.map((c) => c.chunkBytes);
  }

  schedule(): void {
    for (const c of this.collectives) c.schedule();
  }

  get settled(): boolean {
    return this.collectives.every((c) => c.settled);
  }

  results(): CollectiveResult[] {
    return this.collectives.map((c) => c.result());
  }
}

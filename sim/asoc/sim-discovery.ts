/**
 * Runs the core's DiscoveryAgent over a simulated UDP socket, as src/net/discovery-service.ts does
 * over node:dgram: announcements are broadcast on the host's links and switches every 3 s,
 * datagrams arriving on the discovery port are checked by the agent, and what it learns reaches
 * the node through two callbacks.
 *
 * The agent's clock is Unix-epoch milliseconds (announcements carry it): the host's local clock
 * (virtual time + skew) plus SIM_EPOCH_MS, so skewed hosts disagree about timestamps as real ones do.
 */
import { DiscoveryAgent, type DiscoveryCounters } from '../../src/core/discovery-agent.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import type { CryptoBackend } from '../../src/crypto/backend.ts';
import { DeadlineTimer } from '../deadline-timer.ts';
import type { Host } from '../host.ts';
import type { Datagram, UdpSocket } from '../udp.ts';
import type { FrameCpuCosts } from './types.ts';

/** Virtual time 0 as a Unix time: 2025-01-01T00:00:00Z. */
export const SIM_EPOCH_MS = 1_735_689_600_000;

export interface SimDiscoveryOptions {
  host: Host;
  /** UDP port every node of the cluster listens on and broadcasts to. */
  port: number;
  profile: AsocProfile;
  nodeId: Uint8Array;
  tcpPort: number;
  community: string;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  random: RandomSource;
  /** A datagram counts as one frame: receiving one costs receivePerFrameMs, announcing sendPerFrameMs. */
  frameCosts: FrameCpuCosts;
  onPeer(peer: { nodeId: string; address: string; tcpPort: number }): void;
  onPeerLost(nodeId: string): void;
}

export class SimDiscovery {
  private readonly agent: DiscoveryAgent;
  private readonly timer: DeadlineTimer;
  private socket: UdpSocket | null = null;
  /** The agent's deadline the timer is armed for (see onTimer). */
  private armedFor = -Infinity;
  private lastNow = -Infinity;

  constructor(private readonly options: SimDiscoveryOptions) {
    this.agent = new DiscoveryAgent({
      profile: options.profile,
      nodeId: options.nodeId,
      tcpPort: options.tcpPort,
      community: options.community,
      apiKey: options.apiKey,
      crypto: options.crypto,
      random: options.random,
      now: this.now(),
    });
    this.timer = new DeadlineTimer(options.host.scheduler, () => this.onTimer());
  }

  /** The agent's verdict counters (accepted, rejected by reason), for evidence. */
  get counters(): DiscoveryCounters {
    return this.agent.counters;
  }

  get peerCount(): number {
    return this.agent.peerCount;
  }

  start(): void {
    const socket = this.options.host.udp.bind(this.options.port);
    this.socket = socket;
    socket.onMessage = (datagram) => this.onDatagram(datagram);
    this.service();
  }

  stop(): void {
    this.timer.clear();
    this.socket?.close();
    this.socket = null;
  }

  private onDatagram(datagram: Datagram): void {
    const cost = this.options.frameCosts.receivePerFrameMs;
    if (cost === 0) this.take(datagram);
    else this.options.host.cpu.run(cost, () => this.take(datagram));
  }

  private take(datagram: Datagram): void {
    if (this.socket === null) return;
    this.agent.receive(datagram.bytes, { address: datagram.fromAddress, port: datagram.fromPort }, this.now());
    this.service();
  }

  /**
   * Converting the agent's deadline to virtual time and back can land a rounding error short of it;
   * the timer fired for that deadline, so the agent is told it is there (else it would re-arm the
   * same instant forever).
   */
  private onTimer(): void {
    this.agent.handleTimeout(Math.max(this.now(), this.armedFor));
    this.service();
  }

  private service(): void {
    const socket = this.socket;
    if (socket === null) return;
    for (const datagram of this.agent.pollTransmit() ?? []) this.announce(socket, datagram);
    for (let e = this.agent.pollEvent(); e !== null; e = this.agent.pollEvent()) {
      if (e.type === 'peer-discovered') this.options.onPeer({ nodeId: e.nodeId, address: e.address, tcpPort: e.tcpPort });
      else if (e.type === 'peer-lost') this.options.onPeerLost(e.nodeId);
    }
    const deadline = this.agent.pollTimeout();
    if (deadline === null) {
      this.timer.clear();
      return;
    }
    this.armedFor = deadline;
    this.timer.set(this.options.host.toVirtualTime(deadline - SIM_EPOCH_MS));
  }

  private announce(socket: UdpSocket, datagram: Uint8Array): void {
    const cost = this.options.frameCosts.sendPerFrameMs;
    if (cost === 0) socket.broadcast(this.options.port, datagram);
    else this.options.host.cpu.run(cost, () => this.socket?.broadcast(this.options.port, datagram));
  }

  /** The host's local clock as Unix milliseconds, never going backwards (the agent requires it). */
  private now(): number {
    this.lastNow = Math.max(this.lastNow, this.options.host.now() + SIM_EPOCH_MS);
    return this.lastNow;
  }
}

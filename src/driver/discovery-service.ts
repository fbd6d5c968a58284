/**
 * Runs the sans-io DiscoveryAgent over a bound UDP socket: announcements are broadcast on the
 * discovery port every 3 s, datagrams received on it are checked by the agent, and what it learns
 * reaches the node through two callbacks. The socket, the clock (Unix-epoch milliseconds, as the
 * announcements carry it) and the timer come from the driver.
 */
import { DiscoveryAgent, type DiscoveryAgentConfig, type DiscoveryCounters } from '../core/discovery-agent.ts';
import { MachineTimer } from './machine-timer.ts';
import type { DatagramReceiver, DatagramSocket, DatagramSource, DeadlineTimerFactory } from './transport.ts';

export interface DiscoveryServiceOptions extends Omit<DiscoveryAgentConfig, 'now'> {
  /** Unix-epoch milliseconds, never going backwards. */
  now(): number;
  deadlineTimer: DeadlineTimerFactory;
  onPeer(peer: { nodeId: string; address: string; tcpPort: number }): void;
  /** A known peer announced again (every few seconds per peer). */
  onPeerRefreshed(peer: { nodeId: string; address: string; tcpPort: number }): void;
  onPeerLost(nodeId: string): void;
}

export class DiscoveryService implements DatagramReceiver {
  private readonly agent: DiscoveryAgent;
  private readonly timer: MachineTimer;
  private readonly now: () => number;
  private socket: DatagramSocket | null = null;

  constructor(private readonly options: DiscoveryServiceOptions) {
    const { now, deadlineTimer, onPeer, onPeerRefreshed, onPeerLost, ...config } = options;
    this.now = now;
    this.agent = new DiscoveryAgent({ ...config, now: now() });
    this.timer = new MachineTimer(deadlineTimer, now, (at) => {
      this.agent.handleTimeout(at);
      this.service();
    });
  }

  /** How many times the agent's replay cache emptied itself (the reference policy). */
  get replayCacheClears(): number {
    return this.agent.replayCacheClears;
  }

  /** The agent's verdict counters (accepted, rejected by reason), for evidence. */
  get counters(): DiscoveryCounters {
    return this.agent.counters;
  }

  get peerCount(): number {
    return this.agent.peerCount;
  }

  /** Starts announcing on `socket` (bound to the discovery port) and listening to it. */
  start(socket: DatagramSocket): void {
    this.socket = socket;
    socket.listen(this);
    this.service();
  }

  stop(): void {
    this.timer.clear();
    this.socket?.close();
    this.socket = null;
  }

  /** A datagram on the discovery port (from the socket). */
  receive(bytes: Uint8Array, from: DatagramSource): void {
    if (this.socket === null) return;
    this.agent.receive(bytes, from, this.now());
    this.service();
  }

  private service(): void {
    const socket = this.socket;
    if (socket === null) return;
    const datagrams = this.agent.pollTransmit();
    if (datagrams !== null) for (const datagram of datagrams) socket.broadcast(datagram);
    // Each event is a fresh object the agent keeps no hold of, so it goes to the node as it is (no copy per datagram).
    for (let e = this.agent.pollEvent(); e !== null; e = this.agent.pollEvent()) {
      if (e.type === 'peer-discovered') this.options.onPeer(e);
      else if (e.type === 'peer-refreshed') this.options.onPeerRefreshed(e);
      else if (e.type === 'peer-lost') this.options.onPeerLost(e.nodeId);
    }
    this.timer.arm(this.agent.pollTimeout());
  }
}

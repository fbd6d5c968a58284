/**
 * Runs the sans-io DiscoveryAgent over a UDP socket: announcements go to the broadcast address
 * every 3 s, datagrams received on the discovery port are checked by the agent, and what it
 * learns reaches the node through two callbacks.
 */
import dgram from 'node:dgram';
import type { CryptoBackend } from '../crypto/backend.ts';
import { DiscoveryAgent } from '../core/discovery-agent.ts';
import type { AsocProfile } from '../core/profile.ts';
import { DEFAULT_DISCOVERY_PORT } from '../wire/discovery.ts';
import { monotonicNow, systemRandom } from './system.ts';

export interface DiscoverySettings {
  /** UDP port every node of the cluster listens on (default 9999). */
  port: number;
  /** Where announcements are sent: 127.255.255.255 reaches this machine only; a LAN needs its own. */
  broadcastAddress: string;
  /** Address the UDP socket binds (default 0.0.0.0, which receives broadcasts). */
  bindAddress: string;
}

export const DEFAULT_DISCOVERY: DiscoverySettings = { port: DEFAULT_DISCOVERY_PORT, broadcastAddress: '127.255.255.255', bindAddress: '0.0.0.0' };

export interface DiscoveryServiceOptions {
  settings: Partial<DiscoverySettings>;
  profile: AsocProfile;
  nodeId: Uint8Array;
  tcpPort: number;
  community: string;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  onPeer(peer: { nodeId: string; address: string; tcpPort: number }): void;
  onPeerLost(nodeId: string): void;
}

export class DiscoveryService {
  readonly settings: DiscoverySettings;
  private readonly agent: DiscoveryAgent;
  private socket: dgram.Socket | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: DiscoveryServiceOptions) {
    this.settings = { ...DEFAULT_DISCOVERY, ...options.settings };
    this.agent = new DiscoveryAgent({
      profile: options.profile,
      nodeId: options.nodeId,
      tcpPort: options.tcpPort,
      community: options.community,
      apiKey: options.apiKey,
      crypto: options.crypto,
      random: systemRandom,
      now: monotonicNow(),
    });
  }

  /** The agent's verdict counters (accepted, rejected by reason), for evidence. */
  get counters() {
    return this.agent.counters;
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      this.agent.receive(msg, { address: rinfo.address, port: rinfo.port }, monotonicNow());
      this.service();
    });
    socket.on('error', () => {}); // a failed send (no route) must not kill the node; the next interval retries
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.settings.port, this.settings.bindAddress, () => {
        socket.off('error', reject);
        socket.setBroadcast(true);
        resolve();
      });
    });
    this.service();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private service(): void {
    const socket = this.socket;
    if (!socket) return;
    for (const datagram of this.agent.pollTransmit() ?? []) socket.send(datagram, this.settings.port, this.settings.broadcastAddress);
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      if (e.type === 'peer-discovered') this.options.onPeer({ nodeId: e.nodeId, address: e.address, tcpPort: e.tcpPort });
      else if (e.type === 'peer-lost') this.options.onPeerLost(e.nodeId);
    }
    if (this.timer) clearTimeout(this.timer);
    const deadline = this.agent.pollTimeout();
    if (deadline === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.agent.handleTimeout(monotonicNow());
      this.service();
    }, Math.max(0, deadline - monotonicNow()));
    this.timer.unref();
  }
}

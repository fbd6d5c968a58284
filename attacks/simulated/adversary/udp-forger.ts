/**
 * An attacker on a broadcast domain's discovery port: it records the announcements it hears (every
 * node broadcasts them, so no tap is needed) and sends datagrams of its choosing — replays of what
 * it recorded, announcements signed by an insider, or announcements with a broken signature — from
 * its own address. The source address of a discovery datagram is not signed, so a replay from the
 * attacker's address is exactly what a LAN attacker can do.
 */
import { DiscoveryAgent } from '../../../src/core/discovery-agent.ts';
import type { AsocProfile } from '../../../src/core/profile.ts';
import type { RandomSource } from '../../../src/core/random.ts';
import { nodeBackend } from '../../../src/crypto/backend.ts';
import { DEFAULT_DISCOVERY_PORT, DEFAULT_TCP_PORT, decodeDiscovery, DISCOVERY_SIZE, type DiscoveryMessage } from '../../../src/wire/discovery.ts';
import type { Host } from '../../../sim/host.ts';
import type { UdpSocket } from '../../../sim/udp.ts';

export interface CapturedDatagram {
  bytes: Uint8Array;
  /** Decoded fields (node id, timestamp, challenge …). */
  message: DiscoveryMessage;
  fromAddress: string;
  at: number;
}

export class UdpForger {
  /** Announcements heard, oldest first (at most `maxCaptured`; later ones are counted, not kept). */
  readonly captured: CapturedDatagram[] = [];
  sent = 0;
  heard = 0;
  private readonly socket: UdpSocket;

  constructor(
    readonly host: Host,
    readonly port = DEFAULT_DISCOVERY_PORT,
    /** Which announcements to keep (default all). */
    private readonly keep: (message: DiscoveryMessage) => boolean = () => true,
    private readonly maxCaptured = 100_000,
  ) {
    this.socket = host.udp.bind(port);
    this.socket.onMessage = (datagram) => {
      if (datagram.bytes.length !== DISCOVERY_SIZE) return;
      this.heard++;
      const message = decodeDiscovery(datagram.bytes);
      if (this.captured.length < this.maxCaptured && this.keep(message)) {
        this.captured.push({ bytes: datagram.bytes, message, fromAddress: datagram.fromAddress, at: host.scheduler.now });
      }
    };
  }

  send(address: string, bytes: Uint8Array, port = this.port): void {
    this.sent++;
    this.socket.send(address, port, bytes);
  }
}

export interface InsiderAnnouncement {
  profile: AsocProfile;
  community: string;
  apiKey: Uint8Array;
  nodeId: Uint8Array;
  random: RandomSource;
  /** Unix-epoch milliseconds the announcement is dated. */
  nowEpochMs: number;
  tcpPort?: number;
}

/**
 * A correctly signed announcement, made by the real DiscoveryAgent of `profile` (its first
 * announcement), so it is what a node holding the key would send, whatever the profile's format.
 */
export function signedAnnouncement(a: InsiderAnnouncement): Uint8Array {
  const agent = new DiscoveryAgent({
    profile: a.profile,
    nodeId: a.nodeId,
    tcpPort: a.tcpPort ?? DEFAULT_TCP_PORT,
    community: a.community,
    apiKey: a.apiKey,
    crypto: nodeBackend,
    random: a.random,
    now: a.nowEpochMs,
  });
  return agent.pollTransmit()![0]!;
}

/** The same datagram with its signature's last bit flipped: it fails the HMAC check. */
export function withBrokenSignature(datagram: Uint8Array): Uint8Array {
  const out = datagram.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
}

/**
 * UDP discovery (RFC-0001 §4) as a sans-io machine: it announces this node every interval and keeps
 * a table of the peers it hears, dropping those silent for too long. It never touches a socket or a
 * clock. Unlike a connection's, this machine's `now` is Unix-epoch milliseconds, because the
 * announcements carry it (in seconds) and receivers compare it with their own.
 *
 * A received datagram goes through the reference's checks in the reference's order, then the RFC's:
 *   length → community hash → signature → own node id → replay cache (profile.discoveryReplay)
 *   → per-node rate limit (profile.discoveryMinIntervalMs) → peer table bound.
 * A peer is reached at the address the datagram came from and the TCP port it announces, as in the
 * reference; that address is not covered by the signature.
 */
import type { CryptoBackend } from '../crypto/backend.ts';
import { communityHash } from '../crypto/mac.ts';
import { ReplayCache } from '../crypto/replay-cache.ts';
import { bytesToHex } from '../wire/bytes.ts';
import { DISCOVERY_SIZE, decodeDiscovery } from '../wire/discovery.ts';
import type { ConnectionMachine } from './connection-machine.ts';
import { DiscoveryPeerTable, type PeerRecord } from './discovery-peer-table.ts';
import { HANDSHAKES, type HandshakeRegistry } from './handshake-registry.ts';
import type { AsocProfile } from './profile.ts';
import type { RandomSource } from './random.ts';
import { checkDiscovery, signDiscovery, type V1Keys } from './v1-auth.ts';

export interface DiscoveryAgentConfig {
  profile: AsocProfile;
  /** Where the profile's security kind is looked up (default: the lab's kinds, HANDSHAKES). */
  handshakes?: HandshakeRegistry;
  nodeId: Uint8Array;
  /** The TCP port this node accepts connections on, announced to the others. */
  tcpPort: number;
  community: string;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  random: RandomSource;
  /** Unix-epoch milliseconds; the first announcement is made at this time. */
  now: number;
  /** Time between announcements (RFC-0001 §4: 3 s). */
  intervalMs?: number;
  /** A peer not heard from for this long is dropped (RFC-0001 §4: 15 s). */
  staleAfterMs?: number;
  /** Most peers remembered at once; a new peer beyond it is rejected, so a storm cannot grow memory. */
  maxPeers?: number;
}

export const DISCOVERY_DEFAULTS = { intervalMs: 3_000, staleAfterMs: 15_000, maxPeers: 10_000 } as const;

export interface DatagramSource {
  address: string;
  port: number;
}

export interface DiscoveredPeer {
  /** The 16-byte node id, lower-case hex. */
  nodeId: string;
  /** Where the datagram came from (not the announced address: v1 announces none). */
  address: string;
  tcpPort: number;
}

export type DiscoveryRejection =
  | 'bad-length' // not 50 bytes
  | 'other-community' // community hash differs (another cluster, or garbage)
  | 'bad-signature' // HMAC does not verify: no API key, or the message was modified
  | 'own' // our own announcement, looped back by the broadcast
  | 'replay' // challenge seen before
  | 'stale' // timestamp older than the profile's window (asoc-v1 only)
  | 'future' // timestamp as far ahead of us as `stale` is behind (asoc-v1 only)
  | 'replay-cache-full' // the bounded replay cache is full of live entries
  | 'rate-limited' // the same node was accepted less than discoveryMinIntervalMs ago
  | 'peer-table-full'; // a new peer while maxPeers are known

export type DiscoveryEvent =
  | ({ type: 'peer-discovered' } & DiscoveredPeer)
  /** A known peer announced again; its address and port are the latest ones. */
  | ({ type: 'peer-refreshed' } & DiscoveredPeer)
  /** Not heard from for staleAfterMs. */
  | ({ type: 'peer-lost' } & DiscoveredPeer)
  | { type: 'message-rejected'; reason: DiscoveryRejection; from: DatagramSource };

/** Every verdict the agent reached, for evidence. received = discovered + refreshed + Σ rejected. */
export interface DiscoveryCounters {
  /** Announcements handed to the driver by pollTransmit. */
  announced: number;
  received: number;
  discovered: number;
  refreshed: number;
  lost: number;
  rejected: Record<DiscoveryRejection, number>;
}

/**
 * The ConnectionMachine shape (connection-machine.ts) for a datagram socket: `receive` also takes the sender, whose
 * address becomes the peer's, and each element `pollTransmit` returns is one whole datagram.
 */
export interface DatagramMachine<Event> extends Omit<ConnectionMachine<Event>, 'receive'> {
  receive(datagram: Uint8Array, from: DatagramSource, now: number): void;
}

export class DiscoveryAgent implements DatagramMachine<DiscoveryEvent> {
  readonly intervalMs: number;
  readonly staleAfterMs: number;
  readonly maxPeers: number;
  readonly counters: DiscoveryCounters = {
    announced: 0,
    received: 0,
    discovered: 0,
    refreshed: 0,
    lost: 0,
    rejected: {
      'bad-length': 0,
      'other-community': 0,
      'bad-signature': 0,
      own: 0,
      replay: 0,
      stale: 0,
      future: 0,
      'replay-cache-full': 0,
      'rate-limited': 0,
      'peer-table-full': 0,
    },
  };

  private readonly keys: V1Keys;
  private readonly ownNodeId: string;
  /** The community label this profile's discovery hashes (its security kind's discoveryDomain). */
  private readonly community: string;
  private readonly communityHash: Uint8Array;
  private readonly replay: ReplayCache;
  /** Ordered by last accepted message (a refresh moves a peer to the end): the stalest peer is first. */
  private readonly peerTable = new DiscoveryPeerTable();
  /** Only the newest announcement waits for the driver: an older one not yet sent is superseded. */
  private pendingAnnouncement: Uint8Array | null = null;
  private nextAnnounceAt: number;
  private readonly events: DiscoveryEvent[] = [];
  private eventHead = 0;
  private now: number;

  constructor(private readonly config: DiscoveryAgentConfig) {
    this.intervalMs = config.intervalMs ?? DISCOVERY_DEFAULTS.intervalMs;
    this.staleAfterMs = config.staleAfterMs ?? DISCOVERY_DEFAULTS.staleAfterMs;
    this.maxPeers = config.maxPeers ?? DISCOVERY_DEFAULTS.maxPeers;
    if (!(this.intervalMs > 0 && this.staleAfterMs > 0 && this.maxPeers > 0)) {
      throw new RangeError('discovery interval, stale time and maxPeers must be positive');
    }
    // Each security kind keys its discovery apart, so nodes of different kinds never take each other's announcements.
    const domain = (config.handshakes ?? HANDSHAKES).get(config.profile.security.kind).kind.discoveryDomain(config.crypto, config.apiKey, config.community);
    this.keys = domain.keys;
    this.community = domain.community;
    this.ownNodeId = bytesToHex(config.nodeId);
    this.communityHash = communityHash(config.crypto, domain.community);
    this.replay = new ReplayCache(config.profile.discoveryReplay);
    this.now = config.now;
    this.announce();
    this.nextAnnounceAt = config.now + this.intervalMs;
  }

  /** Peers currently known, stalest first. */
  peers(): DiscoveredPeer[] {
    return this.peerTable.list().map(({ nodeId, address, tcpPort }) => ({ nodeId, address, tcpPort }));
  }

  get peerCount(): number {
    return this.peerTable.size;
  }

  /** How many times the reference policy emptied its seen-set, reopening every earlier message to replay. */
  get replayCacheClears(): number {
    return this.replay.clearCount;
  }

  // ---- input -------------------------------------------------------------------------------

  /** A datagram arrived on the discovery port from `from`. Never throws on what the network sends. */
  receive(datagram: Uint8Array, from: DatagramSource, now: number): void {
    this.advanceTo(now);
    this.counters.received++;
    const rejection = this.take(datagram, from);
    if (rejection === null) return;
    this.counters.rejected[rejection]++;
    this.emit({ type: 'message-rejected', reason: rejection, from: { address: from.address, port: from.port } });
  }

  handleTimeout(now: number): void {
    this.advanceTo(now);
    if (this.now < this.nextAnnounceAt) return;
    this.announce();
    // A late driver gets one announcement, not a burst of the missed ones; the cadence keeps its phase.
    const missed = Math.floor((this.now - this.nextAnnounceAt) / this.intervalMs);
    this.nextAnnounceAt += (missed + 1) * this.intervalMs;
  }

  // ---- output ------------------------------------------------------------------------------

  /** The announcement to broadcast, as a one-element list (one element = one datagram), or null. */
  pollTransmit(): Uint8Array[] | null {
    const datagram = this.pendingAnnouncement;
    if (datagram === null) return null;
    this.pendingAnnouncement = null;
    this.counters.announced++;
    return [datagram];
  }

  pollEvent(): DiscoveryEvent | null {
    if (this.eventHead === this.events.length) {
      this.events.length = 0;
      this.eventHead = 0;
      return null;
    }
    return this.events[this.eventHead++]!;
  }

  /** The next announcement or the moment the stalest peer expires, whichever is first. */
  pollTimeout(): number | null {
    const stalest = this.peerTable.stalest();
    return stalest === null ? this.nextAnnounceAt : Math.min(this.nextAnnounceAt, this.expiryOf(stalest));
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Runs the checks in order; returns why the datagram was dropped, or null when it was taken. */
  private take(datagram: Uint8Array, from: DatagramSource): DiscoveryRejection | null {
    if (datagram.length !== DISCOVERY_SIZE) return 'bad-length';
    const msg = decodeDiscovery(datagram);
    const auth = checkDiscovery(this.keys, this.communityHash, msg);
    if (auth !== 'ok') return auth;
    const nodeId = bytesToHex(msg.nodeId);
    if (nodeId === this.ownNodeId) return 'own';
    // Recorded before the rate limit is applied: a rate-limited message is spent too, so it cannot
    // be replayed once the interval has passed (from another address, to move the peer).
    const replayKey = this.config.profile.discoveryReplayKey === 'challenge' ? msg.challenge : `${nodeId}:${msg.challenge}`;
    const freshness = this.replay.check(replayKey, this.now, msg.timestamp * 1000);
    if (freshness !== 'fresh') return freshness === 'full' ? 'replay-cache-full' : freshness;

    const known = this.peerTable.get(nodeId);
    const minInterval = this.config.profile.discoveryMinIntervalMs;
    if (known && minInterval !== null && this.now - known.lastHeardAt < minInterval) return 'rate-limited';
    if (!known && this.peerTable.size >= this.maxPeers) return 'peer-table-full';

    const type = known ? 'peer-refreshed' : 'peer-discovered';
    this.peerTable.heard(nodeId, from.address, msg.tcpPort, this.now);
    if (known) this.counters.refreshed++;
    else this.counters.discovered++;
    this.emit({ type, nodeId, address: from.address, tcpPort: msg.tcpPort });
    return null;
  }

  private announce(): void {
    this.pendingAnnouncement = signDiscovery(this.keys, {
      community: this.community,
      nodeId: this.config.nodeId,
      tcpPort: this.config.tcpPort,
      timestamp: Math.floor(this.now / 1000),
      challenge: this.config.random.u32(),
    });
  }

  /** Time only moves forward; every step forward first drops the peers that went stale. */
  private advanceTo(now: number): void {
    if (now > this.now) this.now = now;
    for (let peer = this.peerTable.stalest(); peer !== null && this.now >= this.expiryOf(peer); peer = this.peerTable.stalest()) {
      this.peerTable.delete(peer.nodeId);
      this.counters.lost++;
      this.emit({ type: 'peer-lost', nodeId: peer.nodeId, address: peer.address, tcpPort: peer.tcpPort });
    }
  }

  private expiryOf(peer: PeerRecord): number {
    return peer.lastHeardAt + this.staleAfterMs;
  }

  private emit(event: DiscoveryEvent): void {
    this.events.push(event);
  }
}

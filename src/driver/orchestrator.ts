/**
 * What an ASoc node does around its connections, for both drivers: admission of inbound
 * connections, dialing static and discovered peers (the dial rule, one dialer per peer key), the
 * peer table (one listed connection per key), and what the handshake, an auth failure and a close
 * mean for each. Callback-based and synchronous; sockets, time and the connection driver are the
 * driver's (src/net, sim/asoc), which also turns the callbacks into its public events.
 */
import { Admission, type AdmissionSettings } from '../core/admission.ts';
import { AsocConnection, type ConnectionLimits } from '../core/connection.ts';
import { shouldDialDiscovered } from '../core/dial-rule.ts';
import type { AuthFailure, CloseReason } from '../core/events.ts';
import type { AsocProfile } from '../core/profile.ts';
import type { RandomSource } from '../core/random.ts';
import type { CryptoBackend } from '../crypto/backend.ts';
import { ReplayCache } from '../crypto/replay-cache.ts';
import { HANDSHAKES, type HandshakeRegistry, type RegisteredHandshake } from '../core/handshake-registry.ts';
import { bytesToHex, hexToBytes } from '../wire/bytes.ts';
import { Dialer, type DialStep } from './dialer.ts';
import { DiscoveryService } from './discovery-service.ts';
import type { PeerDirection, PeerInfo, PeerSource } from './peer.ts';
import type { Connector, DatagramSocket, DeadlineTimerFactory, Timers } from './transport.ts';

/** What the orchestration needs of a driver's connection. */
/** A peer to dial and redial forever, optionally pinned to the node id that must answer there. */
export interface StaticPeer {
  host: string;
  port: number;
  /**
   * Lower-case hex of the id the node that must answer there is pinned by (32 digits, its node id;
   * 64 for subduction, its key); only a profile whose handshake authenticates the server's id can pin.
   */
  nodeId?: string;
}

export interface NodeConnection {
  /** Set here once the handshake completed. */
  peer: PeerInfo | null;
  readonly isOpen: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Closes gracefully: what is queued is still written, then FIN. */
  close(detail?: string): void;
}

/** What a driver's connection reports to the orchestration. */
export interface ConnectionLifecycle<Conn> {
  established(conn: Conn, peerNodeId: Uint8Array | null): void;
  authFailed(conn: Conn, reason: AuthFailure): void;
  closed(conn: Conn, reason: CloseReason, detail: string): void;
}

/** What the orchestration reports to its driver, which makes events (and evidence) of it. */
export interface NodeReports<Conn> {
  peerUp(conn: Conn & { peer: PeerInfo }): void;
  authFailed(conn: Conn, reason: AuthFailure, direction: PeerDirection): void;
  /** After the connection left the peer table; `conn.peer` is null when it never got established. */
  closed(conn: Conn, reason: CloseReason, detail: string, direction: PeerDirection): void;
  refused(address: string, reason: string): void;
  discovered(peer: { nodeId: string; address: string; port: number }): void;
  dialStep?(peerKey: string, step: DialStep): void;
}

export interface OrchestratorOptions<Socket, Conn extends NodeConnection> {
  nodeId: Uint8Array;
  /** The node's Ed25519 seed, for kinds whose peers are known by keys of their own (subduction). */
  identity?: Uint8Array;
  profile: AsocProfile;
  /** Where the profile's security kind is looked up (default: the lab's kinds, HANDSHAKES; stt over UDP brings its own). */
  handshakes?: HandshakeRegistry;
  community: string;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  limits: Partial<ConnectionLimits> | undefined;
  admission: Partial<AdmissionSettings> | undefined;
  /** The clock connections and admission run on. */
  now(): number;
  /** Unix time in ms (asoc-hardened HELLOs carry a timestamp). */
  unixNow(): number;
  /** For the connection cores. */
  random: RandomSource;
  /** For the dialers' backoff. */
  dialRandom: RandomSource;
  connectTimeoutMs: number;
  /** Most discovered peers dialed at once. */
  maxDialedPeers: number;
  connector: Connector<Socket>;
  timers: Timers;
  /** Wraps a connected socket and its core into the driver's connection, reporting to `lifecycle`. */
  drive(socket: Socket, core: AsocConnection, lifecycle: ConnectionLifecycle<Conn>): Conn;
  /** Drops an inbound socket refused before its handshake. */
  refuse(socket: Socket): void;
  reports: NodeReports<Conn>;
}

interface Outbound<Socket> {
  key: string;
  nodeId: string | null;
  source: Exclude<PeerSource, 'inbound'>;
  target: { host: string; port: number };
  dialer: Dialer<Socket>;
}

export class NodeOrchestrator<Socket, Conn extends NodeConnection> {
  readonly nodeIdHex: string;
  /** The id a client pins this node by (its node id, or its key for subduction); null where no client can pin. */
  readonly pinnedIdHex: string | null;
  /** Why the API key is weak, when the profile takes it all the same (v1); a key it refuses throws a WeakKeyError here. */
  readonly keyWarning: string | null;
  private readonly helloReplay: ReplayCache | undefined;
  readonly admission: Admission;
  private readonly connectionSet = new Set<Conn>();
  /** Inbound connections still in their handshake, oldest first, with their cores (what eviction under load looks at). */
  private readonly inboundHandshakes = new Map<Conn, AsocConnection>();
  private readonly peersByKey = new Map<string, Conn>();
  private readonly dialers = new Map<string, Dialer<Socket>>();
  /** Discovered peers given up, by node id: the address that failed (bounded by the discovery table). */
  private readonly givenUp = new Map<string, string>();
  /** Keys of the dialers started for discovered peers (for maxDialedPeers). */
  private readonly discoveredDials = new Set<string>();
  private discoveryService: DiscoveryService | null = null;
  private runningValue = false;

  constructor(private readonly options: OrchestratorOptions<Socket, Conn>) {
    this.nodeIdHex = bytesToHex(options.nodeId);
    const kind = this.registered.kind;
    this.pinnedIdHex = kind.checksServerId ? bytesToHex(kind.pinnedId?.(options.crypto, options.nodeId, options.identity) ?? options.nodeId) : null;
    this.keyWarning = kind.checkKey?.(options.apiKey).warning ?? null;
    this.helloReplay = options.profile.helloReplay ? new ReplayCache(options.profile.helloReplay) : undefined;
    this.admission = new Admission({ ...options.profile.admission, ...options.admission });
  }

  get running(): boolean {
    return this.runningValue;
  }

  /** Connections open now, established or still in their handshake. */
  get connections(): ReadonlySet<Conn> {
    return this.connectionSet;
  }

  /** The discovery service of the last start (its counters stay readable once stopped), if any. */
  get discovery(): DiscoveryService | null {
    return this.discoveryService;
  }

  /** Peers with an established connection (one entry per key; the first connection wins). */
  peers(): PeerInfo[] {
    return [...this.peersByKey.values()].map((conn) => conn.peer!);
  }

  peerKeys(): string[] {
    return [...this.peersByKey.keys()];
  }

  connectionTo(peerKey: string): Conn | undefined {
    return this.peersByKey.get(peerKey);
  }

  /** Hex digits of a pinned id for this profile: those of this node's own (32 where no client can pin). */
  private get pinnedIdDigits(): number {
    return this.pinnedIdHex?.length ?? 32;
  }

  /** Why dialed peers are not connected ("key: last error"), for error messages. */
  dialFailures(): string[] {
    return [...this.dialers].filter(([, d]) => d.lastError).map(([key, d]) => `${key}: ${d.lastError}`);
  }

  /**
   * Throws when a static peer is pinned to a node id (16 bytes, 32 hex digits) and the profile's
   * handshake cannot check which node answers. Drivers call it before they listen.
   */
  checkStaticPeers(staticPeers: readonly StaticPeer[]): void {
    for (const peer of staticPeers) {
      if (peer.nodeId === undefined) continue;
      const digits = this.pinnedIdDigits;
      if (!new RegExp(`^[0-9a-f]{${digits}}$`).test(peer.nodeId)) throw new TypeError(`static peer ${peer.host}:${peer.port}: node id "${peer.nodeId}" is not ${digits} lower-case hex digits (profile ${this.options.profile.name} pins a peer by ${digits / 2} bytes)`);
      if (!this.registered.kind.checksServerId) {
        throw new TypeError(`static peer ${peer.nodeId}@${peer.host}:${peer.port}: profile ${this.options.profile.name} cannot pin a peer to a node id (its handshake never checks which node answered); pin peers with asoc-hardened, stt or subduction, or give host:port alone`);
      }
    }
  }

  /** The listener is up: dial the static peers (a pinned one is keyed by its node id, as a discovered peer). */
  start(staticPeers: readonly StaticPeer[]): void {
    this.checkStaticPeers(staticPeers);
    this.runningValue = true;
    for (const { nodeId, ...target } of staticPeers) this.dial(target, 'static', nodeId ?? null);
  }

  /** Announces this node's `tcpPort` on `socket` (bound to the discovery port) and dials what it hears. */
  startDiscovery(socket: DatagramSocket, driver: { tcpPort: number; random: RandomSource; now(): number; deadlineTimer: DeadlineTimerFactory }): void {
    const { profile, handshakes, nodeId, community, apiKey, crypto } = this.options;
    this.discoveryService = new DiscoveryService({
      profile,
      handshakes,
      nodeId,
      community,
      apiKey,
      crypto,
      ...driver,
      onPeer: (peer) => this.onDiscovered(peer),
      onPeerRefreshed: (peer) => this.onRefreshed(peer),
      onPeerLost: (nodeId) => this.onDiscoveryLost(nodeId),
    });
    this.discoveryService.start(socket);
  }

  /** Stops dialing and discovery; the driver then closes the listener and the connections. */
  stop(): void {
    this.runningValue = false;
    for (const dialer of this.dialers.values()) dialer.stop();
    this.dialers.clear();
    this.discoveredDials.clear();
    this.discoveryService?.stop();
  }

  /** Forgets every connection (the driver destroyed them). */
  forgetConnections(): void {
    this.connectionSet.clear();
    this.inboundHandshakes.clear();
    this.peersByKey.clear();
  }

  accept(socket: Socket, address: string): void {
    const verdict = this.runningValue ? this.admission.tryAdmit(address, this.options.now(), () => this.evictSilent()) : 'stopping';
    if (verdict !== 'ok') {
      this.options.refuse(socket);
      this.options.reports.refused(address, verdict);
      return;
    }
    const core = this.newCore('server');
    const conn = this.options.drive(socket, core, this.lifecycle(core, null));
    this.connectionSet.add(conn);
    if (conn.isOpen && conn.peer === null) this.inboundHandshakes.set(conn, core);
  }

  /** Closes the oldest inbound connection in its handshake whose peer has shown nothing of the key (its close releases its slot); false when there is none. */
  private evictSilent(): boolean {
    for (const [conn, core] of this.inboundHandshakes) {
      if (core.peerEvidence !== 'nothing') continue;
      conn.close('evicted under load: its slot went to a newcomer, as it had sent no valid HELLO');
      return true;
    }
    return false;
  }

  private dial(target: { host: string; port: number }, source: Outbound<Socket>['source'], nodeId: string | null): void {
    const key = nodeId ?? `${target.host}:${target.port}`;
    if (this.dialers.has(key)) return;
    const { dialStep } = this.options.reports;
    const dialer: Dialer<Socket> = new Dialer({
      target,
      forever: source === 'static',
      random: this.options.dialRandom,
      connectTimeoutMs: this.options.connectTimeoutMs,
      connector: this.options.connector,
      timers: this.options.timers,
      connect: (socket) => {
        const core = this.newCore('client', nodeId);
        this.connectionSet.add(this.options.drive(socket, core, this.lifecycle(core, { key, nodeId, source, target, dialer })));
      },
      onGiveUp: () => {
        this.forgetDialer(key);
        if (source === 'discovered') this.givenUp.set(key, `${target.host}:${target.port}`);
      },
      log: dialStep && ((step) => dialStep(key, step)),
    });
    this.dialers.set(key, dialer);
    if (source === 'discovered') this.discoveredDials.add(key);
    dialer.start();
  }

  private forgetDialer(key: string): void {
    this.dialers.delete(key);
    this.discoveredDials.delete(key);
  }

  /** `expectedPeer`: the node id a client dials, when known (a discovered or pinned peer). */
  private newCore(role: 'client' | 'server', expectedPeer: string | null = null): AsocConnection {
    const { profile, nodeId, identity, apiKey, crypto, random, limits } = this.options;
    return new AsocConnection({
      role,
      profile,
      nodeId,
      identity,
      apiKey,
      crypto,
      random,
      now: this.options.now(),
      unixOffsetMs: this.options.unixNow() - this.options.now(),
      helloReplay: role === 'server' ? this.helloReplay : undefined,
      // A discovered or pinned peer is known here by an id, which only a kind that checks the server's
      // id can use, and only in the form it pins by: subduction knows peers by their keys, so a
      // discovered peer's node id means nothing to it (its client then asks for the service).
      expectedPeer: expectedPeer !== null && this.registered.kind.checksServerId && expectedPeer.length === this.pinnedIdDigits ? hexToBytes(expectedPeer) : undefined,
      limits: limits ?? {},
      handshakes: this.options.handshakes,
    });
  }

  /** The profile's security kind. */
  private get registered(): RegisteredHandshake {
    return (this.options.handshakes ?? HANDSHAKES).get(this.options.profile.security.kind);
  }

  private lifecycle(core: AsocConnection, outbound: Outbound<Socket> | null): ConnectionLifecycle<Conn> {
    const reports = this.options.reports;
    return {
      established: (conn, peerNodeId) => {
        this.inboundHandshakes.delete(conn);
        // An outbound peer's id is the one dialled, else the one the handshake authenticated (asoc-hardened), else unknown (v1).
        const nodeId = outbound ? (outbound.nodeId ?? (peerNodeId && bytesToHex(peerNodeId))) : bytesToHex(peerNodeId!);
        const peer: PeerInfo = outbound
          ? { key: outbound.key, nodeId, address: outbound.target.host, port: outbound.target.port, direction: 'outbound', source: outbound.source }
          : { key: nodeId!, nodeId, address: conn.remoteAddress, port: conn.remotePort, direction: 'inbound', source: 'inbound' };
        conn.peer = peer;
        if (outbound) {
          outbound.dialer.connected();
          this.admission.knownPeer(conn.remoteAddress);
        } else {
          this.admission.established(conn.remoteAddress);
        }
        if (!this.peersByKey.has(peer.key)) this.peersByKey.set(peer.key, conn);
        reports.peerUp(conn as Conn & { peer: PeerInfo });
      },
      authFailed: (conn, reason) => reports.authFailed(conn, reason, outbound ? 'outbound' : 'inbound'),
      closed: (conn, reason, detail) => {
        this.connectionSet.delete(conn);
        this.inboundHandshakes.delete(conn);
        if (!outbound) this.admission.release(conn.remoteAddress, conn.peer !== null);
        // A failed handshake (and, by the profile's charges, holding a slot without authenticating:
        // no HELLO in time, or garbage instead) counts toward the address's lockout.
        if (!outbound && conn.peer === null && this.admission.charges(reason, core.peerEvidence)) this.admission.recordAuthFailure(conn.remoteAddress, this.options.now());
        if (conn.peer && this.peersByKey.get(conn.peer.key) === conn) this.promoteOrForget(conn.peer.key);
        reports.closed(conn, reason, detail, outbound ? 'outbound' : 'inbound');
        if (this.runningValue) outbound?.dialer.disconnected(conn.peer !== null, `${reason}: ${detail}`);
      },
    };
  }

  /** A peer's listed connection closed: list another open one to the same peer (two nodes may dial each other), if any. */
  private promoteOrForget(key: string): void {
    const other = [...this.connectionSet].find((c) => c.isOpen && c.peer?.key === key);
    if (other) this.peersByKey.set(key, other);
    else this.peersByKey.delete(key);
  }

  private onDiscovered(peer: { nodeId: string; address: string; tcpPort: number }): void {
    this.options.reports.discovered({ nodeId: peer.nodeId, address: peer.address, port: peer.tcpPort });
    this.dialIfWanted(peer);
  }

  /** A peer given up after 3 failed dials stays given up at that address; announced from another one, it is dialed again. */
  private onRefreshed(peer: { nodeId: string; address: string; tcpPort: number }): void {
    const failedAt = this.givenUp.get(peer.nodeId);
    if (failedAt === undefined || failedAt === `${peer.address}:${peer.tcpPort}`) return;
    this.givenUp.delete(peer.nodeId);
    this.dialIfWanted(peer);
  }

  /** Dials a discovered peer unless the other side dials, it is connected, it is being dialed, or enough are. */
  private dialIfWanted(peer: { nodeId: string; address: string; tcpPort: number }): void {
    if (!shouldDialDiscovered(this.nodeIdHex, peer.nodeId) || this.peersByKey.has(peer.nodeId)) return;
    if (this.discoveredDials.size >= this.options.maxDialedPeers) return;
    this.dial({ host: peer.address, port: peer.tcpPort }, 'discovered', peer.nodeId);
  }

  private onDiscoveryLost(nodeId: string): void {
    this.givenUp.delete(nodeId);
    const dialer = this.dialers.get(nodeId);
    // A static peer pinned to this id is dialed forever, heard or not.
    if (dialer && this.discoveredDials.has(nodeId) && !this.peersByKey.has(nodeId)) {
      dialer.stop();
      this.forgetDialer(nodeId);
    }
  }
}

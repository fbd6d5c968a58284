/**
 * Two sans-io connections wired back to back with no network between them (h11's ConnectionPair):
 * the cheapest harness for testing the core. Bytes move only when `pump` is called.
 */
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { nodeBackend, type CryptoBackend } from '../../src/crypto/backend.ts';
import { AsocConnection, type ConnectionLimits } from '../../src/core/connection.ts';
import type { ConnectionEvent } from '../../src/core/events.ts';
import { ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';
import { pumpUntilIdle } from '../../src/core/memory-pair.ts';
import { seededRandom } from './random.ts';
import { fixedKey } from '../../sim/asoc/cluster.ts';

export const CLIENT_ID = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
export const SERVER_ID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
/** 32 bytes that look random (asoc-hardened takes nothing weaker), fixed so tests repeat. */
export const KEY = fixedKey('test-secret-key');
/** Ed25519 seeds, for kinds whose peers are known by keys of their own (subduction). */
export const CLIENT_IDENTITY = Uint8Array.from({ length: 32 }, (_, i) => 0x11 + i);
export const SERVER_IDENTITY = Uint8Array.from({ length: 32 }, (_, i) => 0x91 + i);

export interface PairOptions {
  profile?: AsocProfile;
  /** Override `profile` for one side (version and suite mismatches). */
  clientProfile?: AsocProfile;
  serverProfile?: AsocProfile;
  clientId?: Uint8Array;
  /** How far the server's Unix clock is ahead of the client's (asoc-hardened freshness). */
  serverClockAheadMs?: number;
  /** Where the client's Unix clock is at `now` = 0 (default 0: the epoch). */
  clientClockAheadMs?: number;
  crypto?: CryptoBackend;
  /** Override `crypto` for one side (backends must interoperate). */
  clientCrypto?: CryptoBackend;
  serverCrypto?: CryptoBackend;
  clientKey?: Uint8Array;
  serverId?: Uint8Array;
  serverKey?: Uint8Array;
  limits?: Partial<ConnectionLimits>;
  helloReplay?: ReplayCache;
  seed?: string;
  clientIdentity?: Uint8Array;
  serverIdentity?: Uint8Array;
  /** Whom the client means to reach: the node id it dials (asoc-hardened names it under HELLO's MAC and checks ACCEPT against it), or the peer's key (subduction: Audience::Known). */
  expectedPeer?: Uint8Array;
}

export class ConnectionPair {
  readonly client: AsocConnection;
  readonly server: AsocConnection;
  readonly clientEvents: ConnectionEvent[] = [];
  readonly serverEvents: ConnectionEvent[] = [];
  /** Every byte each side put on the wire, in order. */
  readonly clientWire: Uint8Array[] = [];
  readonly serverWire: Uint8Array[] = [];
  now = 0;

  constructor(options: PairOptions = {}) {
    const clientProfile = options.clientProfile ?? options.profile ?? ASOC_V1;
    const serverProfile = options.serverProfile ?? options.profile ?? ASOC_V1;
    const random = seededRandom(options.seed ?? 'pair');
    const common = { random, now: this.now, limits: options.limits ?? {} };
    this.client = new AsocConnection({
      ...common,
      crypto: options.clientCrypto ?? options.crypto ?? nodeBackend,
      profile: clientProfile,
      role: 'client',
      nodeId: options.clientId ?? CLIENT_ID,
      apiKey: options.clientKey ?? KEY,
      identity: options.clientIdentity ?? CLIENT_IDENTITY,
      expectedPeer: options.expectedPeer,
      unixOffsetMs: options.clientClockAheadMs ?? 0,
    });
    const helloReplay = options.helloReplay ?? (serverProfile.helloReplay ? new ReplayCache(serverProfile.helloReplay) : undefined);
    this.server = new AsocConnection({
      ...common,
      crypto: options.serverCrypto ?? options.crypto ?? nodeBackend,
      profile: serverProfile,
      role: 'server',
      nodeId: options.serverId ?? SERVER_ID,
      apiKey: options.serverKey ?? KEY,
      identity: options.serverIdentity ?? SERVER_IDENTITY,
      helloReplay,
      unixOffsetMs: options.serverClockAheadMs ?? 0,
    });
  }

  /** Moves bytes both ways until neither side has anything to send; collects events. */
  pump(): void {
    pumpUntilIdle(this.client, this.server, this.now, (from, bytes) => (from === 'client' ? this.clientWire : this.serverWire).push(bytes));
    drain(this.client, this.clientEvents);
    drain(this.server, this.serverEvents);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const side of [this.client, this.server]) {
      const deadline = side.pollTimeout();
      if (deadline !== null && deadline <= this.now) side.handleTimeout(this.now);
    }
    this.pump();
  }

  handshake(): void {
    this.pump();
  }
}

export function drain(conn: AsocConnection, into: ConnectionEvent[]): void {
  for (let e = conn.pollEvent(); e; e = conn.pollEvent()) into.push(e);
}

export function eventsOf<T extends ConnectionEvent['type']>(events: ConnectionEvent[], type: T): Extract<ConnectionEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ConnectionEvent, { type: T }> => e.type === type);
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(chunks));
}

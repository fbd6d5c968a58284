/**
 * The per-node limits of RFC-0001 §10.4 that the driver consults before it runs an inbound
 * connection: at most `maxConnections` at once, and an address with `maxAuthFailures` failed
 * handshakes within `failureWindowMs` (a sliding window) refused for `lockoutMs`. Which failed
 * handshakes count is the profile's `charges`: by close reason, and by what the peer had shown of
 * the key when it failed. A profile may keep `reservedForKnownPeers` slots for addresses that have
 * completed a handshake before, so that unknown addresses cannot hold every slot, never lock such
 * an address out (whatever fails on its connections, an attacker on its path can cause), and count
 * an IPv6 /64 as one address (one host's addresses are a /64). Sans-io: time is an argument, in the
 * driver's milliseconds.
 *
 * Only failed authentications create per-address state, and at most `maxTrackedAddresses` addresses
 * are tracked, least recently active forgotten first, so a flood of addresses cannot grow memory.
 * The price: an attacker who fails from more addresses than that can push an address out before it
 * is locked out. A locked-out address that keeps knocking stays recent, so it is evicted last.
 */
import type { CloseReason } from './events.ts';

/**
 * What an inbound peer had shown of the key when its handshake ended: `nothing` (no message of its
 * verified), a `mac` (a message of its verified, but a recorded message verifies just as well), or
 * the `key` (a sealed message verified, which only a holder of the key can make for this session).
 */
export type PeerEvidence = 'nothing' | 'mac' | 'key';

/** The closes before a handshake completed that count toward an address's lockout, by what its peer had shown; no other close counts. */
export type LockoutCharges = Readonly<Record<PeerEvidence, readonly CloseReason[]>>;

/** A close that holds a slot without authenticating, or fails authentication, whatever the peer had shown (asoc-v1). */
const EVERY_FAILED_HANDSHAKE: readonly CloseReason[] = [
  'auth-failed',
  'replay',
  'stale',
  'reflection',
  'downgrade',
  'handshake-timeout',
  'expected-hello',
  'expected-finish',
  'bad-length',
  'bad-version',
  'version-mismatch',
  'frame-too-large',
  'integrity-failed',
];

/**
 * Every failed handshake counts, even one whose failure another could have caused (a replay of its
 * HELLO sent first, a frame altered on the path). A full replay cache is the node's own limit, not
 * the peer's fault, and is never charged.
 */
export const CHARGE_EVERY_FAILURE: LockoutCharges = { nothing: EVERY_FAILED_HANDSHAKE, mac: EVERY_FAILED_HANDSHAKE, key: EVERY_FAILED_HANDSHAKE };

/**
 * Only failures that are the peer's own count: those of a peer that showed nothing of the key (a
 * wrong MAC, garbage or silence where a HELLO belongs) and of a peer that proved the key and then
 * failed. A failure after a MAC verified but before the key was proved is not charged: a copy of
 * another's HELLO (sent first, or late) or a frame altered on the path causes it (asoc-hardened).
 */
export const CHARGE_OWN_FAILURES: LockoutCharges = {
  nothing: ['auth-failed', 'handshake-timeout', 'expected-hello', 'bad-length', 'bad-stream-id', 'bad-seq', 'bad-version', 'version-mismatch', 'frame-too-large'],
  mac: [],
  key: ['replay'],
};

/** Nothing counts: no address is ever locked out (the Python reference keeps no failure count). */
export const CHARGE_NOTHING: LockoutCharges = { nothing: [], mac: [], key: [] };

export interface AdmissionSettings {
  /** Inbound connections open at once (RFC-0001 §10.4: 100). */
  maxConnections: number;
  /** Failed authentications from one address that trigger a lockout (§10.4: 5). */
  maxAuthFailures: number;
  /** Failures older than this no longer count. */
  failureWindowMs: number;
  /** How long a locked-out address is refused. */
  lockoutMs: number;
  /** Addresses with failures or a lockout remembered at once. */
  maxTrackedAddresses: number;
  /**
   * Connections from one address still in their handshake at once (asoc-hardened: 8; v1 has no such
   * limit, so one address can hold every slot until the handshake timeout).
   */
  maxHandshakingPerAddress: number;
  /** Which failed handshakes count toward the lockout. */
  charges: LockoutCharges;
  /** Slots only an address that has completed a handshake before may take (0: none kept). */
  reservedForKnownPeers: number;
  /** Addresses remembered as known peers, least recently established forgotten first. */
  maxKnownPeers: number;
  /**
   * Charge no failure to a known peer's address: every failure its handshake can show (a wrong MAC,
   * a bad header, silence) an attacker on its path can cause by flipping or dropping a byte, and a
   * lockout would keep it, and everyone behind its address, out long after the attacker stopped.
   */
  spareKnownPeers: boolean;
  /**
   * When a newcomer finds no slot open to it, close the oldest inbound connection still in its
   * handshake that has shown nothing of the key, and give its slot to the newcomer: under load a
   * slot goes to a peer that speaks, so silent connections cannot starve one that has the key.
   */
  evictSilentUnderLoad: boolean;
  /** Count every IPv6 address of a /64 as one address, for every per-address limit. */
  groupIpv6By64: boolean;
}

export const DEFAULT_ADMISSION: AdmissionSettings = {
  maxConnections: 100,
  maxAuthFailures: 5,
  failureWindowMs: 60_000,
  lockoutMs: 5 * 60_000,
  maxTrackedAddresses: 10_000,
  maxHandshakingPerAddress: Infinity,
  charges: CHARGE_EVERY_FAILURE,
  reservedForKnownPeers: 0,
  maxKnownPeers: 10_000,
  spareKnownPeers: false,
  evictSilentUnderLoad: false,
  groupIpv6By64: false,
};

export type AdmissionVerdict = 'ok' | 'too-many-connections' | 'locked-out' | 'too-many-handshakes';

export interface AdmissionCounters {
  admitted: number;
  refused: Record<Exclude<AdmissionVerdict, 'ok'>, number>;
  authFailures: number;
  /** Failures not charged because the address was a known peer's (spareKnownPeers). */
  sparedKnownPeerFailures: number;
  /** Silent connections closed to give their slot to a newcomer (evictSilentUnderLoad). */
  silentEvicted: number;
  lockouts: number;
  /** Tracked addresses forgotten to stay within maxTrackedAddresses. */
  evictions: number;
}

interface AddressRecord {
  /** Times of the failures still inside the window, oldest first (never more than maxAuthFailures). */
  failures: number[];
  lockedUntil: number | null;
}

export class Admission {
  readonly settings: AdmissionSettings;
  readonly counters: AdmissionCounters = {
    admitted: 0,
    refused: { 'too-many-connections': 0, 'locked-out': 0, 'too-many-handshakes': 0 },
    authFailures: 0,
    sparedKnownPeerFailures: 0,
    silentEvicted: 0,
    lockouts: 0,
    evictions: 0,
  };
  private open = 0;
  private peak = 0;
  /** Admitted connections not yet established, per address (at most maxConnections entries). */
  private readonly handshaking = new Map<string, number>();
  /** Least recently active first: any use moves an address to the end. */
  private readonly records = new Map<string, AddressRecord>();
  /** Addresses that completed a handshake, least recently first. */
  private readonly known = new Set<string>();

  constructor(settings: Partial<AdmissionSettings> = {}) {
    this.settings = { ...DEFAULT_ADMISSION, ...settings };
    const s = this.settings;
    if (!(s.maxConnections > 0 && s.maxAuthFailures > 0 && s.failureWindowMs > 0 && s.lockoutMs > 0 && s.maxTrackedAddresses > 0 && s.maxHandshakingPerAddress > 0 && s.maxKnownPeers > 0)) {
      throw new RangeError('admission settings must all be positive');
    }
    if (!(s.reservedForKnownPeers >= 0 && s.reservedForKnownPeers < s.maxConnections)) throw new RangeError('reservedForKnownPeers must be at least 0 and below maxConnections');
  }

  get openConnections(): number {
    return this.open;
  }

  /** The most connections admitted and open at once so far (a high-water mark: no peak is missed between samples). */
  get peakOpen(): number {
    return this.peak;
  }

  get trackedAddresses(): number {
    return this.records.size;
  }

  get knownPeers(): number {
    return this.known.size;
  }

  /**
   * A new inbound connection from `address`: 'ok' counts it as open (and handshaking) until release().
   * `evictSilent` closes the oldest silent connection in its handshake, releasing its slot at once,
   * and says whether there was one; it is called only with evictSilentUnderLoad, when the newcomer
   * finds every slot open to it taken and is refused for nothing else.
   */
  tryAdmit(peerAddress: string, now: number, evictSilent: () => boolean = () => false): AdmissionVerdict {
    const address = this.keyOf(peerAddress);
    const handshaking = this.handshaking.get(address) ?? 0;
    const slots = this.known.has(address) ? this.settings.maxConnections : this.settings.maxConnections - this.settings.reservedForKnownPeers;
    const underCap = handshaking < this.settings.maxHandshakingPerAddress;
    const locked = this.isLockedOut(address, now);
    if (!locked && underCap && this.open >= slots && this.settings.evictSilentUnderLoad && evictSilent()) this.counters.silentEvicted++;
    const verdict: AdmissionVerdict = locked ? 'locked-out' : this.open >= slots ? 'too-many-connections' : underCap ? 'ok' : 'too-many-handshakes';
    if (verdict === 'ok') {
      this.open++;
      this.peak = Math.max(this.peak, this.open);
      this.handshaking.set(address, handshaking + 1);
      this.counters.admitted++;
    } else {
      this.counters.refused[verdict]++;
    }
    return verdict;
  }

  /** An admitted connection from `address` completed its handshake: the address is a known peer from now on. */
  established(peerAddress: string): void {
    this.handshakeOver(this.keyOf(peerAddress));
    this.knownPeer(peerAddress);
  }

  /** A handshake with a peer at `address` completed (either way): it may take the reserved slots. */
  knownPeer(peerAddress: string): void {
    const address = this.keyOf(peerAddress);
    this.known.delete(address);
    this.known.add(address);
    if (this.known.size > this.settings.maxKnownPeers) this.known.delete(this.known.values().next().value!);
  }

  /** An admitted connection from `address` closed; `established` says whether established() was called for it. */
  release(peerAddress: string, established: boolean): void {
    if (this.open === 0) throw new Error('release() without an admitted connection');
    this.open--;
    if (!established) this.handshakeOver(this.keyOf(peerAddress));
  }

  private handshakeOver(address: string): void {
    const count = this.handshaking.get(address);
    if (count === undefined) throw new Error(`no connection from ${address} in its handshake`);
    if (count > 1) this.handshaking.set(address, count - 1);
    else this.handshaking.delete(address);
  }

  /** Whether a connection that closed for `reason` before its handshake completed, its peer having shown `evidence`, counts toward the lockout. */
  charges(reason: CloseReason, evidence: PeerEvidence): boolean {
    return this.settings.charges[evidence].includes(reason);
  }

  /** A handshake from `address` failed authentication; the maxAuthFailures-th within the window locks it out (a spared known peer's is not counted). */
  recordAuthFailure(peerAddress: string, now: number): void {
    const address = this.keyOf(peerAddress);
    if (this.settings.spareKnownPeers && this.known.has(address)) {
      this.counters.sparedKnownPeerFailures++;
      return;
    }
    this.counters.authFailures++;
    const record = this.touch(address) ?? this.track(address);
    record.failures = record.failures.filter((at) => now - at < this.settings.failureWindowMs);
    record.failures.push(now);
    if (record.failures.length >= this.settings.maxAuthFailures) {
      record.failures = [];
      record.lockedUntil = now + this.settings.lockoutMs;
      this.counters.lockouts++;
    }
  }

  isLockedOut(peerAddress: string, now: number): boolean {
    const address = this.keyOf(peerAddress);
    const record = this.touch(address);
    if (record?.lockedUntil == null) return false;
    if (now < record.lockedUntil) return true;
    record.lockedUntil = null;
    if (record.failures.length === 0) this.records.delete(address);
    return false;
  }

  /** What per-address limits count by: the address, or its /64 when IPv6 is grouped (an IPv4-mapped address is its IPv4 one). */
  private keyOf(address: string): string {
    return this.settings.groupIpv6By64 ? addressGroup(address) : address;
  }

  private touch(address: string): AddressRecord | undefined {
    const record = this.records.get(address);
    if (record) {
      this.records.delete(address);
      this.records.set(address, record);
    }
    return record;
  }

  private track(address: string): AddressRecord {
    const record: AddressRecord = { failures: [], lockedUntil: null };
    this.records.set(address, record);
    if (this.records.size > this.settings.maxTrackedAddresses) {
      const oldest = this.records.keys().next();
      if (!oldest.done) this.records.delete(oldest.value);
      this.counters.evictions++;
    }
    return record;
  }
}

/**
 * An IPv6 address's /64 ("2001:db8:1:2::/64"), an IPv4-mapped one's IPv4 address, anything else
 * as it is. One host is given a whole /64, so counting its addresses one by one gives it 2^64 of them.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

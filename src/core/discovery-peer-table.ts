/**
 * The discovery agent's table of peers, ordered by when each was last heard: hearing a peer again
 * moves it to the end, so the stalest is first.
 *
 * Every node of a simulated cluster looks up every announcement it hears here (a 1,000-node run:
 * two million look-ups into a thousand tables of a thousand peers), so the table is laid out for
 * that: a peer is a slot, whose numbers sit together in one Float64Array, found by its 16-byte id
 * read in place from the datagram (no hex string built to look it up); there is no object per peer
 * for the GC to copy and walk, only its two strings (id in hex, address). A Map from a 30-bit hash
 * of the id to the first slot with that hash, chained through the slots, finds a peer. The order
 * is a doubly linked list through the slots, so moving a peer to the end, finding the stalest and
 * dropping it never walk anything.
 */
import { bytesToHex } from '../wire/bytes.ts';

/** A peer's fields, at these offsets in its record of RECORD_SIZE numbers. */
const HEARD_AT = 0;
const TCP_PORT = 1;
/** The previous and next slot in the order (stalest first). */
const OLDER = 2;
const NEWER = 3;
/** The next slot whose id has the same hash; for a free slot, the next free one. */
const SAME_HASH = 4;
/** The id as four 32-bit words. */
const ID = 5;
const RECORD_SIZE = 9;
export const PEER_ID_SIZE = 16;
/** "No peer": what find and stalest return when there is none, and the end of a list. */
export const NO_PEER = -1;
const FIRST_SLOTS = 16;

export interface PeerRecord {
  /** The 16-byte node id, lower-case hex. */
  readonly nodeId: string;
  readonly address: string;
  readonly tcpPort: number;
  /** When the last accepted announcement came (the agent's clock). */
  readonly lastHeardAt: number;
}

function word(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

/** A hash of the four id words, 32 bits before it is cut to the table's hashBits. */
function idHash(w0: number, w1: number, w2: number, w3: number): number {
  const h = Math.imul(Math.imul(Math.imul(Math.imul(w0, 0x9e3779b1) ^ w1, 0x9e3779b1) ^ w2, 0x9e3779b1) ^ w3, 0x9e3779b1);
  return h ^ (h >>> 15);
}

export interface PeerTableOptions {
  /**
   * Bits of an id's hash the table keys by: at most 30 (a small integer, so the Map boxes no key);
   * a test sets a few, so that ids share hashes and the chains are walked.
   */
  hashBits?: number;
}

export class DiscoveryPeerTable {
  /** Hash of an id → the first slot whose id has it (the others follow through SAME_HASH). */
  private readonly firstWithHash = new Map<number, number>();
  /** One record of RECORD_SIZE numbers per slot: a peer's fields together, in one place in memory. */
  private records = new Float64Array(FIRST_SLOTS * RECORD_SIZE);
  private readonly hexIds: string[] = [];
  private readonly addresses: string[] = [];
  private stalestSlot = NO_PEER;
  private newestSlot = NO_PEER;
  private freeSlot = NO_PEER;
  private used = 0;
  private count = 0;
  private readonly hashMask: number;

  constructor(options: PeerTableOptions = {}) {
    const bits = options.hashBits ?? 30;
    if (!(Number.isInteger(bits) && bits >= 0 && bits <= 30)) throw new RangeError(`hashBits must be an integer from 0 to 30, not ${bits}`);
    this.hashMask = 2 ** bits - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The peer whose 16-byte id starts at `at` in `bytes`, or NO_PEER. */
  find(bytes: Uint8Array, at: number): number {
    const w0 = word(bytes, at);
    const w1 = word(bytes, at + 4);
    const w2 = word(bytes, at + 8);
    const w3 = word(bytes, at + 12);
    const r = this.records;
    for (let slot = this.firstWithHash.get(idHash(w0, w1, w2, w3) & this.hashMask) ?? NO_PEER; slot !== NO_PEER; slot = r[slot * RECORD_SIZE + SAME_HASH]!) {
      const base = slot * RECORD_SIZE + ID;
      if (r[base] === w0 && r[base + 1] === w1 && r[base + 2] === w2 && r[base + 3] === w3) return slot;
    }
    return NO_PEER;
  }

  /** The peer heard from longest ago, or NO_PEER when the table is empty. */
  stalest(): number {
    return this.stalestSlot;
  }

  lastHeardAt(peer: number): number {
    return this.records[peer * RECORD_SIZE + HEARD_AT]!;
  }

  tcpPort(peer: number): number {
    return this.records[peer * RECORD_SIZE + TCP_PORT]!;
  }

  nodeId(peer: number): string {
    return this.hexIds[peer]!;
  }

  address(peer: number): string {
    return this.addresses[peer]!;
  }

  /**
   * The peer with the id at `at` in `bytes` was heard at `when` from this address and port: `peer`
   * (what find returned for that id) is updated, or NO_PEER adds it; either way it becomes the
   * newest. Returns its slot.
   */
  heard(peer: number, bytes: Uint8Array, at: number, address: string, tcpPort: number, when: number): number {
    let slot = peer;
    if (slot === NO_PEER) slot = this.add(bytes, at);
    else this.unlink(slot);
    const base = slot * RECORD_SIZE;
    this.records[base + HEARD_AT] = when;
    this.records[base + TCP_PORT] = tcpPort;
    this.addresses[slot] = address;
    this.append(slot);
    return slot;
  }

  /** Drops `peer` (a slot find, heard or stalest returned and not deleted since). */
  delete(peer: number): void {
    const r = this.records;
    const base = peer * RECORD_SIZE;
    const hash = idHash(r[base + ID]!, r[base + ID + 1]!, r[base + ID + 2]!, r[base + ID + 3]!) & this.hashMask;
    const next = r[base + SAME_HASH]!;
    // The slot before it in its hash's chain (NO_PEER when it is the first); an end of the chain without it is a bad slot.
    let before = NO_PEER;
    for (let slot = this.firstWithHash.get(hash) ?? NO_PEER; slot !== peer; slot = r[slot * RECORD_SIZE + SAME_HASH]!) {
      if (slot === NO_PEER) throw new RangeError(`slot ${peer} holds no peer`);
      before = slot;
    }
    if (before !== NO_PEER) r[before * RECORD_SIZE + SAME_HASH] = next;
    else if (next === NO_PEER) this.firstWithHash.delete(hash);
    else this.firstWithHash.set(hash, next);
    this.unlink(peer);
    this.hexIds[peer] = '';
    this.addresses[peer] = '';
    r[base + SAME_HASH] = this.freeSlot;
    this.freeSlot = peer;
    this.count--;
  }

  /** Every peer, stalest first. */
  list(): PeerRecord[] {
    const peers: PeerRecord[] = [];
    for (let slot = this.stalestSlot; slot !== NO_PEER; slot = this.records[slot * RECORD_SIZE + NEWER]!) {
      peers.push({ nodeId: this.nodeId(slot), address: this.address(slot), tcpPort: this.tcpPort(slot), lastHeardAt: this.lastHeardAt(slot) });
    }
    return peers;
  }

  private add(bytes: Uint8Array, at: number): number {
    let slot = this.freeSlot;
    if (slot !== NO_PEER) this.freeSlot = this.records[slot * RECORD_SIZE + SAME_HASH]!;
    else {
      if (this.used * RECORD_SIZE === this.records.length) this.grow();
      slot = this.used++;
    }
    const r = this.records;
    const base = slot * RECORD_SIZE;
    for (let w = 0; w < 4; w++) r[base + ID + w] = word(bytes, at + 4 * w);
    const hash = idHash(r[base + ID]!, r[base + ID + 1]!, r[base + ID + 2]!, r[base + ID + 3]!) & this.hashMask;
    r[base + SAME_HASH] = this.firstWithHash.get(hash) ?? NO_PEER;
    this.firstWithHash.set(hash, slot);
    this.hexIds[slot] = bytesToHex(bytes.subarray(at, at + PEER_ID_SIZE));
    this.count++;
    return slot;
  }

  private grow(): void {
    const wider = new Float64Array(2 * this.records.length);
    wider.set(this.records);
    this.records = wider;
  }

  private append(slot: number): void {
    const r = this.records;
    r[slot * RECORD_SIZE + OLDER] = this.newestSlot;
    r[slot * RECORD_SIZE + NEWER] = NO_PEER;
    if (this.newestSlot === NO_PEER) this.stalestSlot = slot;
    else r[this.newestSlot * RECORD_SIZE + NEWER] = slot;
    this.newestSlot = slot;
  }

  private unlink(slot: number): void {
    const r = this.records;
    const older = r[slot * RECORD_SIZE + OLDER]!;
    const newer = r[slot * RECORD_SIZE + NEWER]!;
    if (older === NO_PEER) this.stalestSlot = newer;
    else r[older * RECORD_SIZE + NEWER] = newer;
    if (newer === NO_PEER) this.newestSlot = older;
    else r[newer * RECORD_SIZE + OLDER] = older;
  }
}

/**
 * The discovery agent's table of peers, ordered by when each was last heard: hearing a peer again
 * moves it to the end, so the stalest is first. A Map finds a peer by node id; a doubly linked list
 * through the entries keeps the order, so moving a peer to the end, finding the stalest and dropping
 * it never walk anything. (A Map alone keeps insertion order, but every delete leaves a hole that an
 * iteration from its start walks again until V8 rehashes the table: with 1,000 peers refreshing
 * every 3 s, each look at the stalest peer skipped hundreds of holes.)
 */

export interface PeerRecord {
  /** The 16-byte node id, lower-case hex. */
  readonly nodeId: string;
  readonly address: string;
  readonly tcpPort: number;
  /** When the last accepted announcement came (the agent's clock). */
  readonly lastHeardAt: number;
}

interface Entry {
  readonly nodeId: string;
  address: string;
  tcpPort: number;
  lastHeardAt: number;
  older: Entry | null;
  newer: Entry | null;
}

export class DiscoveryPeerTable {
  private readonly byId = new Map<string, Entry>();
  private stalestEntry: Entry | null = null;
  private newestEntry: Entry | null = null;

  get size(): number {
    return this.byId.size;
  }

  get(nodeId: string): PeerRecord | undefined {
    return this.byId.get(nodeId);
  }

  /** The peer heard from longest ago, or null when the table is empty. */
  stalest(): PeerRecord | null {
    return this.stalestEntry;
  }

  /** `nodeId` was heard at `at` from this address and port: it is recorded (or updated) as the newest. */
  heard(nodeId: string, address: string, tcpPort: number, at: number): void {
    let entry = this.byId.get(nodeId);
    if (entry === undefined) {
      entry = { nodeId, address, tcpPort, lastHeardAt: at, older: null, newer: null };
      this.byId.set(nodeId, entry);
    } else {
      this.unlink(entry);
      entry.address = address;
      entry.tcpPort = tcpPort;
      entry.lastHeardAt = at;
    }
    this.append(entry);
  }

  delete(nodeId: string): void {
    const entry = this.byId.get(nodeId);
    if (entry === undefined) return;
    this.byId.delete(nodeId);
    this.unlink(entry);
  }

  /** Every peer, stalest first. */
  list(): PeerRecord[] {
    const peers: PeerRecord[] = [];
    for (let entry = this.stalestEntry; entry !== null; entry = entry.newer) peers.push(entry);
    return peers;
  }

  private append(entry: Entry): void {
    entry.older = this.newestEntry;
    entry.newer = null;
    if (this.newestEntry === null) this.stalestEntry = entry;
    else this.newestEntry.newer = entry;
    this.newestEntry = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older === null) this.stalestEntry = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === null) this.newestEntry = entry.older;
    else entry.newer.older = entry.older;
    entry.older = null;
    entry.newer = null;
  }
}

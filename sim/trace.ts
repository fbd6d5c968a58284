/**
 * The trace of a run: every packet a channel accepts, delivers or drops, and the protocol events that
 * hosts and drivers add. Two products:
 *
 * - a SHA-256 hash over a canonical binary serialisation, always kept (unless `hash: false`), fed
 *   incrementally through a 64 KiB buffer so hashing costs a few fixed-size writes per packet;
 * - the entries themselves, kept only with `record: true`, and written out as JSONL on demand.
 *
 * Canonical record layout (little-endian), the thing the hash covers:
 *   packet: u8 kind · f64 time · u32 link · u8 reason · u8 protocol · u32 src · u32 dst · u16 srcPort ·
 *           u16 dstPort · u32 seq · u32 ack · u8 flags · f64 window · u16 mss · u32 payload length
 *   event:  u8 kind(=16) · f64 time · u32 host · u32 n · n bytes of UTF-8 `name` NUL canonical-JSON(fields)
 * Payload bytes are not hashed (their length is); they are fixed by the application, which is itself
 * deterministic, and hashing them would cost as much as the simulation.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AddressBook } from './address.ts';
import { canonicalJson, type JsonValue } from './canonical-json.ts';
import { Protocol, formatFlags, type Packet } from './packet.ts';

/** What happened to a packet on a channel (`modify` carries the packet a tap put in its place). */
export const PacketEvent = { send: 1, deliver: 2, drop: 3, duplicate: 4, inject: 5, modify: 6, hold: 7 } as const;
export type PacketEvent = keyof typeof PacketEvent;
const PROTOCOL_EVENT_TAG = 16;

export const DropReason = {
  none: 0,
  queue: 1,
  loss: 2,
  partition: 3,
  rule: 4,
  tap: 5,
} as const;
export type DropReason = keyof typeof DropReason;

export type TraceFields = { [key: string]: JsonValue };

export type TraceEntry =
  | { kind: PacketEvent; time: number; link: number; reason: DropReason; packet: Packet }
  | { kind: 'event'; time: number; host: number; name: string; fields: TraceFields };

export interface TraceOptions {
  /** Keep every entry in memory (for JSONL output and inspection). Default false. */
  record?: boolean;
  /** Keep the running hash. Default true. */
  hash?: boolean;
}

const BUFFER_BYTES = 64 * 1024;
const PACKET_RECORD_BYTES = 50;
const EVENT_HEADER_BYTES = 17;

export class Trace {
  readonly recording: boolean;
  private readonly hash: Hash | null;
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private readonly view = new DataView(this.buffer.buffer);
  private used = 0;
  private readonly recorded: TraceEntry[] = [];
  private readonly linkNames: string[] = [];
  private readonly hostNames: string[] = [];
  private readonly encoder = new TextEncoder();

  constructor(
    options: TraceOptions = {},
    /** What the packets' address values stand for, in the recorded entries' text. */
    private readonly addresses: AddressBook,
  ) {
    this.recording = options.record ?? false;
    this.hash = (options.hash ?? true) ? createHash('sha256') : null;
  }

  /** Gives a link (channel) its trace id. */
  registerLink(name: string): number {
    return this.linkNames.push(name) - 1;
  }

  /** Gives a host its trace id. */
  registerHost(name: string): number {
    return this.hostNames.push(name) - 1;
  }

  packet(kind: PacketEvent, time: number, link: number, packet: Packet, reason: DropReason = 'none'): void {
    if (this.recording) this.recorded.push({ kind, time, link, reason, packet });
    if (this.hash === null) return;
    if (this.used + PACKET_RECORD_BYTES > BUFFER_BYTES) this.flush();
    const v = this.view;
    const o = this.used;
    v.setUint8(o, PacketEvent[kind]);
    v.setFloat64(o + 1, time, true);
    v.setUint32(o + 9, link, true);
    v.setUint8(o + 13, DropReason[reason]);
    v.setUint8(o + 14, packet.protocol);
    v.setUint32(o + 15, packet.src, true);
    v.setUint32(o + 19, packet.dst, true);
    v.setUint16(o + 23, packet.srcPort, true);
    v.setUint16(o + 25, packet.dstPort, true);
    v.setUint32(o + 27, packet.seq, true);
    v.setUint32(o + 31, packet.ack, true);
    v.setUint8(o + 35, packet.flags);
    v.setFloat64(o + 36, packet.window, true);
    v.setUint16(o + 44, packet.mss, true);
    v.setUint32(o + 46, packet.payload.length, true);
    this.used = o + PACKET_RECORD_BYTES;
  }

  /** A protocol event on `host`; `fields` must be JSON values (they are hashed in canonical form). */
  event(time: number, host: number, name: string, fields: TraceFields = {}): void {
    if (this.recording) this.recorded.push({ kind: 'event', time, host, name, fields });
    if (this.hash === null) return;
    const text = this.encoder.encode(`${name}\u0000${canonicalJson(fields)}`);
    if (this.used + EVENT_HEADER_BYTES > BUFFER_BYTES) this.flush();
    const v = this.view;
    v.setUint8(this.used, PROTOCOL_EVENT_TAG);
    v.setFloat64(this.used + 1, time, true);
    v.setUint32(this.used + 9, host, true);
    v.setUint32(this.used + 13, text.length, true);
    this.used += EVENT_HEADER_BYTES;
    this.flush();
    this.hash.update(text);
  }

  /** Hex SHA-256 of everything traced so far; the run can go on afterwards. */
  digest(): string {
    if (this.hash === null) throw new Error('this trace keeps no hash');
    this.flush();
    return this.hash.copy().digest('hex');
  }

  get entries(): readonly TraceEntry[] {
    return this.recorded;
  }

  /** The recorded entries, one JSON object a line. */
  toJsonl(): string {
    if (!this.recording) throw new Error('this trace does not record entries');
    return this.recorded.map((entry) => JSON.stringify(this.describe(entry))).join('\n') + '\n';
  }

  private describe(entry: TraceEntry): Record<string, JsonValue> {
    if (entry.kind === 'event') {
      return { t: entry.time, kind: 'event', host: this.hostNames[entry.host]!, name: entry.name, ...entry.fields };
    }
    const p = entry.packet;
    const line: Record<string, JsonValue> = {
      t: entry.time,
      kind: entry.kind,
      link: this.linkNames[entry.link]!,
      proto: p.protocol === Protocol.TCP ? 'tcp' : 'udp',
      src: `${this.addresses.textOf(p.src)}:${p.srcPort}`,
      dst: `${this.addresses.textOf(p.dst)}:${p.dstPort}`,
      len: p.payload.length,
    };
    if (entry.reason !== 'none') line.reason = entry.reason;
    if (p.protocol === Protocol.TCP) {
      line.flags = formatFlags(p.flags);
      line.seq = p.seq;
      line.ack = p.ack;
      line.win = p.window;
      if (p.mss !== 0) line.mss = p.mss;
    }
    return line;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hash!.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

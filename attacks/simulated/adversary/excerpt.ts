/**
 * The evidence trail of an attack: a bounded list of the decisive packets and protocol events, as a
 * reader wants to see them (attacks/simulated/types.ts `TraceExcerptEntry` has the same shape).
 */
import { formatAddress } from '../../../sim/address.ts';
import { Protocol, formatFlags, type Packet } from '../../../sim/packet.ts';
import { frameTypeName, type FrameHeader } from '../../../src/wire/frame.ts';

export interface ExcerptEntry {
  /** Virtual time, ms. */
  time: number;
  /** A link name ("attacker->server") or a host name. */
  where: string;
  /** "send", "deliver", "inject", "modify", "drop", or a protocol event name. */
  what: string;
  detail: string;
}

/** Keeps the first `limit` entries and counts the rest, so a long attack cannot grow it without bound. */
export class TraceExcerpt {
  readonly entries: ExcerptEntry[] = [];
  private omittedCount = 0;

  constructor(private readonly limit = 40) {}

  add(time: number, where: string, what: string, detail: string): void {
    if (this.entries.length < this.limit) this.entries.push({ time: round(time), where, what, detail });
    else this.omittedCount++;
  }

  get omitted(): number {
    return this.omittedCount;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** "10.0.0.1:49152 > 10.0.0.2:9000 [PA] seq 123 ack 456 len 50" (UDP: no flags or numbers). */
export function describePacket(packet: Packet): string {
  const ends = `${formatAddress(packet.src)}:${packet.srcPort} > ${formatAddress(packet.dst)}:${packet.dstPort}`;
  if (packet.protocol === Protocol.UDP) return `${ends} udp len ${packet.payload.length}`;
  return `${ends} [${formatFlags(packet.flags)}] seq ${packet.seq} ack ${packet.ack} len ${packet.payload.length}`;
}

/** "DATA stream 1 seq 0 len 4096" */
export function describeFrame(header: FrameHeader): string {
  return `${frameTypeName(header.type)} v${header.version} stream ${header.streamId} seq ${header.seq} len ${header.length}`;
}

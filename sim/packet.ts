/**
 * A simulated IP packet carrying one TCP segment or one UDP datagram. Packets are immutable: an
 * on-path component that modifies one builds a new packet with `with()`. Payloads are views of the
 * bytes the application wrote (never copied per segment), so nobody may write into them.
 */

export const Protocol = { TCP: 6, UDP: 17 } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** The payload of packets that carry none. */
export const EMPTY_PAYLOAD = new Uint8Array(0);

export const IP_HEADER_BYTES = 20;
export const TCP_HEADER_BYTES = 20;
export const UDP_HEADER_BYTES = 8;

export interface PacketFields {
  protocol: Protocol;
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  /** TCP sequence number as on the wire (uint32); 0 for UDP. */
  seq: number;
  /** TCP acknowledgement number as on the wire (uint32); 0 for UDP. */
  ack: number;
  /** TcpFlag bits; 0 for UDP. */
  flags: number;
  /** Advertised receive window in bytes (as if window scaling were negotiated); 0 for UDP. */
  window: number;
  /** MSS option, carried on SYNs; 0 when absent. */
  mss: number;
  payload: Uint8Array;
}

export class Packet implements PacketFields {
  readonly protocol: Protocol;
  readonly src: number;
  readonly dst: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly mss: number;
  readonly payload: Uint8Array;
  /** Bytes of the IP packet (headers included), what serialisation and queues count. */
  readonly size: number;

  constructor(fields: PacketFields) {
    this.protocol = fields.protocol;
    this.src = fields.src;
    this.dst = fields.dst;
    this.srcPort = fields.srcPort;
    this.dstPort = fields.dstPort;
    this.seq = fields.seq;
    this.ack = fields.ack;
    this.flags = fields.flags;
    this.window = fields.window;
    this.mss = fields.mss;
    this.payload = fields.payload;
    const transport = fields.protocol === Protocol.TCP ? TCP_HEADER_BYTES : UDP_HEADER_BYTES;
    this.size = IP_HEADER_BYTES + transport + fields.payload.length;
  }

  /** A copy with some fields changed: how a tap modifies a packet. */
  with(changes: Partial<PacketFields>): Packet {
    return new Packet({ ...this, ...changes });
  }

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }
}

const FLAG_LETTERS: ReadonlyArray<[number, string]> = [
  [TcpFlag.SYN, 'S'],
  [TcpFlag.FIN, 'F'],
  [TcpFlag.RST, 'R'],
  [TcpFlag.PSH, 'P'],
  [TcpFlag.ACK, 'A'],
];

/** Flags in tcpdump's letters, e.g. "SA" for SYN+ACK. */
export function formatFlags(flags: number): string {
  let text = '';
  for (const [bit, letter] of FLAG_LETTERS) if (flags & bit) text += letter;
  return text;
}

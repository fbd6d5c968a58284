/**
 * On-path TCP injection: an attacker who sees a connection's packets (taps on the sender's and the
 * receiver's switch ports) writes bytes into one direction as if the sender had sent them, with the
 * sequence and acknowledgement numbers it has just seen: no guessing.
 *
 * After an injection the two ends disagree on the byte count (the receiver got L more bytes than the
 * sender sent), which in a real network ends in an ACK storm or a stalled connection. This attacker
 * stays on the path and hides it, as hijacking tools do: every later segment of the sender is
 * shifted up by L, and every acknowledgement going back is shifted down by L, so both ends carry on
 * and never notice. Retransmissions of bytes from before the injection point are left alone.
 */
import type { Channel } from '../../../sim/channel.ts';
import { Packet, Protocol, TcpFlag } from '../../../sim/packet.ts';
import { describePacket, type TraceExcerpt } from './excerpt.ts';
import { FlowWatch, type Flow } from './flow.ts';
import { addTap } from './taps.ts';

interface Injection {
  /** Offset in the sender's own byte count (its sequence space, from its first data byte) where the bytes went in. */
  at: number;
  length: number;
}

export interface OnPathInjectorOptions {
  /** The direction to inject into (sender → receiver), or how to pick its first packet. */
  flow: Flow | ((packet: Packet) => boolean);
  /** The channel that carries the sender's packets (its switch uplink): injected packets go out here. */
  senderChannel: Channel;
  /** The channel that carries the receiver's packets back (its switch uplink). */
  receiverChannel: Channel;
  now: () => number;
  excerpt?: TraceExcerpt;
}

export class OnPathInjector {
  readonly counts = { injectedSegments: 0, injectedBytes: 0, shiftedSegments: 0, shiftedAcks: 0 };
  private readonly watch: FlowWatch;
  /** The sender's sequence number of its offset 0 (first byte after the SYN), once seen. */
  private base: number | null = null;
  /** End of what the sender has sent, as an offset in its own byte count. */
  private sentEnd = 0;
  /** Latest acknowledgement number and window the sender put on the wire (copied into forgeries). */
  private lastAck = 0;
  private lastWindow = 0;
  private readonly injections: Injection[] = [];

  constructor(private readonly options: OnPathInjectorOptions) {
    this.watch = new FlowWatch(options.flow);
    addTap(options.senderChannel, (packet) => (this.watch.matches(packet) ? this.forward(packet) : packet));
    addTap(options.receiverChannel, (packet) => (this.watch.matchesReverse(packet) ? this.backward(packet) : packet));
  }

  /** True once the connection was seen, so the numbers to forge with are known. */
  get ready(): boolean {
    return this.base !== null && this.lastAck !== 0;
  }

  /** Puts `payload` into the flow right after what the sender sent so far; returns the forged packet. */
  inject(payload: Uint8Array): Packet {
    if (!this.ready) throw new Error('on-path injector: the connection was not seen yet');
    const at = this.sentEnd;
    const flow = this.watch.flow!;
    const packet = new Packet({
      protocol: Protocol.TCP,
      src: flow.src,
      srcPort: flow.srcPort,
      dst: flow.dst,
      dstPort: flow.dstPort,
      seq: (this.base! + at + this.shiftAt(at)) >>> 0,
      ack: this.lastAck,
      flags: TcpFlag.ACK | TcpFlag.PSH,
      window: this.lastWindow,
      mss: 0,
      payload,
    });
    this.injections.push({ at, length: payload.length });
    this.counts.injectedSegments++;
    this.counts.injectedBytes += payload.length;
    this.options.excerpt?.add(this.options.now(), this.options.senderChannel.name, 'inject', describePacket(packet));
    this.options.senderChannel.inject(packet);
    return packet;
  }

  /** A sender's segment: learn its numbers; shift it past what was injected before it. */
  private forward(packet: Packet): Packet {
    if (packet.has(TcpFlag.SYN)) {
      this.base = (packet.seq + 1) >>> 0;
      return packet;
    }
    if (this.base === null) return packet;
    const offset = (packet.seq - this.base) >>> 0;
    this.sentEnd = Math.max(this.sentEnd, offset + packet.payload.length);
    this.lastAck = packet.ack;
    this.lastWindow = packet.window;
    const shift = this.shiftAt(offset);
    if (shift === 0) return packet;
    this.counts.shiftedSegments++;
    return packet.with({ seq: (packet.seq + shift) >>> 0 });
  }

  /** An acknowledgement going back: take out the injected bytes, so the sender sees only its own. */
  private backward(packet: Packet): Packet {
    if (this.base === null || this.injections.length === 0 || !packet.has(TcpFlag.ACK)) return packet;
    let acked = (packet.ack - this.base) >>> 0; // in the receiver's (shifted) count
    let unshift = 0;
    for (const { at, length } of this.injections) {
      const start = at + unshift;
      if (acked <= start) break;
      unshift += Math.min(length, acked - start);
    }
    if (unshift === 0) return packet;
    acked -= unshift;
    this.counts.shiftedAcks++;
    return packet.with({ ack: (this.base + acked) >>> 0 });
  }

  /** Bytes injected at or before the sender's offset `offset`. */
  private shiftAt(offset: number): number {
    let shift = 0;
    for (const { at, length } of this.injections) if (at <= offset) shift += length;
    return shift;
  }
}

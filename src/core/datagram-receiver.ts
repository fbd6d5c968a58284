/**
 * The receiving half of stt over UDP (docs/stt.md §7): DATA segments in any order, each stream's
 * put back in order and joined into frames, every stream apart from the others, so a stream missing
 * a segment holds back only itself. Every segment taken, or known by its packet number as one taken
 * before, is acknowledged; one refused is not, so its sender tries again later.
 *
 * Memory is bounded whatever arrives: at most `maxStreams` streams, `maxBufferedSegments` segments
 * ahead of the next one a stream needs, `maxFrameBytes` in one frame, `maxBufferedBytes` in all, and
 * a fixed window of packet numbers. A segment beyond a bound is refused with a DatagramRefusal
 * naming the bound; nothing is thrown at the driver.
 */
import { concatBytes } from '../wire/bytes.ts';
import type { DataSegment } from '../wire/stt-datagram.ts';
import { CounterWindow } from './counter-window.ts';

export interface DatagramReceiverOptions {
  /** Packet numbers remembered below the highest taken (the sender's packetSpan). */
  packetWindow: number;
  maxStreams: number;
  /** Segments a stream may hold ahead of the one it needs next. */
  maxBufferedSegments: number;
  maxFrameBytes: number;
  maxBufferedBytes: number;
}

export type RefusalCode = 'stale-packet' | 'too-many-streams' | 'beyond-window' | 'frame-too-large' | 'buffer-full';

/** A datagram that was not taken, and why. */
export class DatagramRefusal extends Error {
  override readonly name = 'DatagramRefusal';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface ReceivedFrame {
  streamId: number;
  bytes: Uint8Array;
}

interface InStream {
  next: number;
  readonly ahead: Map<number, DataSegment>;
  assembly: Uint8Array[];
  assembled: number;
}

export interface ReceiverStats {
  segmentsTaken: number;
  /** Segments that came before one of their stream's earlier segments. */
  outOfOrder: number;
  duplicates: number;
  framesAssembled: number;
}

export class DatagramReceiver {
  readonly stats: ReceiverStats = { segmentsTaken: 0, outOfOrder: 0, duplicates: 0, framesAssembled: 0 };
  private readonly packets: CounterWindow;
  private readonly streams = new Map<number, InStream>();
  private readonly frames: ReceivedFrame[] = [];
  private frameHead = 0;
  private buffered = 0;

  constructor(private readonly options: DatagramReceiverOptions) {
    this.packets = new CounterWindow(options.packetWindow);
  }

  /** Whether to acknowledge the segment's packet, or why it was refused. */
  take(segment: DataSegment): { acknowledge: true } | DatagramRefusal {
    const verdict = this.packets.check(segment.packet);
    if (verdict === 'seen') {
      this.stats.duplicates++;
      return { acknowledge: true };
    }
    // A sender keeps its packets in flight within the window, so only a forged one falls below it:
    // not acknowledged, lest its sender count as delivered what was not.
    if (verdict === 'too-old') return new DatagramRefusal('stale-packet', `packet ${segment.packet} is below the window of the last ${this.options.packetWindow}`);
    const known = this.streams.get(segment.streamId);
    if (!known && this.streams.size >= this.options.maxStreams) return new DatagramRefusal('too-many-streams', `stream ${segment.streamId}: ${this.options.maxStreams} streams are open already`);
    const next = known?.next ?? 0;
    if (segment.index < next || known?.ahead.has(segment.index)) {
      this.packets.mark(segment.packet);
      this.stats.duplicates++;
      return { acknowledge: true };
    }
    if (segment.index >= next + this.options.maxBufferedSegments) {
      return new DatagramRefusal('beyond-window', `stream ${segment.streamId}: segment ${segment.index}, more than ${this.options.maxBufferedSegments} ahead of ${next}`);
    }
    if (this.buffered + segment.bytes.length > this.options.maxBufferedBytes) {
      return new DatagramRefusal('buffer-full', `${this.buffered} bytes held, ${this.options.maxBufferedBytes} at most`);
    }
    const stream = known ?? this.open(segment.streamId);
    this.packets.mark(segment.packet);
    this.stats.segmentsTaken++;
    if (segment.index > next) this.stats.outOfOrder++;
    // The segment's bytes are a view of the driver's datagram, which may be reused: keep a copy.
    stream.ahead.set(segment.index, { ...segment, bytes: segment.bytes.slice() });
    this.buffered += segment.bytes.length;
    return this.drain(segment.streamId, stream) ?? { acknowledge: true };
  }

  /** The next frame completed, in its stream's order (streams interleave as they complete). */
  pollFrame(): ReceivedFrame | null {
    if (this.frameHead >= this.frames.length) return null;
    const frame = this.frames[this.frameHead++]!;
    if (this.frameHead === this.frames.length) {
      this.frames.length = 0;
      this.frameHead = 0;
    }
    return frame;
  }

  /** Nothing more comes on this stream (its END, or the receipt that answers it): its state goes. */
  retire(streamId: number): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.release(stream);
    this.streams.delete(streamId);
  }

  private open(streamId: number): InStream {
    const stream: InStream = { next: 0, ahead: new Map(), assembly: [], assembled: 0 };
    this.streams.set(streamId, stream);
    return stream;
  }

  private drain(streamId: number, stream: InStream): DatagramRefusal | null {
    for (let segment = stream.ahead.get(stream.next); segment; segment = stream.ahead.get(stream.next)) {
      stream.ahead.delete(stream.next++);
      stream.assembly.push(segment.bytes);
      stream.assembled += segment.bytes.length;
      if (stream.assembled > this.options.maxFrameBytes) {
        this.retire(streamId);
        return new DatagramRefusal('frame-too-large', `stream ${streamId}: a frame of more than ${this.options.maxFrameBytes} bytes`);
      }
      if (!segment.last) continue;
      const bytes = stream.assembly.length === 1 ? stream.assembly[0]! : concatBytes(...stream.assembly);
      this.buffered -= stream.assembled;
      stream.assembly = [];
      stream.assembled = 0;
      this.stats.framesAssembled++;
      this.frames.push({ streamId, bytes });
    }
    return null;
  }

  private release(stream: InStream): void {
    for (const segment of stream.ahead.values()) this.buffered -= segment.bytes.length;
    this.buffered -= stream.assembled;
  }
}

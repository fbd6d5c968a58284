/**
 * A passive reader of one direction of a TCP connection: it puts the tapped segments back in byte
 * order with the simulator's TCP reassembly (retransmissions and overlaps add nothing, the first copy
 * of a byte wins) and parses the byte stream into ASoc frames with src/wire's FrameReader, as an
 * eavesdropper with a copy of the traffic would.
 *
 *   const sniffer = new FrameSniffer(flow);
 *   addTap(channel, sniffer.tap);
 *   …run…
 *   sniffer.parser.frames      // every whole frame seen, with its offset in the byte stream
 *   sniffer.parser.streams()   // DATA payloads per stream id, in order: what a receiver would deliver
 */
import { createHash } from 'node:crypto';
import { FrameReader } from '../../../src/wire/frame-reader.ts';
import { concatBytes } from '../../../src/wire/bytes.ts';
import { FrameType, HEADER_SIZE, encodeHeader, type FrameHeader } from '../../../src/wire/frame.ts';
import { WireError } from '../../../src/wire/errors.ts';
import type { Tap } from '../../../sim/channel.ts';
import { TcpFlag, type Packet } from '../../../sim/packet.ts';
import { Reassembly } from '../../../sim/tcp/reassembly.ts';
import { FlowWatch, type Flow } from './flow.ts';
import { tagSizeOfWireVersion } from '../support/profile-kind.ts';

/** Largest frame the sniffer assembles: enough for 16 MiB chunks, bounded against a forged length. */
const SNIFF_MAX_FRAME = 64 * 1024 * 1024;

/** How far ahead of the in-order bytes an out-of-order segment is kept (beyond any simulated window). */
const REASSEMBLY_WINDOW_BYTES = 16 * 1024 * 1024;
/** Out-of-order pieces kept at once (the first of them wins a slot; later ones are dropped). */
const MAX_WAITING_PIECES = 4096;

/**
 * In-order bytes of one TCP direction, as the receiving TCP would see them: the simulator's own
 * reassembly (sim/tcp/reassembly.ts, first copy of a byte wins) over stream offsets. Offsets count
 * from the first byte after the SYN (or from the first segment seen, when the SYN was missed).
 * Unlike a TCP receiver the tap has no window to enforce, so out-of-order segments wait bounded:
 * only those starting within REASSEMBLY_WINDOW_BYTES ahead, at most MAX_WAITING_PIECES pieces
 * (segments from before the stream start, or garbage numbers, fall outside the window and are dropped).
 */
export class TcpReassembler {
  /** Wire sequence number of stream offset 0. */
  private base: number | null = null;
  private nextOffset = 0;
  private readonly waiting = new Reassembly();
  /** Segments dropped as outside the window or over the bound. */
  dropped = 0;

  constructor(private readonly deliver: (bytes: Uint8Array, offset: number) => void) {}

  /** Bytes delivered in order so far. */
  get length(): number {
    return this.nextOffset;
  }

  /** Out-of-order pieces waiting for the bytes before them. */
  get waitingPieces(): number {
    return this.waiting.pieceCount;
  }

  /** The stream offset a wire sequence number stands for (null before the first segment). */
  offsetOf(seq: number): number | null {
    return this.base === null ? null : (seq - this.base) >>> 0;
  }

  segment(packet: Packet): void {
    if (packet.has(TcpFlag.SYN)) {
      this.base = (packet.seq + 1) >>> 0;
      return;
    }
    if (packet.payload.length === 0) return;
    this.base ??= packet.seq;
    const offset = this.offsetOf(packet.seq)!;
    if (offset > this.nextOffset) {
      this.hold(offset, packet.payload);
      return;
    }
    this.take(packet.payload, offset);
    if (!this.waiting.isEmpty) for (const piece of this.waiting.takeFrom(this.nextOffset)) this.take(piece, this.nextOffset);
  }

  private hold(offset: number, bytes: Uint8Array): void {
    if (offset - this.nextOffset > REASSEMBLY_WINDOW_BYTES || this.waiting.pieceCount >= MAX_WAITING_PIECES) {
      this.dropped++;
      return;
    }
    this.waiting.insert(offset, bytes);
  }

  private take(bytes: Uint8Array, offset: number): void {
    const skip = this.nextOffset - offset;
    if (skip >= bytes.length) return;
    const fresh = skip > 0 ? bytes.subarray(skip) : bytes;
    const at = this.nextOffset;
    this.nextOffset += fresh.length;
    this.deliver(fresh, at);
  }
}

export interface SniffedFrame {
  header: FrameHeader;
  payload: Uint8Array;
  /** Offset of the frame's first header byte in the direction's byte stream. */
  offset: number;
}

export interface SniffedStream {
  streamId: number;
  bytes: number;
  /** Hex SHA-256 of the DATA payloads in order. */
  sha256: string;
  /** An END frame was seen. */
  ended: boolean;
}

/**
 * ASoc frames parsed out of a byte stream pushed in order (what one side of a connection sent). The
 * wire version is the first byte's (1, 2 for asoc-hardened, each profile its own); where that
 * version's profile protects frames, the frames after the handshake end in its tag, which the per-stream accounting leaves out, so a stream's hash is
 * that of what the sender's application sent when the payload travels in clear.
 */
export class FrameParser {
  readonly frames: SniffedFrame[] = [];
  /** Set when the byte stream stopped parsing as ASoc frames (another version, encrypted, garbage). */
  parseError: WireError | null = null;
  /** Called for each frame as it is parsed. */
  onFrame: ((frame: SniffedFrame) => void) | null = null;

  private reader: FrameReader | null = null;
  private offset = 0;
  private readonly streamState = new Map<number, { hash: ReturnType<typeof createHash>; bytes: number; ended: boolean }>();

  private versionSeen: number | null = null;

  /** The wire version read (null before the first byte). */
  get version(): number | null {
    return this.versionSeen;
  }

  push(bytes: Uint8Array): void {
    if (this.parseError !== null || bytes.length === 0) return;
    if (this.reader === null) {
      this.versionSeen = bytes[0]!;
      this.reader = new FrameReader({ maxFrameSize: SNIFF_MAX_FRAME, version: this.versionSeen });
    }
    try {
      this.reader.push(bytes);
      for (let item = this.reader.read(); item !== null; item = this.reader.read()) {
        if (item.kind !== 'frame') continue; // this reader streams nothing: every frame comes whole
        const frame = { header: item.header, payload: item.payload, offset: this.offset };
        this.offset += HEADER_SIZE + item.header.length;
        this.frames.push(frame);
        this.account(frame);
        this.onFrame?.(frame);
      }
    } catch (err) {
      this.parseError = err instanceof WireError ? err : new WireError('bad-field', String(err));
    }
  }

  /** True between frames: the next byte pushed starts a frame header. */
  get atFrameBoundary(): boolean {
    return this.reader?.atFrameBoundary ?? true;
  }

  /** The first frame of this type, if one was seen. */
  first(type: number): SniffedFrame | undefined {
    return this.frames.find((f) => f.header.type === type);
  }

  /** Every DATA/END stream seen, in the order its first frame was. */
  streams(): SniffedStream[] {
    return [...this.streamState].map(([streamId, s]) => ({ streamId, bytes: s.bytes, sha256: s.hash.copy().digest('hex'), ended: s.ended }));
  }

  private account({ header, payload }: SniffedFrame): void {
    if (header.type !== FrameType.DATA && header.type !== FrameType.END) return;
    let stream = this.streamState.get(header.streamId);
    if (stream === undefined) this.streamState.set(header.streamId, (stream = { hash: createHash('sha256'), bytes: 0, ended: false }));
    if (header.type === FrameType.END) stream.ended = true;
    else {
      const tagSize = tagSizeOfWireVersion(header.version);
      const data = payload.subarray(0, Math.max(0, payload.length - tagSize));
      stream.hash.update(data);
      stream.bytes += data.length;
    }
  }
}

/** The frame exactly as it was on the wire: header (with its version) and payload. */
export function frameBytes(frame: SniffedFrame): Uint8Array {
  const { version, type, streamId, seq, length } = frame.header;
  return concatBytes(encodeHeader(type, streamId, seq, length, version), frame.payload);
}

/** One side's handshake: its frames on stream 0 before its first stream frame (v1: the HELLO, or the ACCEPT). */
export function handshakeFrames(frames: readonly SniffedFrame[]): SniffedFrame[] {
  const end = frames.findIndex((f) => f.header.streamId !== 0);
  return end < 0 ? [...frames] : frames.slice(0, end);
}

/**
 * A tap that reads one direction of a TCP connection as ASoc frames: a given flow, or that of the
 * first TCP packet `pick` chooses (a client's port is not known in advance).
 */
export class FrameSniffer {
  readonly parser = new FrameParser();
  readonly reassembler = new TcpReassembler((bytes) => this.parser.push(bytes));
  readonly watch: FlowWatch;

  constructor(flow: Flow | ((packet: Packet) => boolean)) {
    this.watch = new FlowWatch(flow);
  }

  /** Observes the flow's packets and passes every packet on unchanged. */
  readonly tap: Tap = (packet) => {
    if (this.watch.matches(packet)) this.reassembler.segment(packet);
    return packet;
  };
}

/**
 * The sending half of stt over UDP (docs/stt.md §7): frames cut into segments, one datagram each,
 * sent stream by stream in turn and kept until acknowledged; a segment unacknowledged at its
 * deadline is sent again with the same packet number, its deadline doubled each time.
 *
 * Each stream has its own window of segments in flight, so a stream whose segments are lost waits
 * for its retransmissions while the others go on: no segment of one stream ever waits behind
 * another's. The one thing streams share is the span of packet numbers in flight (`packetSpan`,
 * the receiver's duplicate window): a segment lost that many packets ago holds back new ones.
 * There is no congestion control (STT's public code has none to follow either); the windows bound
 * what is in flight. Sans-io: time comes in as arguments.
 */
import { dataHeaderSize, encodeDataSegment } from '../wire/stt-datagram.ts';

export interface DatagramSenderOptions {
  /** Largest datagram sent (header and segment bytes). */
  maxDatagramBytes: number;
  /** Segments of one stream in flight (sent, unacknowledged) at once. */
  windowPerStream: number;
  /** Packet numbers in flight span fewer than this (the receiver remembers this many). */
  packetSpan: number;
  initialRtoMs: number;
  /** The least an RTO leaves above the smoothed round trip (RFC 6298's clock granularity G): a steady RTT must not fire it. */
  rtoMarginMs: number;
  maxRtoMs: number;
  /** A segment sent this many times more without an acknowledgement: the peer is gone. */
  maxRetransmits: number;
}

/** A header's worst case: kind, three varints of at most 8, 5 and 5 bytes, flags. */
const WORST_HEADER = dataHeaderSize(2 ** 53 - 1, 0xffff_ffff, 0xffff_ffff);

interface Segment {
  index: number;
  last: boolean;
  bytes: Uint8Array;
}

interface OutStream {
  readonly id: number;
  queue: Segment[];
  head: number;
  nextIndex: number;
  inFlight: number;
  /** Its last frame was queued: forgotten once every segment is acknowledged. */
  closing: boolean;
}

interface Outstanding {
  readonly packet: number;
  readonly stream: OutStream;
  readonly datagram: Uint8Array;
  readonly segmentBytes: number;
  sentAt: number;
  deadline: number;
  retransmits: number;
  queuedAgain: boolean;
}

export interface SenderStats {
  datagramsSent: number;
  retransmissions: number;
  segmentsAcknowledged: number;
}

export class DatagramSender {
  readonly stats: SenderStats = { datagramsSent: 0, retransmissions: 0, segmentsAcknowledged: 0 };
  /** Why the peer counts as gone (a segment retransmitted maxRetransmits times), or null. */
  failure: string | null = null;
  private readonly streams = new Map<number, OutStream>();
  /** By packet number; insertion order is packet order, so the first entry is the oldest. */
  private readonly outstanding = new Map<number, Outstanding>();
  private readonly again: Outstanding[] = [];
  private nextPacket = 0;
  private cursor = 0;
  private queuedBytes = 0;
  private srtt: number | null = null;
  private rttvar = 0;
  private rto: number;
  private readonly segmentSize: number;

  constructor(private readonly options: DatagramSenderOptions) {
    this.segmentSize = options.maxDatagramBytes - WORST_HEADER;
    if (this.segmentSize < 1) throw new RangeError(`maxDatagramBytes ${options.maxDatagramBytes} leaves no room after a ${WORST_HEADER}-byte segment header`);
    this.rto = options.initialRtoMs;
  }

  /** Bytes of frames queued or in flight, not yet acknowledged. */
  get unacknowledgedBytes(): number {
    return this.queuedBytes;
  }

  /** Queues one whole frame on its stream; `closesStream`: nothing follows it on this stream. */
  sendFrame(streamId: number, frame: Uint8Array, closesStream: boolean): void {
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = { id: streamId, queue: [], head: 0, nextIndex: 0, inFlight: 0, closing: false };
      this.streams.set(streamId, stream);
    }
    for (let at = 0; at < frame.length; at += this.segmentSize) {
      const bytes = frame.subarray(at, at + this.segmentSize);
      stream.queue.push({ index: stream.nextIndex++, last: at + this.segmentSize >= frame.length, bytes });
    }
    stream.closing ||= closesStream;
    this.queuedBytes += frame.length;
  }

  /** The next datagram to send: a retransmission first, then the next stream's next segment. */
  pollDatagram(now: number): Uint8Array | null {
    if (this.failure) return null;
    const resend = this.again.shift();
    if (resend) {
      resend.queuedAgain = false;
      resend.sentAt = now;
      this.stats.datagramsSent++;
      this.stats.retransmissions++;
      return resend.datagram;
    }
    const stream = this.nextSendingStream();
    if (!stream) return null;
    const segment = stream.queue[stream.head++]!;
    if (stream.head >= 64 && stream.head * 2 >= stream.queue.length) {
      stream.queue = stream.queue.slice(stream.head);
      stream.head = 0;
    }
    const packet = this.nextPacket++;
    const datagram = encodeDataSegment({ packet, streamId: stream.id, index: segment.index, last: segment.last, bytes: segment.bytes });
    stream.inFlight++;
    this.outstanding.set(packet, { packet, stream, datagram, segmentBytes: segment.bytes.length, sentAt: now, deadline: now + this.rto, retransmits: 0, queuedAgain: false });
    this.stats.datagramsSent++;
    return datagram;
  }

  acknowledge(packets: readonly number[], now: number): void {
    for (const packet of packets) {
      const sent = this.outstanding.get(packet);
      if (!sent) continue; // acknowledged before, or never sent: nothing to do
      this.outstanding.delete(packet);
      if (sent.queuedAgain) this.again.splice(this.again.indexOf(sent), 1);
      if (sent.retransmits === 0) this.sampleRtt(now - sent.sentAt); // Karn: a retransmitted segment's ACK is ambiguous
      this.queuedBytes -= sent.segmentBytes;
      this.stats.segmentsAcknowledged++;
      const stream = sent.stream;
      stream.inFlight--;
      if (stream.closing && stream.inFlight === 0 && stream.head === stream.queue.length) this.streams.delete(stream.id);
    }
  }

  /** Nothing more will be sent (the connection closed without flushing): what is queued or in flight is forgotten. */
  abandon(): void {
    this.streams.clear();
    this.outstanding.clear();
    this.again.length = 0;
    this.queuedBytes = 0;
  }

  /** The earliest retransmission deadline, or null. */
  pollTimeout(): number | null {
    if (this.failure) return null;
    let earliest: number | null = null;
    for (const sent of this.outstanding.values()) if (!sent.queuedAgain && (earliest === null || sent.deadline < earliest)) earliest = sent.deadline;
    return earliest;
  }

  handleTimeout(now: number): void {
    if (this.failure) return;
    for (const sent of this.outstanding.values()) {
      if (sent.queuedAgain || sent.deadline > now) continue;
      if (sent.retransmits >= this.options.maxRetransmits) {
        this.failure = `packet ${sent.packet} (stream ${sent.stream.id}) unacknowledged after ${sent.retransmits} retransmissions`;
        return;
      }
      sent.retransmits++;
      sent.deadline = now + Math.min(this.options.maxRtoMs, this.rto * 2 ** sent.retransmits);
      sent.queuedAgain = true;
      this.again.push(sent);
    }
  }

  /** Round robin over the streams with a segment to send and room in their window. */
  private nextSendingStream(): OutStream | null {
    const oldest = this.outstanding.keys().next();
    if (!oldest.done && this.nextPacket - oldest.value >= this.options.packetSpan) return null;
    const streams = [...this.streams.values()];
    for (let k = 0; k < streams.length; k++) {
      const stream = streams[(this.cursor + k) % streams.length]!;
      if (stream.head < stream.queue.length && stream.inFlight < this.options.windowPerStream) {
        this.cursor = (this.cursor + k + 1) % streams.length;
        return stream;
      }
    }
    return null;
  }

  /** RFC 6298: RTO = SRTT + max(G, 4 × RTTVAR), at most maxRtoMs. */
  private sampleRtt(sample: number): void {
    if (this.srtt === null) {
      this.srtt = sample;
      this.rttvar = sample / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - sample);
      this.srtt = 0.875 * this.srtt + 0.125 * sample;
    }
    this.rto = Math.min(this.options.maxRtoMs, this.srtt + Math.max(this.options.rtoMarginMs, 4 * this.rttvar));
  }
}

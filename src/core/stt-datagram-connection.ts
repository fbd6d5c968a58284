/**
 * An stt connection over UDP (docs/stt.md §7): the real connection core (connection.ts) with the
 * `stt-datagram` kind, whose frames carry their nonce, between a DatagramSender and a
 * DatagramReceiver. The core's frames are cut into segments and sent stream by stream; the frames
 * reassembled go back into the core as each completes, so each stream's frames arrive in their
 * order and no stream waits for another's. Sans-io, like the core: drivers (sim/asoc on simulated
 * UDP, src/net on node:dgram) feed datagrams and time in and send what pollDatagram gives.
 *
 * One connection per pair of UDP endpoints: the datagrams carry no connection id.
 */
import { concatBytes, view } from '../wire/bytes.ts';
import { WireError } from '../wire/errors.ts';
import { FrameType, HEADER_SIZE } from '../wire/frame.ts';
import { MAX_ACKS_PER_DATAGRAM, decodeDatagram, encodeAck } from '../wire/stt-datagram.ts';
import { AsocConnection, type ConnectionConfig, type ConnectionProfile } from './connection.ts';
import { DatagramReceiver, DatagramRefusal, type DatagramReceiverOptions, type ReceivedFrame } from './datagram-receiver.ts';
import { DatagramSender, type DatagramSenderOptions } from './datagram-sender.ts';
import type { ConnectionEvent } from './events.ts';
import { HANDSHAKES } from './handshake-registry.ts';
import { STT } from './profile.ts';
import { STT_DATAGRAM_HANDSHAKE, STT_DATAGRAM_TAG_SIZE, type SttSecurity } from './stt-handshake.ts';

/** An stt profile (its settings kept, a node's frame size among them) over UDP: the kind whose frames carry their nonce, and a sealed close notice (UDP has no FIN). */
export function overUdp<P extends ConnectionProfile>(profile: P): P {
  const security = profile.security as SttSecurity;
  if (security.kind !== 'stt' && security.kind !== 'stt-datagram') throw new TypeError(`profile ${profile.name} does not run over UDP (only stt does)`);
  return { ...profile, security: { ...security, kind: 'stt-datagram' }, closeNotice: true };
}

/** The stt profile over UDP. */
export const STT_OVER_UDP: ConnectionProfile = { ...overUdp(STT), name: 'stt/udp' };

/** The lab's kinds and the datagram one, which no profile of PROFILES names. */
export const STT_DATAGRAM_HANDSHAKES = HANDSHAKES.with(STT_DATAGRAM_HANDSHAKE);

export type DatagramLimits = DatagramSenderOptions & DatagramReceiverOptions;

export const DEFAULT_DATAGRAM_LIMITS: DatagramLimits = {
  // Below IPv6's 1280-byte minimum MTU with its headers, as QUIC's datagrams are.
  maxDatagramBytes: 1200,
  windowPerStream: 32,
  packetSpan: 4096,
  packetWindow: 4096,
  initialRtoMs: 200,
  rtoMarginMs: 2,
  maxRtoMs: 2_000,
  maxRetransmits: 12,
  maxStreams: 2048,
  maxBufferedSegments: 64,
  maxFrameBytes: HEADER_SIZE + STT.maxFrameSize + STT_DATAGRAM_TAG_SIZE,
  maxBufferedBytes: 64 * 1024 * 1024,
};

/** Frames of streams other than 0 held while the handshake ends (the responder's first frames may overtake FINAL). */
const MAX_HELD_FRAMES = 256;

export type DatagramConnectionConfig = Omit<ConnectionConfig, 'profile' | 'handshakes'> & { profile?: ConnectionProfile; datagramLimits?: Partial<DatagramLimits> };

/** A core made elsewhere (a node's orchestration makes its connections' cores), of a datagram kind. */
export interface WrappedCore {
  connection: AsocConnection;
  datagramLimits?: Partial<DatagramLimits>;
}

export interface DatagramConnectionStats {
  refused: number;
  lastRefusal: string | null;
}

/** A frame the core handed out, its pieces still coming. */
interface OutgoingFrame {
  streamId: number;
  type: number;
  parts: Uint8Array[];
  remaining: number;
}

export class SttDatagramConnection {
  readonly connection: AsocConnection;
  readonly sender: DatagramSender;
  readonly receiver: DatagramReceiver;
  readonly stats: DatagramConnectionStats = { refused: 0, lastRefusal: null };
  private outgoing: OutgoingFrame | null = null;
  private held: ReceivedFrame[] = [];
  private acks: number[] = [];
  private failureReported = false;

  constructor(config: DatagramConnectionConfig | WrappedCore) {
    const limits = { ...DEFAULT_DATAGRAM_LIMITS, ...config.datagramLimits };
    if ('connection' in config) {
      this.connection = config.connection;
    } else {
      const { datagramLimits: _limits, profile, ...rest } = config;
      this.connection = new AsocConnection({ ...rest, profile: profile ?? STT_OVER_UDP, handshakes: STT_DATAGRAM_HANDSHAKES });
    }
    this.sender = new DatagramSender(limits);
    this.receiver = new DatagramReceiver(limits);
  }

  /** True once the core closed and every frame it sent was acknowledged, or the peer is gone. */
  get finished(): boolean {
    const drained = this.sender.unacknowledgedBytes === 0 && this.acks.length === 0 && this.outgoing === null;
    return this.sender.failure !== null || (this.connection.state === 'closed' && drained);
  }

  /** Takes one datagram; a bad or refused one is dropped and returned (a WireError or DatagramRefusal naming what was wrong). */
  receiveDatagram(bytes: Uint8Array, now: number): WireError | DatagramRefusal | null {
    let refusal: WireError | DatagramRefusal | null = null;
    try {
      const datagram = decodeDatagram(bytes);
      if (datagram.kind === 'ack') this.sender.acknowledge(datagram.packets, now);
      else {
        const taken = this.receiver.take(datagram);
        if (taken instanceof DatagramRefusal) refusal = taken;
        else this.acks.push(datagram.packet);
      }
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      refusal = err;
    }
    if (refusal) this.refused(refusal, now);
    this.deliverFrames(now);
    this.reportBacklog(now);
    return refusal;
  }

  /** The next datagram to send: acknowledgements first, then segments. */
  pollDatagram(now: number): Uint8Array | null {
    this.takeTransmit();
    if (this.acks.length > 0) return encodeAck(this.acks.splice(0, MAX_ACKS_PER_DATAGRAM));
    return this.sender.pollDatagram(now);
  }

  pollEvent(): ConnectionEvent | null {
    const event = this.connection.pollEvent();
    // A close without flush means nothing queued is to be written (connection.ts fail()): nor sent again.
    if (event?.type === 'closed' && !event.flush) this.sender.abandon();
    return event;
  }

  pollTimeout(): number | null {
    const core = this.connection.pollTimeout();
    const sender = this.sender.pollTimeout();
    if (core === null) return sender;
    return sender === null ? core : Math.min(core, sender);
  }

  handleTimeout(now: number): void {
    this.sender.handleTimeout(now);
    this.reportBacklog(now);
    this.connection.handleTimeout(now);
    if (this.sender.failure && !this.failureReported) {
      this.failureReported = true;
      this.connection.transportClosed(now, `peer unreachable: ${this.sender.failure}`);
    }
  }

  private refused(refusal: WireError | DatagramRefusal, now: number): void {
    this.stats.refused++;
    this.stats.lastRefusal = refusal.message;
    // A frame above the largest one the profile allows is the peer's violation, as on TCP.
    if (refusal instanceof DatagramRefusal && refusal.code === 'frame-too-large') this.connection.transportClosed(now, refusal.message);
  }

  /** Completed frames into the core; frames of other streams wait until the handshake is over, then go first. */
  private deliverFrames(now: number): void {
    for (let frame = this.receiver.pollFrame(); frame; frame = this.receiver.pollFrame()) {
      if (frame.streamId !== 0 && this.connection.state === 'handshaking' && this.held.length < MAX_HELD_FRAMES) {
        this.held.push(frame);
        continue;
      }
      this.deliverHeld(now);
      this.deliver(frame, now);
    }
    this.deliverHeld(now);
  }

  private deliverHeld(now: number): void {
    if (this.held.length === 0 || this.connection.state === 'handshaking') return;
    const held = this.held;
    this.held = [];
    for (const frame of held) this.deliver(frame, now);
  }

  private deliver(frame: ReceivedFrame, now: number): void {
    this.connection.receive(frame.bytes, now);
    // An END, or the receipt answering one, is the last frame of its stream in its direction.
    const type = frame.bytes[1];
    if (type === FrameType.END || type === FrameType.CONTROL) this.receiver.retire(frame.streamId);
  }

  /** The core's output, whole frames at a time, into the sender. */
  private takeTransmit(): void {
    for (const chunk of this.connection.pollTransmit() ?? []) {
      let frame = this.outgoing;
      if (!frame) {
        // The core hands out every frame's header as a piece of its own (connection.ts queueFrame).
        if (chunk.length !== HEADER_SIZE) throw new Error(`the connection core handed out ${chunk.length} bytes where a ${HEADER_SIZE}-byte frame header was due`);
        const header = view(chunk);
        frame = { streamId: header.getUint32(2), type: chunk[1]!, parts: [chunk], remaining: header.getUint32(10) };
      } else {
        frame.parts.push(chunk);
        frame.remaining -= chunk.length;
      }
      this.outgoing = frame.remaining > 0 ? frame : null;
      if (frame.remaining <= 0) this.sender.sendFrame(frame.streamId, concatBytes(...frame.parts), frame.type === FrameType.END || frame.type === FrameType.CONTROL);
    }
  }

  private reportBacklog(now: number): void {
    this.connection.transportBacklog(this.sender.unacknowledgedBytes, now);
  }
}

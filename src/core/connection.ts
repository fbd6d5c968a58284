/**
 * One ASoc connection, client or server side, as a sans-io machine (see connection-machine.ts): the
 * handshake, then any number of concurrent streams in both directions, with the violations and
 * timeouts of RFC-0001 §9.2/§9.3. The profile's security kind (handshake-registry.ts) brings the
 * handshake's messages and payloads and whether frames carry a tag afterwards (frame-protection.ts);
 * the handshake's progress is a state table (handshake-phase.ts); the stream rules are the same for
 * all kinds. It never touches a socket, a timer or a clock.
 */
import type { CryptoBackend } from '../crypto/backend.ts';
import type { ReplayCache, ReplayPolicy } from '../crypto/replay-cache.ts';
import { concatBytes } from '../wire/bytes.ts';
import { RECEIPT_SIZE, decodeReceipt, encodeCloseNotice, encodeReceipt, isCloseNotice } from '../wire/control.ts';
import { WireError } from '../wire/errors.ts';
import { FrameType, HEADER_SIZE, encodeHeader, frameTypeName, isCustomFrameType, requireCustomFrameType, type FrameHeader } from '../wire/frame.ts';
import { FrameReader, type ReaderItem } from '../wire/frame-reader.ts';
import type { PeerEvidence } from './admission.ts';
import type { ConnectionMachine } from './connection-machine.ts';
import type { AuthFailure, CloseReason, ConnectionEvent } from './events.ts';
import type { FrameOpener, FrameProtection, KeyUsage } from './frame-protection.ts';
import { sizeAllows, sizeText, type Handshake, type HandshakeClock, type HandshakeKind, type HandshakeMessage, type MessageSize, type Role, type SecuritySettings, type Session } from './handshake.ts';
import { HandshakePhase, HandshakeProtocolError, type Transition } from './handshake-phase.ts';
import { HANDSHAKES, type HandshakeRegistry } from './handshake-registry.ts';
import type { RandomSource } from './random.ts';

export interface ConnectionLimits {
  /** HELLO→ACCEPT must complete within this (§9.3: 10 s). */
  handshakeTimeoutMs: number;
  /**
   * Bytes waiting for delivery with no progress for this long mean the peer is dead (§9.3: 10 s).
   * Progress is the transport taking them, or, for a driver that reports its backlog
   * (transportBacklog), delivering them: a peer that stopped reading is caught even when its
   * bytes already left this machine's queue for the socket's.
   */
  sendStallTimeoutMs: number;
  /** An inbound stream with no frame for this long is dead (§9.3: 30 s). */
  streamIdleTimeoutMs: number;
  /** A frame begun (part of its header or payload received) with no further byte for this long closes the connection. */
  partialFrameTimeoutMs: number;
  /** Inbound streams open at once on one connection; one more closes the connection. */
  maxConcurrentStreams: number;
  /** Outbound DATA frames carry at most this many bytes (RFC-0001 default chunk: 1 MiB). */
  chunkSize: number;
  /**
   * Once established, each frame's header must be in within this of the previous frame's end, and
   * its payload within this of its header, or the connection closes (`read-timeout`): the Python
   * reference reads every frame with two 30 s timeouts, so a connection quiet for 30 s ends there.
   * Infinity (the RFC's profiles): no such timeout.
   */
  frameReadTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  handshakeTimeoutMs: 10_000,
  sendStallTimeoutMs: 10_000,
  streamIdleTimeoutMs: 30_000,
  partialFrameTimeoutMs: 30_000,
  maxConcurrentStreams: 1024,
  chunkSize: 1024 * 1024,
  frameReadTimeoutMs: Infinity,
};

/** What a connection reads of its profile (profile.ts's AsocProfile is one; a test may make its own). */
export interface ConnectionProfile {
  readonly name: string;
  /** The version byte of every frame header; a peer speaking another is closed (`version-mismatch`). */
  readonly wireVersion: number;
  /** Its `kind` picks the handshake from the registry; the rest is that kind's settings. */
  readonly security: SecuritySettings;
  /** Server records HELLO challenges (v1) or nonces (hardened) and rejects a repeat (RFC-0002 §4.3); the reference keeps none. */
  readonly helloReplay: ReplayPolicy | null;
  /** Largest frame payload accepted (checked on the header). The reference has none. */
  readonly maxFrameSize: number;
  /**
   * How frames are read before the handshake completes. `header` (default): a frame other than the
   * awaited message, or of the wrong size, closes the connection on its header, so nothing it
   * announces is read. `whole-frame`: every frame is read to its last byte and held first, then its
   * type, size and MAC are checked, as the Python reference does (any size its length field allows).
   */
  readonly handshakeReads?: 'header' | 'whole-frame';
  /**
   * Once established, END may carry the stream's last bytes (asoc-hardened): a message that fits
   * one frame is sent as one protected frame instead of DATA then END. Otherwise END is empty.
   */
  readonly endCarriesData?: boolean;
  /** Send the lab's CONTROL delivery receipt when a stream ends (ignored by v1 peers that don't know it). */
  readonly sendReceipts: boolean;
  /** Connection limits that differ from DEFAULT_LIMITS (a node's own settings override them). */
  readonly limits: Partial<ConnectionLimits>;
  /** Frames of types 0x80–0xFF after the handshake are taken whole and handed over (`custom-frame`), not ignored (stt). */
  readonly customFrames?: boolean;
  /**
   * The transport has no close of its own (stt over UDP): a connection closed by the application
   * once its frames are sealed first sends a sealed close notice (control.ts), and one received
   * closes this side as the peer's FIN would (`transport-closed`).
   */
  readonly closeNotice?: boolean;
}

export interface ConnectionConfig {
  role: Role;
  profile: ConnectionProfile;
  nodeId: Uint8Array;
  apiKey: Uint8Array;
  crypto: CryptoBackend;
  random: RandomSource;
  now: number;
  /** Unix time minus `now`, in ms: asoc-hardened HELLOs carry a Unix timestamp (default 0: `now` is Unix time). */
  unixOffsetMs?: number;
  /** Server only, shared by all of a server's connections: where HELLO challenges are remembered. */
  helloReplay?: ReplayCache;
  /** The node's own key, for kinds whose peers are known by keys of their own (subduction: an Ed25519 seed). */
  identity?: Uint8Array;
  /** Client only: whom it dials, when known: the node id (asoc-hardened) or the peer's key (subduction: Audience::Known) (handshake.ts's HandshakeConfig). */
  expectedPeer?: Uint8Array;
  /** Overrides the profile's limits, which override DEFAULT_LIMITS. */
  limits?: Partial<ConnectionLimits>;
  /** Where the profile's security kind is looked up (default: the lab's kinds, HANDSHAKES). */
  handshakes?: HandshakeRegistry;
}

export type ConnectionState = 'handshaking' | 'established' | 'closed';

interface InboundStream {
  nextSeq: number;
  bytes: number;
  frames: number;
  lastActivity: number;
}

interface OutboundStream {
  nextSeq: number;
  bytes: number;
}

/** Counters a driver, a bench or a scenario reads as evidence (wire bytes include frame headers). */
export interface ConnectionStats {
  bytesSent: number;
  bytesReceived: number;
  framesSent: number;
  framesReceived: number;
  /** Payload bytes of HELLO and ACCEPT (claim P1 counts these). */
  handshakePayloadBytes: number;
  payloadBytesSent: number;
  payloadBytesReceived: number;
}

export function zeroStats(): ConnectionStats {
  return { bytesSent: 0, bytesReceived: 0, framesSent: 0, framesReceived: 0, handshakePayloadBytes: 0, payloadBytesSent: 0, payloadBytesReceived: 0 };
}

/** Adds `from` into `into` (a node's totals over its connections). */
export function addStats(into: ConnectionStats, from: Readonly<ConnectionStats>): void {
  for (const key of Object.keys(into) as (keyof ConnectionStats)[]) into[key] += from[key];
}

const EMPTY = new Uint8Array(0);

export class AsocConnection implements ConnectionMachine<ConnectionEvent> {
  readonly role: Role;
  readonly limits: ConnectionLimits;
  readonly stats: ConnectionStats = zeroStats();

  private stateValue: ConnectionState = 'handshaking';
  private readonly kind: HandshakeKind;
  private readonly handshake: Handshake;
  private readonly phase: HandshakePhase;
  /** The session a handshake message agreed; the connection is established with it when the phase is. */
  private agreedSession: Session | null = null;
  /** Set once the session protects frames (asoc-hardened): from then on every frame is sealed and opened. */
  private protection: FrameProtection | null = null;
  /** The tagged DATA frame whose pieces are arriving: held until its tag verifies. */
  private opener: FrameOpener | null = null;
  private readonly reader: FrameReader;
  private readonly inbound = new Map<number, InboundStream>();
  private readonly outbound = new Map<number, OutboundStream>();
  private nextLocalStreamId: number;
  private transmitQueue: Uint8Array[] = [];
  private queued = 0;
  /** Bytes pollTransmit handed out, ever. */
  private handedOut = 0;
  /** Of those, what the driver last said its transport still holds undelivered (0 for drivers that never say). */
  private transportHeld = 0;
  /** Bytes known delivered (handed out minus held); it only grows, so a larger value is progress. */
  private delivered = 0;
  /** Since when bytes wait for delivery without progress; null while none wait. */
  private stalledSince: number | null = null;
  /** When the last byte arrived (for the partial-frame deadline). */
  private lastReceivedAt: number;
  private readonly events: ConnectionEvent[] = [];
  private eventHead = 0;
  private readonly handshakeDeadline: number;
  private now: number;
  private sessionTokenValue: Uint8Array | null = null;
  private peerNodeIdValue: Uint8Array | null = null;
  private evidence: PeerEvidence = 'nothing';
  /** `whole-frame` handshake reads: the pieces of the frame being read, held until its last byte. */
  private heldFrame: Uint8Array[] | null = null;
  /** Established, with a frame read timeout: when the reader last finished a header or a frame. */
  private readSince = 0;

  constructor(private readonly config: ConnectionConfig) {
    this.role = config.role;
    this.limits = { ...DEFAULT_LIMITS, ...config.profile.limits, ...config.limits };
    this.now = config.now;
    this.lastReceivedAt = config.now;
    this.handshakeDeadline = config.now + this.limits.handshakeTimeoutMs;
    // Client-initiated streams are odd, server-initiated even (RFC-0001 §5.3); 0 is reserved.
    this.nextLocalStreamId = config.role === 'client' ? 1 : 2;
    if (config.role === 'server' && config.profile.helloReplay && !config.helloReplay) {
      throw new Error(`profile ${config.profile.name} tracks HELLO challenges: give the server's shared helloReplay cache`);
    }
    const security = config.profile.security;
    const registered = (config.handshakes ?? HANDSHAKES).get(security.kind);
    this.kind = registered.kind;
    this.handshake = registered.kind.createHandshake(config, security);
    this.phase = new HandshakePhase(registered.tables[config.role]);
    this.reader = new FrameReader({
      version: config.profile.wireVersion,
      maxFrameSize: config.profile.maxFrameSize + this.kind.tagSize,
      streamed: (h) => this.isStreamed(h),
      checkHeader: (h) => this.checkFixedLength(h),
    });
    const start = this.phase.start();
    if (start.sends) this.sendHandshakeMessage(start.sends, this.handshake.initiate(this.clock()));
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The ACCEPT token (RFC-0002 §5): issued by the server, unused after the handshake in v1. */
  get sessionToken(): Uint8Array | null {
    return this.sessionTokenValue;
  }

  /** The peer's node id, when the handshake told it (a v1 server learns it; a v1 client does not). */
  get peerNodeId(): Uint8Array | null {
    return this.peerNodeIdValue;
  }

  /** How the session's keys were used (asoc-hardened): key changes, and the most bytes one key protected; null before a session protects frames. */
  get keyUsage(): KeyUsage | null {
    return this.protection?.usage ?? null;
  }

  /** What the peer had shown of the key so far (admission charges a failed handshake by it). */
  get peerEvidence(): PeerEvidence {
    return this.evidence;
  }

  /** Bytes queued here and not yet taken by pollTransmit: drivers add it to their socket's buffer for backpressure. */
  get queuedBytes(): number {
    return this.queued;
  }

  get openInboundStreams(): number {
    return this.inbound.size;
  }

  /** True when prepareFrames has work to do: the session protects frames and can make their cipher contexts ahead. */
  get framesToPrepare(): boolean {
    return this.stateValue === 'established' && this.protection?.unprepared === true;
  }

  /** Makes the cipher contexts of the next frames now; a driver calls it when nothing waits, so frames to come skip that work. */
  prepareFrames(): void {
    if (this.stateValue === 'established') this.protection?.prepare?.();
  }

  // ---- input -------------------------------------------------------------------------------

  receive(bytes: Uint8Array, now: number): void {
    this.advanceTo(now);
    if (this.isClosed()) return;
    this.stats.bytesReceived += bytes.length;
    this.lastReceivedAt = this.now;
    this.reader.push(bytes);
    const milestones = this.reader.milestones;
    this.readFrames();
    if (this.reader.milestones !== milestones) this.readSince = this.now;
  }

  private readFrames(): void {
    while (!this.isClosed()) {
      let item: ReaderItem | null;
      try {
        item = this.reader.read();
      } catch (err) {
        this.fail(closeReasonFor(err as WireError, this.stateValue === 'handshaking'), (err as WireError).message);
        return;
      }
      if (item === null) return;
      if (item.kind === 'frame') this.onFrame(item.header, item.payload);
      else this.onPiece(item.header, item.data, item.offset, item.last);
    }
  }

  /**
   * The transport ended (FIN, reset or error): streams still open are aborted, and what is queued
   * is dropped, as nothing can carry it any more (also after a close that meant to flush it).
   */
  transportClosed(now: number, detail = 'connection closed by peer'): void {
    this.advanceTo(now);
    if (this.stateValue !== 'closed') this.closeWith('transport-closed', detail, false);
    this.dropQueue();
    this.transportHeld = 0;
  }

  /**
   * The driver's view of delivery: of the bytes pollTransmit handed out, `held` are still in its
   * transport's buffers (not yet taken by the kernel, or not yet acknowledged by the peer). Fewer
   * held than handed out since the last report is progress, and restarts the send-stall clock;
   * bytes held with no progress keep it running, so a peer that stopped reading times out although
   * this side's queue is empty. Drivers call it before reading pollTimeout and before handleTimeout.
   */
  transportBacklog(held: number, now: number): void {
    this.advanceTo(now);
    if (this.stateValue === 'closed') return;
    this.transportHeld = held;
    const delivered = this.handedOut - held;
    const progressed = delivered > this.delivered;
    if (progressed) this.delivered = delivered;
    this.updateStallClock(progressed);
  }

  handleTimeout(now: number): void {
    this.advanceTo(now);
    if (this.stateValue === 'closed') return;
    if (this.stateValue === 'handshaking' && now >= this.handshakeDeadline) {
      this.fail('handshake-timeout', `no ${this.phase.awaiting?.name.toUpperCase()} within ${this.limits.handshakeTimeoutMs} ms`);
      return;
    }
    if (this.stateValue === 'established' && now >= this.readSince + this.limits.frameReadTimeoutMs) {
      this.fail('read-timeout', `no complete frame ${this.reader.inPayload ? 'payload' : 'header'} within ${this.limits.frameReadTimeoutMs} ms`);
      return;
    }
    if (this.stalledSince !== null && now >= this.stalledSince + this.limits.sendStallTimeoutMs) {
      const where = this.transportHeld > 0 ? ` (${this.queued} queued here, ${this.transportHeld} in the transport)` : '';
      this.fail('send-timeout', `${this.queued + this.transportHeld} bytes not delivered for ${this.limits.sendStallTimeoutMs} ms${where}: the peer stopped reading or cannot be reached`);
      return;
    }
    if (this.partialFrameDeadline() <= now) {
      this.fail('partial-frame-timeout', `${this.reader.pendingBytes} bytes of an unfinished frame, then nothing for ${this.limits.partialFrameTimeoutMs} ms`);
      return;
    }
    for (const [streamId, stream] of this.inbound) {
      if (now >= stream.lastActivity + this.limits.streamIdleTimeoutMs) {
        this.inbound.delete(streamId);
        this.emit({ type: 'stream-aborted', streamId, bytes: stream.bytes, reason: 'stream-idle-timeout' });
      }
    }
  }

  // ---- output ------------------------------------------------------------------------------

  pollTransmit(): Uint8Array[] | null {
    if (this.transmitQueue.length === 0) return null;
    const out = this.transmitQueue;
    this.transmitQueue = [];
    this.handedOut += this.queued;
    this.queued = 0;
    // A transport that holds nothing undelivered (or never says) took them as fast as it could: the
    // clock starts over. Otherwise it keeps running until the transport reports progress.
    if (this.transportHeld === 0) this.stalledSince = null;
    return out;
  }

  pollEvent(): ConnectionEvent | null {
    if (this.eventHead === this.events.length) {
      if (this.eventHead > 0) {
        this.events.length = 0;
        this.eventHead = 0;
      }
      return null;
    }
    return this.events[this.eventHead++]!;
  }

  pollTimeout(): number | null {
    if (this.stateValue === 'closed') return null;
    let deadline = this.stateValue === 'handshaking' ? this.handshakeDeadline : this.readSince + this.limits.frameReadTimeoutMs;
    if (this.stalledSince !== null) deadline = Math.min(deadline, this.stalledSince + this.limits.sendStallTimeoutMs);
    deadline = Math.min(deadline, this.partialFrameDeadline());
    for (const stream of this.inbound.values()) deadline = Math.min(deadline, stream.lastActivity + this.limits.streamIdleTimeoutMs);
    return deadline === Infinity ? null : deadline;
  }

  // ---- application calls -------------------------------------------------------------------

  /** Allocates the next local stream id. Only once established. */
  openStream(): number {
    this.requireEstablished('open a stream');
    const streamId = this.nextLocalStreamId;
    if (streamId > 0xffffffff) throw new Error('stream ids exhausted on this connection');
    this.nextLocalStreamId += 2;
    this.outbound.set(streamId, { nextSeq: 0, bytes: 0 });
    return streamId;
  }

  /** Queues `data` as DATA frames of at most chunkSize bytes; the bytes are referenced, not copied. */
  sendData(streamId: number, data: Uint8Array, now: number): void {
    this.advanceTo(now);
    const stream = this.requireOutbound(streamId);
    for (let at = 0; at < data.length; at += this.limits.chunkSize) {
      const chunk = data.subarray(at, Math.min(at + this.limits.chunkSize, data.length));
      this.queueFrame(FrameType.DATA, streamId, stream.nextSeq++, chunk);
      stream.bytes += chunk.length;
      this.stats.payloadBytesSent += chunk.length;
    }
  }

  /**
   * Queues `last` (the stream's last bytes, if any), then END (seq = last DATA seq + 1), and forgets
   * the stream. On a profile whose END carries data, END carries the last chunk of `last` (the
   * whole chunks before it go in DATA frames); otherwise all of it goes in DATA frames and END is empty.
   * Returns the bytes the stream carried.
   */
  endStream(streamId: number, now: number, last: Uint8Array = EMPTY): number {
    this.advanceTo(now);
    const stream = this.requireOutbound(streamId);
    // Cut as sendData cuts: whole chunks from the front; END takes what is left after them.
    const lastChunkAt = Math.max(0, Math.ceil(last.length / this.limits.chunkSize) - 1) * this.limits.chunkSize;
    const inEnd = this.config.profile.endCarriesData ? last.subarray(lastChunkAt) : EMPTY;
    this.sendData(streamId, last.subarray(0, last.length - inEnd.length), now);
    this.queueFrame(FrameType.END, streamId, stream.nextSeq, inEnd);
    stream.bytes += inEnd.length;
    this.stats.payloadBytesSent += inEnd.length;
    this.outbound.delete(streamId);
    return stream.bytes;
  }

  /** Queues one frame of a custom type (0x80–0xFF) on a profile that allows them; its meaning is the application's. */
  sendCustomFrame(frameType: number, streamId: number, payload: Uint8Array, now: number): void {
    this.advanceTo(now);
    this.requireEstablished('send a custom frame');
    if (!this.config.profile.customFrames) throw new ConnectionStateError(`profile ${this.config.profile.name} has no custom frames`);
    requireCustomFrameType(frameType);
    if (payload.length > this.config.profile.maxFrameSize) throw new ConnectionStateError(`a custom frame carries at most ${this.config.profile.maxFrameSize} bytes, got ${payload.length}`);
    this.queueFrame(frameType, streamId, 0, payload);
  }

  /** Closes from this side. What is already queued is still meant to be written (`flush: true`). */
  close(now: number, detail = 'closed by the application'): void {
    this.advanceTo(now);
    if (this.stateValue === 'closed') return;
    // Once frames are sealed: an stt client that sent AUTH_PROOF is established at the server before FINAL reaches it.
    if (this.config.profile.closeNotice && this.protection) this.queueFrame(FrameType.CONTROL, 0, 0, encodeCloseNotice());
    this.closeWith('local', detail, true);
  }

  // ---- frame handling ----------------------------------------------------------------------

  private onPiece(header: FrameHeader, data: Uint8Array, offset: number, last: boolean): void {
    if (offset === 0) {
      this.stats.framesReceived++;
      if (this.protection?.exhausted) return this.fail('key-exhausted', 'the session has protected as many frames as it may');
      if (this.stateValue === 'handshaking') {
        if (this.readsWholeFrames()) {
          this.heldFrame = [];
        } else {
          // The awaited message always comes whole (isStreamed), so the phase refuses this frame and the connection closes.
          if (this.takeHandshakeFrame(header)) throw new Error(`${frameTypeName(header.type)}: a handshake message came in pieces`);
          return;
        }
      }
      // A body that came in one read is opened with one call; one in pieces is fed to the cipher as they come.
      if (this.protection && last) return this.onSealedFrame(this.protection, header, data);
      if (this.protection) this.opener = this.protection.beginOpen(wireHeader(header), header.length);
    }
    if (this.heldFrame) this.onHeldPiece(this.heldFrame, header, data, last);
    else if (this.opener) this.onSealedPiece(this.opener, header, data, last);
    else this.onStreamPiece(header, data, offset, last);
  }

  /** A piece of a frame read whole before the handshake: nothing of it is looked at before its last byte. */
  private onHeldPiece(held: Uint8Array[], header: FrameHeader, data: Uint8Array, last: boolean): void {
    if (data.length > 0) held.push(data);
    if (!last) return;
    this.heldFrame = null;
    const transition = this.takeHandshakeFrame(header);
    if (!transition) return;
    const size = transition.takes!.size;
    if (!sizeAllows(size, header.length)) return this.fail('bad-length', `${frameTypeName(header.type)} payload must be ${sizeText(size)}, got ${header.length}`);
    this.takeHandshakeMessage(transition, held.length === 1 ? held[0]! : concatBytes(...held));
  }

  /** A tagged frame (DATA, or one to ignore) whose body came whole. */
  private onSealedFrame(protection: FrameProtection, header: FrameHeader, body: Uint8Array): void {
    const payload = protection.open(wireHeader(header), body);
    if (payload === null) return this.integrityFailed(header);
    this.onStreamPiece({ ...header, length: payload.length }, payload, 0, true);
  }

  /** A piece of a tagged frame (DATA, or one to ignore): nothing of it is used before the whole frame authenticates. */
  private onSealedPiece(opener: FrameOpener, header: FrameHeader, data: Uint8Array, last: boolean): void {
    opener.take(data);
    if (!last) return;
    this.opener = null;
    const pieces = opener.finish();
    if (pieces === null) return this.integrityFailed(header);
    const plain = { ...header, length: header.length - this.protection!.tagSize };
    if (pieces.length === 0) return this.onStreamPiece(plain, EMPTY, 0, true);
    let offset = 0;
    for (let i = 0; i < pieces.length && !this.isClosed(); i++) {
      this.onStreamPiece(plain, pieces[i]!, offset, i === pieces.length - 1);
      offset += pieces[i]!.length;
    }
  }

  /** A piece of DATA, or of an END that carries data (opened first, when tagged), or of a frame to ignore. */
  private onStreamPiece(header: FrameHeader, data: Uint8Array, offset: number, last: boolean): void {
    if (header.type !== FrameType.DATA && header.type !== FrameType.END) {
      if (offset === 0) this.emit({ type: 'frame-ignored', frameType: header.type, streamId: header.streamId, length: header.length });
      return;
    }
    const stream = offset === 0 ? this.startDataFrame(header, this.inbound.get(header.streamId)) : this.inbound.get(header.streamId);
    // No stream: this frame's first piece closed the connection, or the stream idled out mid-frame.
    if (!stream) return;
    stream.bytes += data.length;
    stream.lastActivity = this.now;
    this.stats.payloadBytesReceived += data.length;
    if (last && (header.type === FrameType.DATA || header.length > 0)) stream.frames++;
    if (data.length > 0) this.emit({ type: 'stream-data', streamId: header.streamId, data });
    if (last && header.type === FrameType.END) this.endInbound(header.streamId, stream);
  }

  private startDataFrame(header: FrameHeader, stream: InboundStream | undefined): InboundStream | undefined {
    if (header.streamId === 0) {
      this.fail('bad-stream-id', `${frameTypeName(header.type)} on reserved stream 0`);
      return undefined;
    }
    if (!stream) {
      if (header.seq !== 0) {
        this.fail('bad-seq', `stream ${header.streamId} starts at seq ${header.seq}, expected 0`);
        return undefined;
      }
      if (this.inbound.size >= this.limits.maxConcurrentStreams) {
        this.fail('too-many-streams', `more than ${this.limits.maxConcurrentStreams} inbound streams open`);
        return undefined;
      }
      stream = { nextSeq: 0, bytes: 0, frames: 0, lastActivity: this.now };
      this.inbound.set(header.streamId, stream);
      this.emit({ type: 'stream-opened', streamId: header.streamId });
    }
    if (header.seq !== stream.nextSeq) {
      this.fail('bad-seq', `stream ${header.streamId}: seq ${header.seq}, expected ${stream.nextSeq}`);
      return undefined;
    }
    stream.nextSeq++;
    return stream;
  }

  private onFrame(received: FrameHeader, body: Uint8Array): void {
    this.stats.framesReceived++;
    let header = received;
    let payload = body;
    if (this.protection?.exhausted) return this.fail('key-exhausted', 'the session has protected as many frames as it may');
    if (this.protection) {
      const opened = this.protection.open(wireHeader(received), body);
      if (opened === null) return this.integrityFailed(received);
      header = { ...received, length: opened.length };
      payload = opened;
    }
    if (this.stateValue === 'handshaking') return this.onHandshakeFrame(header, payload);
    if (header.type === FrameType.END) return this.onEnd(header);
    if (header.type === FrameType.CONTROL && this.onControl(header, payload)) return;
    if (this.takesCustom(header.type)) return this.emit({ type: 'custom-frame', frameType: header.type, streamId: header.streamId, payload });
    this.emit({ type: 'frame-ignored', frameType: header.type, streamId: header.streamId, length: header.length });
  }

  /** A whole frame while handshaking (opened first, if the session already protects frames). */
  private onHandshakeFrame(header: FrameHeader, payload: Uint8Array): void {
    const transition = this.takeHandshakeFrame(header);
    if (transition) this.takeHandshakeMessage(transition, payload);
  }

  private takeHandshakeMessage(transition: Transition, payload: Uint8Array): void {
    const message = transition.takes!;
    this.stats.handshakePayloadBytes += payload.length + this.tagOn(message);
    // A sealed message got here only because its tag verified under this session's key.
    if (message.sealed) this.evidence = 'key';
    const verdict = this.handshake.receive(message.name, payload, this.clock());
    // A failure other than a bad MAC comes after the MAC verified.
    if (this.evidence === 'nothing' && (verdict.ok || verdict.failure !== 'bad-signature')) this.evidence = 'mac';
    if (!verdict.ok) return this.authFailed(verdict.failure, verdict.detail, verdict.refusal);
    if (transition.next === 'refused') throw new Error(`security kind ${this.kind.name}: its ${message.name} must refuse the handshake`);
    if (verdict.session) this.agree(verdict.session);
    if (transition.sends) {
      if (!verdict.reply) throw new Error(`security kind ${this.kind.name}: no ${transition.sends.name} payload after ${message.name}`);
      this.sendHandshakeMessage(transition.sends, verdict.reply);
    }
    // Frames after the message that agreed the session, and after this side's clear answer to it, are protected.
    if (this.agreedSession) this.protection = this.agreedSession.protection;
    if (transition.next === 'established') this.establish(this.requireAgreedSession());
  }

  /** The phase's transition for this frame; any frame but the awaited message closes the connection (as the reference does). */
  private takeHandshakeFrame(header: FrameHeader): Transition | null {
    let transition: Transition;
    try {
      transition = this.phase.receiveFrame(header.type);
    } catch (err) {
      if (!(err instanceof HandshakeProtocolError) || !err.awaiting) throw err;
      this.fail(`expected-${err.awaiting.name}`, `${frameTypeName(header.type)} frame before the handshake completed`);
      return null;
    }
    if (this.kind.messagesOnStreamZero && (header.streamId !== 0 || header.seq !== 0)) {
      this.fail(header.streamId !== 0 ? 'bad-stream-id' : 'bad-seq', `${frameTypeName(header.type)} on stream ${header.streamId}, seq ${header.seq}: a handshake message comes on stream 0, seq 0`);
      return null;
    }
    return transition;
  }

  private agree(session: Session): void {
    const tagSize = session.protection?.tagSize ?? 0;
    if (tagSize !== this.kind.tagSize) throw new Error(`security kind ${this.kind.name}: its session's frames carry ${tagSize}-byte tags, the kind declares ${this.kind.tagSize}`);
    this.agreedSession = session;
  }

  private sendHandshakeMessage(message: HandshakeMessage, payload: Uint8Array): void {
    if (message.sealed) this.protection = this.requireAgreedSession().protection;
    this.queueFrame(message.frameType, 0, 0, payload);
    this.stats.handshakePayloadBytes += payload.length + this.tagOn(message);
  }

  /** What a handshake message carries beyond its payload: the tag, when it is sealed. */
  private tagOn(message: HandshakeMessage): number {
    return message.sealed ? this.kind.tagSize : 0;
  }

  private requireAgreedSession(): Session {
    if (!this.agreedSession) throw new Error(`security kind ${this.kind.name}: the handshake reached a step that needs its session before agreeing one`);
    return this.agreedSession;
  }

  private establish(session: Session): void {
    this.stateValue = 'established';
    this.readSince = this.now;
    this.peerNodeIdValue = session.peerNodeId;
    this.sessionTokenValue = session.token;
    this.emit({ type: 'established', peerNodeId: session.peerNodeId, sessionToken: session.token });
  }

  private onEnd(header: FrameHeader): void {
    if (header.streamId === 0) return this.fail('bad-stream-id', 'END on reserved stream 0');
    const stream = this.inbound.get(header.streamId);
    const expected = stream ? stream.nextSeq : 0; // END at seq 0 on an unseen stream: an empty stream
    if (header.seq !== expected) return this.fail('bad-seq', `stream ${header.streamId}: END at seq ${header.seq}, expected ${expected}`);
    if (!stream) this.emit({ type: 'stream-opened', streamId: header.streamId });
    this.endInbound(header.streamId, stream);
  }

  /** The stream's END arrived (after its bytes, if it carried any): it is over, and the receipt says what it carried. */
  private endInbound(streamId: number, stream: InboundStream | undefined): void {
    const bytes = stream?.bytes ?? 0;
    const frames = stream?.frames ?? 0;
    this.inbound.delete(streamId);
    this.emit({ type: 'stream-end', streamId, bytes, frames });
    if (this.config.profile.sendReceipts) this.queueFrame(FrameType.CONTROL, streamId, 0, encodeReceipt({ bytes, frames }));
  }

  private onControl(header: FrameHeader, payload: Uint8Array): boolean {
    if (this.config.profile.closeNotice && header.streamId === 0 && isCloseNotice(payload)) {
      this.fail('transport-closed', 'the peer closed the session (its close notice)');
      return true;
    }
    const receipt = decodeReceipt(payload);
    if (!receipt) return false;
    this.updateStallClock(true); // the peer read a whole stream: it is alive and reading
    this.emit({ type: 'receipt', streamId: header.streamId, ...receipt });
    return true;
  }

  // ---- helpers -----------------------------------------------------------------------------

  private queueFrame(type: number, streamId: number, seq: number, payload: Uint8Array): void {
    if (this.isClosed()) return;
    const protection = this.protection;
    if (protection?.exhausted) return this.fail('key-exhausted', 'the session has protected as many frames as it may');
    const length = payload.length + (protection ? protection.tagSize : 0);
    const header = encodeHeader(type, streamId, seq, length, this.config.profile.wireVersion);
    this.transmitQueue.push(header);
    if (protection) for (const part of protection.seal(header, payload, this.now)) this.transmitQueue.push(part);
    else if (payload.length > 0) this.transmitQueue.push(payload);
    const size = HEADER_SIZE + length;
    this.queued += size;
    this.stats.bytesSent += size;
    this.stats.framesSent++;
    if (this.stalledSince === null) this.stalledSince = this.now;
  }

  /**
   * RFC-0001 §9.2 / RFC-0002 §6.2.1: close at once, no error frame. A kind with a refusal message
   * sends that instead, alone, before the close.
   */
  private authFailed(reason: AuthFailure, detail: string, refusal?: Uint8Array): void {
    this.emit({ type: 'auth-failed', reason });
    const closeReason = reason === 'bad-signature' ? 'auth-failed' : reason;
    if (!refusal) return this.fail(closeReason, detail);
    const message = this.kind.refusal;
    if (message?.from !== this.role) throw new Error(`security kind ${this.kind.name}: the ${this.role} has no refusal message to send`);
    this.transmitQueue = [];
    this.queued = 0;
    this.queueFrame(message.frameType, 0, 0, refusal);
    this.stats.handshakePayloadBytes += refusal.length;
    this.closeWith(closeReason, detail, true);
  }

  private integrityFailed(header: FrameHeader): void {
    this.fail('integrity-failed', `${frameTypeName(header.type)} frame (stream ${header.streamId}, seq ${header.seq}) does not authenticate`);
  }

  /** A violation or timeout: nothing more is sent, queued frames are dropped. */
  private fail(reason: CloseReason, detail: string): void {
    this.closeWith(reason, detail, false);
  }

  private dropQueue(): void {
    this.transmitQueue = [];
    this.queued = 0;
  }

  /** No bytes waiting: no clock. Progress: it starts over. Otherwise it keeps running (or starts). */
  private updateStallClock(progressed: boolean): void {
    if (this.queued === 0 && this.transportHeld === 0) this.stalledSince = null;
    else if (progressed || this.stalledSince === null) this.stalledSince = this.now;
  }

  /** Established and in the middle of a frame: the last byte's time plus the limit (the handshake has its own deadline). */
  private partialFrameDeadline(): number {
    if (this.stateValue !== 'established' || this.reader.atFrameBoundary) return Infinity;
    return this.lastReceivedAt + this.limits.partialFrameTimeoutMs;
  }

  /** Without `flush` nothing queued will be written. */
  private closeWith(reason: CloseReason, detail: string, flush: boolean): void {
    if (!flush) this.dropQueue();
    this.stateValue = 'closed';
    this.heldFrame = null;
    this.stalledSince = null;
    for (const [streamId, stream] of this.inbound) this.emit({ type: 'stream-aborted', streamId, bytes: stream.bytes, reason });
    this.inbound.clear();
    this.outbound.clear();
    this.emit({ type: 'closed', reason, detail, flush });
  }

  /** A method, not a property test, so TypeScript does not narrow the state across calls that change it. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private emit(event: ConnectionEvent): void {
    this.events.push(event);
  }

  private advanceTo(now: number): void {
    if (now > this.now) this.now = now;
  }

  /**
   * Which frames come out in pieces rather than assembled, decided on the header. Streamed frames
   * are never buffered whole, so no header can make this side allocate what it announces:
   * - handshaking: everything but the awaited handshake message or the peer's refusal (whose sizes
   *   are bounded), so that any other frame closes the connection on its first piece; with
   *   `whole-frame` reads, every frame, its pieces held as they arrive (onHeldPiece);
   * - tagged (asoc-hardened): everything but a receipt-sized CONTROL, which is small, and an END
   *   that carries no data; the pieces are held, uncopied, until the tag verifies (onSealedPiece);
   * - v1: DATA, reserved and unknown types, a CONTROL too large to be a receipt, and HELLO/ACCEPT
   *   (ignored after the handshake);
   * - but on a profile with custom frames (stt), a custom frame is assembled, within the maximum
   *   frame size, and handed over whole.
   */
  private isStreamed(h: FrameHeader): boolean {
    if (this.stateValue === 'handshaking') return this.readsWholeFrames() || !this.phase.takes(h.type);
    const tag = this.protection?.tagSize ?? 0;
    if (h.type === FrameType.END) return this.endCarriesData();
    if (this.takesCustom(h.type)) return false;
    if (h.type === FrameType.CONTROL) return h.length > RECEIPT_SIZE + tag;
    return true;
  }

  /** Frames under the session's protection (a sealed handshake message) are read as usual: their tag comes first. */
  private readsWholeFrames(): boolean {
    return this.config.profile.handshakeReads === 'whole-frame' && this.protection === null;
  }

  /** Established on a profile whose END may carry the stream's last bytes. */
  private endCarriesData(): boolean {
    return this.config.profile.endCarriesData === true && this.stateValue === 'established';
  }

  private takesCustom(type: number): boolean {
    return this.config.profile.customFrames === true && isCustomFrameType(type);
  }

  private clock(): HandshakeClock {
    return { now: this.now, unixMs: this.now + (this.config.unixOffsetMs ?? 0) };
  }

  /**
   * END is empty (but for its tag), unless it carries data. While handshaking, a message of the kind sent in the clear has
   * its size whichever side it reaches (as the reference checks HELLO and ACCEPT), and a sealed one,
   * once awaited, its size and the tag. Refused on the header, before buffering.
   */
  private checkFixedLength(h: FrameHeader): void {
    if (this.stateValue === 'handshaking' && this.readsWholeFrames()) return;
    const tag = this.protection?.tagSize ?? 0;
    if (h.type === FrameType.END && !this.endCarriesData()) return requireLength(h, 0, tag);
    if (this.stateValue !== 'handshaking') return;
    const message = this.phase.messageOf(h.type);
    if (message && (!message.sealed || message === this.phase.awaiting)) requireLength(h, message.size, message.sealed ? tag : 0);
  }

  private requireEstablished(action: string): void {
    if (this.stateValue !== 'established') throw new ConnectionStateError(`cannot ${action}: connection is ${this.stateValue}`);
  }

  private requireOutbound(streamId: number): OutboundStream {
    this.requireEstablished('send');
    const stream = this.outbound.get(streamId);
    if (!stream) throw new ConnectionStateError(`stream ${streamId} is not an open outbound stream`);
    return stream;
  }
}

/** An application call made in a state that does not allow it (a bug in the caller, not the peer). */
export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
}

function requireLength(h: FrameHeader, size: MessageSize, tag: number): void {
  const total: MessageSize = typeof size === 'number' ? size + tag : { atMost: size.atMost + tag };
  if (!sizeAllows(total, h.length)) throw new WireError('bad-length', `${frameTypeName(h.type)} payload must be ${sizeText(total)}, header announces ${h.length}`);
}

/** The header's 14 bytes as they were on the wire: what a frame's tag authenticates. */
function wireHeader(h: FrameHeader): Uint8Array {
  return encodeHeader(h.type, h.streamId, h.seq, h.length, h.version);
}

function closeReasonFor(err: WireError, handshaking: boolean): CloseReason {
  // The reader only raises these three: it decodes headers, and checkHeader refuses bad lengths.
  if (err.code === 'bad-version') return handshaking ? 'version-mismatch' : 'bad-version';
  if (err.code === 'frame-too-large') return err.code;
  return 'bad-length';
}

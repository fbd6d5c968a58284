/**
 * One TCP connection at segment level (RFC 793/9293 state machine).
 *
 * Modelled: three-way handshake with random ISNs and the MSS option; 32-bit wire sequence and ACK
 * numbers (kept internally as absolute offsets: the SYN is 0, the first data byte 1); the receive
 * window advertised from free receive-buffer space, never shrinking its right edge, with receiver
 * SWS avoidance; sender SWS avoidance (no Nagle: TCP_NODELAY); an ACK for every segment carrying data
 * (no delayed ACKs); NewReno congestion control; fast retransmit on three duplicate ACKs; RTO per RFC
 * 6298 with exponential backoff and Karn's rule; go-back-N from the first unacknowledged byte after
 * a timeout; zero-window probing (persist timer); FIN in both directions with half-close, TIME_WAIT;
 * RST (RFC 793 rules: a reset in the window is accepted; a SYN in the window gets a challenge ACK).
 *
 * Not modelled: SACK, timestamps/PAWS, window scaling as an option (windows are plain byte counts),
 * delayed ACKs, Nagle, ECN, keep-alive, simultaneous open, urgent data, path MTU discovery.
 */
import { DeadlineTimer } from '../deadline-timer.ts';
import type { StackHost } from '../stack-host.ts';
import { EMPTY_PAYLOAD as EMPTY, Packet, Protocol, TcpFlag } from '../packet.ts';
import { ChunkQueue } from './chunk-queue.ts';
import { NewReno } from './new-reno.ts';
import { Reassembly } from './reassembly.ts';
import { RttEstimator } from './rtt-estimator.ts';
import type { TcpOptions } from './tcp-options.ts';
import type { CloseReason, TcpSocket, TcpState, TcpStats } from './tcp-socket.ts';

const { FIN, SYN, RST, PSH, ACK } = TcpFlag;

/** States in which this side may still send: data, its FIN, or their retransmissions. */
const SENDING_STATES: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'CLOSE_WAIT', 'FIN_WAIT_1', 'CLOSING', 'LAST_ACK']);

function maySend(state: TcpState): boolean {
  return SENDING_STATES.has(state);
}

/** States in which the peer may still send data. */
function peerMaySend(state: TcpState): boolean {
  return state === 'ESTABLISHED' || state === 'FIN_WAIT_1' || state === 'FIN_WAIT_2';
}

/** Who is at each end: this host's port and the peer's address and port. */
export interface ConnectionEnds {
  localPort: number;
  remoteAddress: number;
  remotePort: number;
}

/** The stack a connection belongs to. */
export interface ConnectionOwner {
  readonly host: StackHost;
  /** A passively opened connection completed its handshake. */
  accepted(connection: TcpConnection): void;
  /** The connection reached CLOSED and must leave the connection table. */
  removed(connection: TcpConnection): void;
  /** Answers a segment that must be refused with a RST. */
  sendReset(packet: Packet): void;
}

export class TcpConnection implements TcpSocket {
  onConnect: (() => void) | null = null;
  onEnd: (() => void) | null = null;
  onWritable: (() => void) | null = null;
  onAcked: (() => void) | null = null;
  onClose: ((reason: CloseReason) => void) | null = null;

  private currentState: TcpState;
  private readonly host: StackHost;
  private readonly label: string;
  private readonly options: Readonly<TcpOptions>;
  private dataHandler: ((bytes: Uint8Array) => void) | null = null;
  private paused = false;
  private consumeCheckPending = false;
  private closeReported = false;

  // send side, in absolute offsets of our sequence space
  private readonly iss: number;
  private sendMss: number;
  private readonly sendQueue = new ChunkQueue(1);
  private sndUna = 0;
  private sndNxt = 0;
  private sndMax = 0;
  private sndWnd = 0;
  private maxSndWnd = 0;
  private sndWl1 = -1;
  private sndWl2 = 0;
  private finQueued = false;
  private wantWritable = false;
  private readonly congestion: NewReno;
  private readonly rtt: RttEstimator;
  private timedSeqEnd = -1; // the segment being timed for an RTT sample ends here (-1: none)
  private timedSince = 0;
  private retries = 0;
  private persistBackoff = 1;
  private readonly retransmitTimer: DeadlineTimer;
  private readonly persistTimer: DeadlineTimer;

  // receive side, in absolute offsets of the peer's sequence space
  private irs = 0;
  private rcvNxt = 0;
  private advertisedEdge = 0;
  private ackOwed = false;
  private peerFinAt = -1;
  private peerFinished = false;
  private endReported = false;
  private readonly reassembly = new Reassembly();
  private readonly unread = new ChunkQueue(1);

  private readonly counters = {
    segmentsSent: 0,
    segmentsReceived: 0,
    bytesReceived: 0,
    retransmittedSegments: 0,
    timeouts: 0,
    fastRetransmits: 0,
    segmentsOutOfWindow: 0,
    segmentsAckingUnsent: 0,
  };

  readonly localPort: number;
  readonly remoteAddressValue: number;
  readonly remotePort: number;

  constructor(
    private readonly owner: ConnectionOwner,
    options: Readonly<TcpOptions>,
    iss: number,
    ends: ConnectionEnds,
    initial: { kind: 'active' } | { kind: 'passive'; syn: Packet },
  ) {
    this.localPort = ends.localPort;
    this.remoteAddressValue = ends.remoteAddress;
    this.remotePort = ends.remotePort;
    this.host = owner.host;
    this.options = options;
    this.iss = iss;
    this.sendMss = options.mss;
    this.label = `${this.host.addressText}:${ends.localPort}>${this.host.addresses.textOf(ends.remoteAddress)}:${ends.remotePort}`;
    this.congestion = new NewReno(options.mss, options.initialWindowSegments);
    this.rtt = new RttEstimator(options.initialRtoMs, options.minRtoMs, options.maxRtoMs);
    const scheduler = this.host.scheduler;
    this.retransmitTimer = new DeadlineTimer(scheduler, () => this.onRetransmitTimeout());
    this.persistTimer = new DeadlineTimer(scheduler, () => this.onPersistTimeout());
    this.sndNxt = 1;
    this.sndMax = 1;
    if (initial.kind === 'passive') {
      this.currentState = 'SYN_RECEIVED';
      this.learnPeerSyn(initial.syn);
    } else {
      this.currentState = 'SYN_SENT';
    }
    this.host.event('tcp.open', { conn: this.label, state: this.currentState });
    this.sendSyn();
  }

  // ---- application API -------------------------------------------------------------------------

  get localAddress(): string {
    return this.host.addressText;
  }

  get remoteAddress(): string {
    return this.host.addresses.textOf(this.remoteAddressValue);
  }

  get state(): TcpState {
    return this.currentState;
  }

  get onData(): ((bytes: Uint8Array) => void) | null {
    return this.dataHandler;
  }

  set onData(handler: ((bytes: Uint8Array) => void) | null) {
    this.dataHandler = handler;
    if (handler !== null) this.flowSoon();
  }

  get writableBytes(): number {
    if (this.finQueued || this.currentState === 'CLOSED') return 0;
    return Math.max(0, this.options.sendBufferBytes - this.sendQueue.length);
  }

  get unacknowledgedBytes(): number {
    return this.sendQueue.length;
  }

  get readableBytes(): number {
    return this.unread.length;
  }

  get stats(): TcpStats {
    return {
      ...this.counters,
      bytesAcked: Math.max(0, Math.min(this.sndUna, this.sendQueue.end) - 1),
      smoothedRttMs: this.rtt.smoothedRtt,
      rtoMs: this.rtt.rto,
      cwnd: this.congestion.cwnd,
      ssthresh: this.congestion.ssthresh,
      sendWindow: this.sndWnd,
    };
  }

  write(bytes: Uint8Array): number {
    if (this.finQueued || this.currentState === 'CLOSED') throw new Error(`write after end on ${this.label}`);
    const accepted = Math.min(bytes.length, this.writableBytes);
    if (accepted > 0) {
      this.sendQueue.append(accepted === bytes.length ? bytes : bytes.subarray(0, accepted));
      this.output();
    }
    if (accepted < bytes.length) this.wantWritable = true;
    return accepted;
  }

  read(maxBytes = Infinity): Uint8Array | null {
    if (this.unread.length === 0) return null;
    const chunk = this.unread.view(this.unread.start, maxBytes);
    this.unread.release(this.unread.start + chunk.length);
    this.afterConsume();
    return chunk;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.flowSoon();
  }

  end(): void {
    if (this.finQueued || this.currentState === 'CLOSED') return;
    this.finQueued = true;
    if (this.currentState === 'ESTABLISHED') this.setState('FIN_WAIT_1');
    else if (this.currentState === 'CLOSE_WAIT') this.setState('LAST_ACK');
    this.output();
  }

  destroy(): void {
    const state = this.currentState;
    if (state === 'CLOSED') return;
    if (state !== 'SYN_SENT' && state !== 'TIME_WAIT') this.transmit(this.sndMax, RST | ACK, EMPTY);
    this.terminate('destroyed');
  }

  // ---- segment input (called by the stack) ------------------------------------------------------

  segmentArrived(packet: Packet): void {
    this.counters.segmentsReceived++;
    if (this.currentState === 'SYN_SENT') this.synSentArrived(packet);
    else if (this.currentState !== 'CLOSED') this.synchronizedArrived(packet);
  }

  private synSentArrived(packet: Packet): void {
    const hasAck = packet.has(ACK);
    const ackOk = hasAck && packet.ack === ((this.iss + 1) >>> 0);
    if (hasAck && !ackOk) {
      if (!packet.has(RST)) this.owner.sendReset(packet);
      return;
    }
    if (packet.has(RST)) {
      if (ackOk) this.terminate('refused');
      return;
    }
    if (!packet.has(SYN) || !ackOk) return; // simultaneous open is not modelled
    this.learnPeerSyn(packet);
    this.synAcknowledged(packet);
    this.setState('ESTABLISHED');
    if (this.finQueued) this.setState('FIN_WAIT_1');
    this.ackOwed = true;
    this.onConnect?.();
    this.output();
    if (this.ackOwed) this.sendAck();
  }

  private synchronizedArrived(packet: Packet): void {
    const seq = this.unwrapPeerSeq(packet.seq);
    const dataLength = packet.payload.length;
    const hasSyn = packet.has(SYN);
    const segmentLength = dataLength + (hasSyn ? 1 : 0) + (packet.has(FIN) ? 1 : 0);
    if (hasSyn && this.currentState === 'SYN_RECEIVED' && seq === 0) {
      this.sendSyn(); // the peer did not get our SYN-ACK
      return;
    }
    if (!this.acceptable(seq, segmentLength)) {
      this.counters.segmentsOutOfWindow++;
      if (!packet.has(RST)) this.sendAck();
      return;
    }
    if (packet.has(RST)) {
      this.terminate('reset');
      return;
    }
    if (hasSyn) {
      this.sendAck(); // RFC 5961 challenge ACK
      return;
    }
    if (!packet.has(ACK) || !this.processAck(packet, seq)) return;
    if (peerMaySend(this.currentState)) this.processData(packet, seq);
    if (this.currentState === 'CLOSED') return;
    this.output(); // data that goes out now carries the ACK for what just arrived
    if (this.ackOwed) this.sendAck();
  }

  /** RFC 793's acceptability test against the window we advertised. */
  private acceptable(seq: number, segmentLength: number): boolean {
    const next = this.rcvNxt;
    const window = Math.max(0, this.advertisedEdge - next);
    if (window === 0) return seq === next;
    if (seq >= next && seq < next + window) return true;
    const last = seq + segmentLength - 1;
    return segmentLength > 0 && last >= next && last < next + window;
  }

  /** Returns false when the rest of the segment must be ignored. */
  private processAck(packet: Packet, seq: number): boolean {
    const ack = this.sndUna + ((packet.ack - ((this.iss + this.sndUna) >>> 0)) | 0);
    if (this.currentState === 'SYN_RECEIVED') {
      if (ack !== 1) {
        this.owner.sendReset(packet);
        return false;
      }
      this.synAcknowledged(packet);
      this.setState('ESTABLISHED');
      this.owner.accepted(this);
      if (this.finQueued) this.setState('FIN_WAIT_1');
    } else if (ack > this.sndMax) {
      this.counters.segmentsAckingUnsent++;
      this.sendAck(); // acknowledges something never sent
      return false;
    } else if (ack > this.sndUna) {
      this.advance(ack);
    } else if (ack === this.sndUna && this.isDuplicateAck(packet)) {
      this.duplicateAck();
    }
    this.updateWindow(packet, seq, ack);
    if (this.finQueued && this.sndUna === this.sendQueue.end + 1) this.ourFinAcknowledged();
    return this.currentState !== 'CLOSED';
  }

  private isDuplicateAck(packet: Packet): boolean {
    return (
      packet.payload.length === 0 &&
      (packet.flags & (SYN | FIN)) === 0 &&
      packet.window === this.sndWnd &&
      this.sndMax > this.sndUna
    );
  }

  private advance(ack: number): void {
    const acked = ack - this.sndUna;
    const now = this.host.scheduler.now;
    if (this.timedSeqEnd >= 0 && ack >= this.timedSeqEnd) {
      this.rtt.sample(now - this.timedSince);
      this.timedSeqEnd = -1;
    }
    this.sndUna = ack;
    if (this.sndNxt < ack) this.sndNxt = ack;
    this.sendQueue.release(ack);
    this.retries = 0;
    const flight = this.sndMax - ack;
    if (this.congestion.onNewAck(acked, ack, flight)) this.retransmitFirst();
    if (flight > 0) this.retransmitTimer.set(now + this.rtt.rto);
    else this.retransmitTimer.clear();
    this.onAcked?.();
    if (this.wantWritable && this.sendQueue.length <= this.options.sendBufferBytes / 2) {
      this.wantWritable = false;
      this.onWritable?.();
    }
  }

  private duplicateAck(): void {
    const action = this.congestion.onDuplicateAck(this.sndUna, this.sndMax - this.sndUna, this.sndMax);
    if (action === 'fast-retransmit') {
      this.counters.fastRetransmits++;
      this.host.event('tcp.fast-retransmit', { conn: this.label, seq: this.sndUna });
      this.retransmitFirst();
    }
  }

  /** RFC 793: take the window from the most recent segment (by seq, then by ack). */
  private updateWindow(packet: Packet, seq: number, ack: number): void {
    if (this.sndWl1 < seq || (this.sndWl1 === seq && this.sndWl2 <= ack)) {
      this.sndWnd = packet.window;
      this.sndWl1 = seq;
      this.sndWl2 = ack;
      if (packet.window > this.maxSndWnd) this.maxSndWnd = packet.window;
      if (packet.window > 0) this.persistBackoff = 1;
    }
  }

  private ourFinAcknowledged(): void {
    const state = this.currentState;
    if (state === 'FIN_WAIT_1') this.setState('FIN_WAIT_2');
    else if (state === 'CLOSING') this.enterTimeWait();
    else if (state === 'LAST_ACK') this.terminate('normal');
  }

  private processData(packet: Packet, seq: number): void {
    const payload = packet.payload;
    const end = seq + payload.length;
    const from = Math.max(seq, this.rcvNxt);
    const to = Math.min(end, this.advertisedEdge);
    if (from < to) {
      const data = from === seq && to === end ? payload : payload.subarray(from - seq, to - seq);
      if (from === this.rcvNxt) {
        this.acceptInOrder(data);
        if (!this.reassembly.isEmpty) {
          for (const piece of this.reassembly.takeFrom(this.rcvNxt)) this.acceptInOrder(piece);
        }
      } else {
        this.reassembly.insert(from, data);
      }
    }
    if (packet.has(FIN) && to === end) this.peerFinAt = end;
    if (this.peerFinAt >= 0 && this.peerFinAt === this.rcvNxt) this.peerFinReceived();
    if (payload.length > 0 || packet.has(FIN)) this.ackOwed = true;
    this.deliver();
  }

  private acceptInOrder(data: Uint8Array): void {
    this.unread.append(data);
    this.rcvNxt += data.length;
    this.counters.bytesReceived += data.length;
  }

  private peerFinReceived(): void {
    this.rcvNxt++;
    this.peerFinAt = -1;
    this.peerFinished = true;
    const state = this.currentState;
    if (state === 'ESTABLISHED') this.setState('CLOSE_WAIT');
    else if (state === 'FIN_WAIT_1') this.setState('CLOSING');
    else if (state === 'FIN_WAIT_2') this.enterTimeWait();
  }

  // ---- delivery to the application ---------------------------------------------------------------

  /** Starts the flow of buffered data at the next event (never inside the caller's own call). */
  private flowSoon(): void {
    this.host.scheduler.after(0, () => {
      if (this.unread.length === 0 && !this.peerFinished) return;
      this.deliver();
      this.afterConsume();
    });
  }

  private deliver(): void {
    while (this.dataHandler !== null && !this.paused && this.unread.length > 0 && this.currentState !== 'CLOSED') {
      const chunk = this.unread.view(this.unread.start, Infinity);
      this.unread.release(this.unread.start + chunk.length);
      this.dataHandler(chunk);
    }
    if (this.peerFinished && this.unread.length === 0 && !this.endReported && this.currentState !== 'CLOSED') {
      this.endReported = true;
      this.onEnd?.();
    }
  }

  /**
   * After the application consumed data: tell the peer when the window opened enough (receiver SWS
   * rule). Deferred to the next event, so the reads the application makes in one go send one update.
   */
  private afterConsume(): void {
    if (this.consumeCheckPending) return;
    this.consumeCheckPending = true;
    this.host.scheduler.after(0, () => {
      this.consumeCheckPending = false;
      if (peerMaySend(this.currentState) && this.windowCanOpen()) this.sendAck();
      if (this.peerFinished) this.deliver();
    });
  }

  private windowCanOpen(): boolean {
    const potentialEdge = this.rcvNxt + this.options.receiveBufferBytes - this.unread.length;
    return potentialEdge - this.advertisedEdge >= Math.min(this.options.receiveBufferBytes / 2, this.options.mss);
  }

  /** The window to put in an outgoing segment; moves the advertised right edge when allowed. */
  private receiveWindow(): number {
    if (this.windowCanOpen()) {
      this.advertisedEdge = this.rcvNxt + this.options.receiveBufferBytes - this.unread.length;
    }
    return Math.max(0, this.advertisedEdge - this.rcvNxt);
  }

  // ---- output ------------------------------------------------------------------------------------

  /** Sends what the windows allow. */
  private output(): void {
    if (!maySend(this.currentState)) return;
    const dataEnd = this.sendQueue.end;
    for (;;) {
      const pending = dataEnd - this.sndNxt;
      const finDue = this.finQueued && this.sndNxt <= dataEnd;
      if (pending <= 0 && !finDue) break;
      const usable = Math.floor(Math.min(this.congestion.cwnd, this.sndWnd) - (this.sndNxt - this.sndUna));
      const length = Math.max(0, Math.min(pending, this.sendMss, usable));
      if (pending > 0 && length === 0) break;
      // sender SWS avoidance: a short segment only when it empties the buffer or fills half the peer's window
      if (length < pending && length < this.sendMss && length < this.maxSndWnd / 2) break;
      if (this.sendNext(length)) break;
    }
    this.checkPersist();
  }

  /** Sends `length` bytes at sndNxt (plus the FIN if it is due); returns true when the FIN went out. */
  private sendNext(length: number): boolean {
    const seq = this.sndNxt;
    const consumed = this.sendFrom(seq, length);
    if (seq < this.sndMax) {
      this.counters.retransmittedSegments++;
    } else if (this.timedSeqEnd < 0) {
      this.timedSeqEnd = seq + consumed;
      this.timedSince = this.host.scheduler.now;
    }
    this.sndNxt = seq + consumed;
    if (this.sndNxt > this.sndMax) this.sndMax = this.sndNxt;
    if (!this.retransmitTimer.armed) this.retransmitTimer.set(this.host.scheduler.now + this.rtt.rto);
    return consumed > length;
  }

  /** Sends up to `maxLength` bytes from `seq`, with the FIN if they reach the end; returns the sequence space used. */
  private sendFrom(seq: number, maxLength: number): number {
    const dataEnd = this.sendQueue.end;
    const length = Math.max(0, Math.min(maxLength, dataEnd - seq));
    const reachesEnd = seq + length === dataEnd;
    const fin = this.finQueued && reachesEnd;
    const flags = ACK | (fin ? FIN : 0) | (length > 0 && reachesEnd ? PSH : 0);
    this.transmit(seq, flags, length > 0 ? this.sendQueue.slice(seq, length) : EMPTY);
    return length + (fin ? 1 : 0);
  }

  /** Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK). */
  private retransmitFirst(): void {
    if (this.timedSeqEnd > this.sndUna) this.timedSeqEnd = -1; // Karn: no sample from a retransmitted segment
    this.counters.retransmittedSegments++;
    this.sendFrom(this.sndUna, this.sendMss);
  }

  private checkPersist(): void {
    const stalled = this.sndNxt === this.sndUna && this.sendQueue.end > this.sndNxt;
    if (!stalled) this.persistTimer.clear();
    else if (!this.persistTimer.armed) {
      const timeout = Math.min(this.rtt.rto * this.persistBackoff, this.options.maxRtoMs);
      this.persistTimer.set(this.host.scheduler.now + timeout);
    }
  }

  private onPersistTimeout(): void {
    if (this.sndWnd === 0) {
      this.transmit(this.sndUna - 1, ACK, EMPTY); // an old sequence number: the peer answers with its window
    } else {
      this.sendNext(Math.min(this.sendQueue.end - this.sndNxt, this.sendMss, this.sndWnd)); // override SWS
    }
    this.persistBackoff *= 2;
    this.checkPersist();
  }

  private onRetransmitTimeout(): void {
    const state = this.currentState;
    if (state === 'TIME_WAIT') return this.terminate(null);
    const handshaking = state === 'SYN_SENT' || state === 'SYN_RECEIVED';
    if (this.retries >= (handshaking ? this.options.synRetries : this.options.dataRetries)) {
      return this.terminate('timeout');
    }
    this.retries++;
    this.counters.timeouts++;
    this.rtt.backoff();
    this.timedSeqEnd = -1;
    this.host.event('tcp.rto', { conn: this.label, seq: this.sndUna, rto: this.rtt.rto });
    if (handshaking) {
      this.sendSyn();
      return;
    }
    this.congestion.onTimeout(this.sndMax - this.sndUna, this.sndMax, this.retries === 1);
    this.sndNxt = this.sndUna; // go back N
    this.output();
    // nothing went out when the peer's window is closed: the persist timer takes over
    if (this.sndNxt > this.sndUna) this.retransmitTimer.set(this.host.scheduler.now + this.rtt.rto);
  }

  // ---- handshake helpers -------------------------------------------------------------------------

  private sendSyn(): void {
    this.transmit(0, this.currentState === 'SYN_RECEIVED' ? SYN | ACK : SYN, EMPTY);
    if (this.retries === 0) {
      this.timedSeqEnd = 1;
      this.timedSince = this.host.scheduler.now;
    }
    this.retransmitTimer.set(this.host.scheduler.now + this.rtt.rto);
  }

  private learnPeerSyn(syn: Packet): void {
    this.irs = syn.seq;
    this.rcvNxt = 1;
    this.advertisedEdge = 1 + this.options.receiveBufferBytes;
    if (syn.mss > 0) this.sendMss = Math.min(this.options.mss, syn.mss);
  }

  /** Our SYN was acknowledged (ack = 1). */
  private synAcknowledged(packet: Packet): void {
    if (this.timedSeqEnd === 1) this.rtt.sample(this.host.scheduler.now - this.timedSince);
    this.timedSeqEnd = -1;
    this.sndUna = 1;
    this.retries = 0;
    this.retransmitTimer.clear();
    this.sndWnd = packet.window;
    this.maxSndWnd = packet.window;
    this.sndWl1 = this.unwrapPeerSeq(packet.seq);
    this.sndWl2 = 1;
  }

  private unwrapPeerSeq(wire: number): number {
    return this.rcvNxt + ((wire - ((this.irs + this.rcvNxt) >>> 0)) | 0);
  }

  // ---- packets, states and teardown ---------------------------------------------------------------

  private sendAck(): void {
    this.transmit(this.sndMax, ACK, EMPTY);
  }

  private transmit(seq: number, flags: number, payload: Uint8Array): void {
    const hasAck = (flags & ACK) !== 0;
    if (hasAck) this.ackOwed = false;
    this.counters.segmentsSent++;
    this.host.transmit(
      new Packet({
        protocol: Protocol.TCP,
        src: this.host.address,
        dst: this.remoteAddressValue,
        srcPort: this.localPort,
        dstPort: this.remotePort,
        seq: (this.iss + seq) >>> 0,
        ack: hasAck ? (this.irs + this.rcvNxt) >>> 0 : 0,
        flags,
        window: this.receiveWindow(),
        mss: flags & SYN ? this.options.mss : 0,
        payload,
      }),
    );
  }

  private setState(next: TcpState): void {
    this.host.event('tcp.state', { conn: this.label, from: this.currentState, to: next });
    this.currentState = next;
  }

  private enterTimeWait(): void {
    this.setState('TIME_WAIT');
    this.persistTimer.clear();
    this.retransmitTimer.set(this.host.scheduler.now + this.options.timeWaitMs);
    this.reportClose('normal');
  }

  /**
   * Closes the connection; with `reason` null the application is not told (it was told already, or
   * never saw the connection).
   */
  private terminate(reason: CloseReason | null): void {
    if (this.currentState !== 'CLOSED') this.setState('CLOSED');
    this.retransmitTimer.clear();
    this.persistTimer.clear();
    this.owner.removed(this);
    if (reason !== null) this.reportClose(reason);
  }

  private reportClose(reason: CloseReason): void {
    if (this.closeReported) return;
    this.closeReported = true;
    this.onClose?.(reason);
  }
}

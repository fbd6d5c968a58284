/**
 * The attacker's end of a TCP connection: it writes whatever bytes it is told to (recorded frames,
 * forged headers, nothing at all) and watches what the server does: which frames come back, and
 * when and how the server closes (FIN, reset). `openSession` first runs a legitimate handshake with
 * the project's own client core (src/core/connection.ts) for attacks that need an authenticated
 * connection, then hands the socket over for raw use.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BACKEND } from '../../src/crypto/backend.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import type { AsocProfile } from '../../src/core/profile.ts';
import { monotonicNow, systemRandom, wallClockNow } from '../../src/net/system.ts';
import { Deadline, SocketSet } from './bounds.ts';
import { FrameScanner, type ScannedFrame } from './frame-scan.ts';
import type { AttackTarget } from './target.ts';

/** The connection could not be opened: refused, reset during connect, or no answer in time. */
export class ConnectFailedError extends Error {
  override readonly name = 'ConnectFailedError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Frames from the server kept for nextFrame(); later ones are dropped, so a server flooding frames nobody reads cannot grow memory. */
const MAX_UNREAD_FRAMES = 1024;

export type CloseKind = 'fin' | 'reset' | 'error' | 'local';

export interface ConnectOptions {
  deadline: Deadline;
  sockets: SocketSet;
  /** Source address to bind (another 127.x.y.z, say); the kernel picks one when absent. */
  localAddress?: string;
  connectTimeoutMs?: number;
}

/** Opens a TCP connection, registered in `sockets` so it is destroyed when the attack ends. */
export function connectSocket(target: AttackTarget, options: ConnectOptions): Promise<net.Socket> {
  const timeoutMs = options.deadline.cap(options.connectTimeoutMs ?? 5_000);
  return new Promise((resolve, reject) => {
    if (timeoutMs === 0) return reject(new ConnectFailedError('ETIMEDOUT', 'the attack ran out of time before connecting'));
    const socket = options.sockets.add(net.connect({ host: target.host, port: target.port, localAddress: options.localAddress }));
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(new ConnectFailedError('ETIMEDOUT', `no TCP connection within ${Math.round(timeoutMs)} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err instanceof ConnectFailedError ? err : new ConnectFailedError((err as NodeJS.ErrnoException).code ?? 'EUNKNOWN', err.message));
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

export class RawConnection {
  readonly openedAt = performance.now();
  private readonly scanner = new FrameScanner();
  private readonly frames: ScannedFrame[] = [];
  private closeKindValue: CloseKind | null = null;
  private closedAt: number | null = null;
  private waiters: (() => void)[] = [];
  private bytesReceivedValue = 0;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (bytes: Buffer) => {
      this.bytesReceivedValue += bytes.length;
      for (const frame of this.scanner.push(bytes)) if (this.frames.length < MAX_UNREAD_FRAMES) this.frames.push(frame);
      this.wake();
    });
    socket.on('end', () => this.markClosed('fin'));
    socket.on('error', (err: NodeJS.ErrnoException) => this.markClosed(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'error'));
    socket.on('close', () => this.markClosed('local'));
    if (socket.destroyed) this.markClosed('local');
  }

  get closed(): boolean {
    return this.closedAt !== null;
  }

  /** How the server ended the connection (null while it is open; 'local' if we closed first). */
  get closeKind(): CloseKind | null {
    return this.closeKindValue;
  }

  /** Milliseconds from opening to the close, or null while open. */
  get closedAfterMs(): number | null {
    return this.closedAt === null ? null : this.closedAt - this.openedAt;
  }

  get bytesReceived(): number {
    return this.bytesReceivedValue;
  }

  /** Bytes handed to the kernel so far (not all of them need have reached the server). */
  get bytesWritten(): number {
    return this.socket.bytesWritten;
  }

  /** Writes and resolves once the kernel took the bytes (or false if the connection closed first). */
  write(bytes: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => this.socket.write(bytes, (err) => resolve(!err && !this.closed)));
  }

  /** The next frame from the server, or null if the connection closes or `timeoutMs` pass first. */
  async nextFrame(timeoutMs: number): Promise<ScannedFrame | null> {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame) return frame;
      if (this.closed || performance.now() >= until) return null;
      await this.change(until - performance.now());
    }
  }

  /** True if the server closed the connection within `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const until = performance.now() + timeoutMs;
    while (!this.closed && performance.now() < until) await this.change(until - performance.now());
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private markClosed(kind: CloseKind): void {
    if (this.closedAt !== null) return;
    this.closedAt = performance.now();
    this.closeKindValue = kind;
    this.wake();
  }

  private change(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The project's own client core, as a node would build it (its HELLO is the first thing it transmits). */
export function clientCore(profile: AsocProfile, apiKey: Uint8Array): AsocConnection {
  const now = monotonicNow();
  // asoc-hardened HELLOs carry Unix time; the connection runs on the monotonic clock, as AsocNode's do.
  // A fresh key-pair seed each time, as every node has one: kinds that know peers by their own key
  // need it, the others ignore it.
  return new AsocConnection({ role: 'client', profile, nodeId: systemRandom.bytes(16), identity: systemRandom.bytes(32), apiKey, crypto: DEFAULT_BACKEND, random: systemRandom, now, unixOffsetMs: wallClockNow() - now });
}

export interface SessionOptions extends ConnectOptions {
  apiKey: Uint8Array;
  profile: AsocProfile;
}

export type SessionResult = { established: true; connection: RawConnection; handshakeMs: number } | { established: false; reason: string; handshakeMs: number };

/**
 * A legitimate client's handshake, run by the project's client core over a fresh socket. Resolves
 * with the connection, ready for raw frames, or with why the server did not let it in (refused at
 * connect, closed, or the handshake did not finish in time).
 */
export async function openSession(target: AttackTarget, options: SessionOptions): Promise<SessionResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let socket: net.Socket;
  try {
    socket = await connectSocket(target, options);
  } catch (err) {
    return { established: false, reason: `connect failed: ${(err as Error).message}`, handshakeMs: elapsed() };
  }
  const core = clientCore(options.profile, options.apiKey);
  const timeoutMs = options.deadline.cap(core.limits.handshakeTimeoutMs);
  const outcome = await new Promise<'established' | string>((resolve) => {
    const flush = () => {
      for (const bytes of core.pollTransmit() ?? []) socket.write(bytes);
      for (let event = core.pollEvent(); event; event = core.pollEvent()) {
        if (event.type === 'established') return finish('established');
        if (event.type === 'closed') return finish(`client core closed: ${event.reason} (${event.detail})`);
      }
    };
    const onData = (bytes: Buffer) => {
      core.receive(bytes, monotonicNow());
      flush();
    };
    const onEnd = () => finish('the server closed the connection during the handshake');
    const timer = setTimeout(() => finish(`no ACCEPT within ${Math.round(timeoutMs)} ms`), timeoutMs);
    function finish(result: string) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      resolve(result);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.on('error', () => {}); // a reset shows up as 'close', handled above
    flush();
  });
  // Same tick as finish(): the raw connection's 'data' listener is in place before any further byte is delivered.
  if (outcome === 'established') return { established: true, connection: new RawConnection(socket), handshakeMs: elapsed() };
  socket.destroy();
  return { established: false, reason: outcome, handshakeMs: elapsed() };
}

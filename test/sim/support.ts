/** Shared scaffolding for the simulator tests: two-host set-ups, bulk streams and their checksums. */
import { createHash } from 'node:crypto';
import { Simulation, type Host, type LinkOptions, type PointToPointLink, type SimulationOptions, type TcpSocket } from '../../sim/index.ts';

export const SERVER_PORT = 9000;

/** Stream content that depends on the byte's offset, so a lost, doubled or misplaced byte changes the hash. */
export function patternBytes(offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const n = offset + i;
    out[i] = (n * 131 + (n >>> 8) * 7 + (n >>> 16)) & 0xff;
  }
  return out;
}

export function sha256Hex(...parts: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** SHA-256 of patternBytes(0, total), computed chunk by chunk. */
export function patternHash(total: number, chunkBytes = 64 * 1024): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < total; offset += chunkBytes) hash.update(patternBytes(offset, Math.min(chunkBytes, total - offset)));
  return hash.digest('hex');
}

export interface TwoHosts {
  sim: Simulation;
  a: Host;
  b: Host;
  link: PointToPointLink;
}

export function twoHosts(options: Partial<SimulationOptions> & { link?: LinkOptions; a?: object; b?: object } = {}): TwoHosts {
  const { link: linkOptions, a: aOptions, b: bOptions, ...simOptions } = options;
  const sim = new Simulation({ seed: 1, ...simOptions });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1', ...aOptions });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2', ...bOptions });
  return { sim, a, b, link: sim.link(a, b, linkOptions) };
}

/**
 * Writes `total` pattern bytes to the socket in `chunkBytes` pieces, honouring backpressure, then
 * ends it (unless `end` is false). Takes over onWritable.
 */
export function sendPattern(socket: TcpSocket, total: number, options: { chunkBytes?: number; end?: boolean } = {}): void {
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  let offset = 0;
  let current: Uint8Array | null = null;
  let ended = false;
  const fill = (): void => {
    while (offset < total) {
      current ??= patternBytes(offset, Math.min(chunkBytes, total - offset));
      const accepted = socket.write(current);
      offset += accepted;
      if (accepted < current.length) {
        current = current.subarray(accepted);
        return;
      }
      current = null;
    }
    if (options.end !== false && !ended) {
      ended = true;
      socket.end();
    }
  };
  socket.onWritable = fill;
  fill(); // before the handshake completes, writes just queue
}

/** Collects what a socket delivers: a running hash, the byte count, and when it ended. */
export class StreamSink {
  bytes = 0;
  endedAt = -1;
  closeReason: string | null = null;
  private readonly hash = createHash('sha256');
  /** [virtual time, total bytes] each time data arrived. */
  readonly progress: Array<[number, number]> = [];

  constructor(
    private readonly sim: Simulation,
    private readonly options: { endBack?: boolean } = {},
  ) {}

  /** Takes over the socket's onData, onEnd and onClose; ends it back when the peer ends, unless endBack is false. */
  attach(socket: TcpSocket): this {
    socket.onData = (data) => {
      this.hash.update(data);
      this.bytes += data.length;
      this.progress.push([this.sim.scheduler.now, this.bytes]);
    };
    socket.onEnd = () => {
      this.endedAt = this.sim.scheduler.now;
      if (this.options.endBack !== false) socket.end();
    };
    socket.onClose = (reason) => {
      this.closeReason = reason;
    };
    return this;
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }

  /** Bytes received by virtual time `time`. */
  bytesAt(time: number): number {
    let total = 0;
    for (const [at, bytes] of this.progress) {
      if (at > time) break;
      total = bytes;
    }
    return total;
  }

  /** Goodput in bits per second between two virtual times. */
  bitsPerSecond(from: number, to: number): number {
    return ((this.bytesAt(to) - this.bytesAt(from)) * 8) / ((to - from) / 1000);
  }

  get done(): boolean {
    return this.endedAt >= 0;
  }
}

/** Listens on SERVER_PORT of `host`; the sink collects the first connection accepted. */
export function acceptInto(sim: Simulation, host: Host, options: { endBack?: boolean } = {}): StreamSink {
  const sink = new StreamSink(sim, options);
  host.tcp.listen(SERVER_PORT, (socket) => sink.attach(socket));
  return sink;
}

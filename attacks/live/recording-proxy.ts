/**
 * A man in the middle that only listens: a TCP proxy that forwards every connection to the target
 * untouched and records the first frame each side sends, which on an ASoc connection is the
 * client's HELLO and the server's answer (ACCEPT, or nothing if it closed). It is what a passive
 * tap on the path sees; `hello-replay` then replays the recorded HELLO. It forwards at most
 * `maxConnections` connections in all (one recorded handshake is all it needs); later ones are
 * closed at once and counted.
 */
import { once } from 'node:events';
import net from 'node:net';
import type { SocketSet } from './bounds.ts';
import { FrameScanner, type ScannedFrame } from './frame-scan.ts';
import type { AttackTarget } from './target.ts';

export interface CapturedHandshake {
  /** The client's first frame, byte for byte. */
  hello: ScannedFrame & { bytes: Uint8Array };
  /** The server's first frame, or null if it closed without sending one. */
  reply: ScannedFrame | null;
  /** Which proxied connection it came from (1 = the first). */
  connection: number;
}

export interface ProxyStats {
  /** Connections forwarded. */
  connections: number;
  /** Connections closed at once because `maxConnections` had been forwarded already. */
  turnedAway: number;
  clientToServerBytes: number;
  serverToClientBytes: number;
}

/** Connections a proxy forwards by default. */
export const DEFAULT_PROXIED_CONNECTIONS = 16;

export interface ProxyOptions {
  /** Forward at most this many connections in all (default 16). */
  maxConnections?: number;
  /** The source address of the upstream connections (the attack's; default: the kernel's choice). */
  localAddress?: string;
}

export class RecordingProxy {
  readonly stats: ProxyStats = { connections: 0, turnedAway: 0, clientToServerBytes: 0, serverToClientBytes: 0 };
  private captured: CapturedHandshake | null = null;
  private onCapture: (() => void) | null = null;

  private constructor(
    private readonly server: net.Server,
    private readonly target: AttackTarget,
    private readonly sockets: SocketSet,
    private readonly options: ProxyOptions,
  ) {
    server.on('connection', (client) => this.forward(client));
  }

  static async start(listen: AttackTarget, target: AttackTarget, sockets: SocketSet, options: ProxyOptions = {}): Promise<RecordingProxy> {
    const server = net.createServer();
    server.listen(listen.port, listen.host);
    await once(server, 'listening');
    return new RecordingProxy(server, target, sockets, options);
  }

  get address(): AttackTarget {
    const address = this.server.address() as net.AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** The first complete HELLO → reply seen through the proxy, or null if none within `timeoutMs`. */
  async waitForHandshake(timeoutMs: number): Promise<CapturedHandshake | null> {
    if (!this.captured && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.onCapture = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.onCapture = null;
    }
    return this.captured;
  }

  /** Stops listening; the proxied sockets belong to the attack's SocketSet and go with it. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: net.Socket): void {
    if (this.stats.connections >= (this.options.maxConnections ?? DEFAULT_PROXIED_CONNECTIONS)) {
      this.stats.turnedAway++;
      client.destroy();
      return;
    }
    const connection = ++this.stats.connections;
    this.sockets.add(client);
    const upstream = this.sockets.add(net.connect({ host: this.target.host, port: this.target.port, localAddress: this.options.localAddress }));
    const fromClient = new FrameScanner();
    const fromServer = new FrameScanner();
    let hello: (ScannedFrame & { bytes: Uint8Array }) | null = null;
    let reply: ScannedFrame | null | undefined; // undefined: not yet known
    const record = () => {
      if (this.captured || !hello || reply === undefined) return;
      this.captured = { hello, reply, connection };
      this.onCapture?.();
    };
    client.on('data', (bytes: Buffer) => {
      this.stats.clientToServerBytes += bytes.length;
      const first = hello ? undefined : fromClient.push(bytes)[0];
      if (first?.bytes) hello = { ...first, bytes: first.bytes };
    });
    upstream.on('data', (bytes: Buffer) => {
      this.stats.serverToClientBytes += bytes.length;
      if (reply === undefined) reply = fromServer.push(bytes)[0];
      record();
    });
    upstream.once('close', () => {
      if (reply === undefined) reply = null;
      record();
    });
    client.pipe(upstream);
    upstream.pipe(client);
    // Either end going away takes the other with it; errors are the attack's evidence, not crashes.
    for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
      socket.on('error', () => other.destroy());
      socket.on('close', () => other.destroy());
    }
  }
}

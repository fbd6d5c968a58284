/**
 * The replayer: sends bytes recorded earlier (a captured HELLO, a captured handshake) over a fresh
 * TCP connection from the attacker's own host, to the server they were captured from or to
 * another one, whenever the attack says (soon, after a delay, after a replay window), and reads
 * what the target answers as ASoc frames. What to send next (a forged stream once an ACCEPT came
 * back) is the attack's to decide, through `onFrame` and `send`.
 */
import type { Host } from '../../../sim/host.ts';
import type { CloseReason } from '../../../sim/tcp/tcp-socket.ts';
import { FrameParser, type SniffedFrame } from './frame-sniffer.ts';
import { RawTcpClient, WriteQueue, type RawTcpConnection } from './raw-tcp-client.ts';

export class ReplaySession {
  /** What the target sent back, parsed. */
  readonly answers = new FrameParser();

  constructor(
    readonly label: string,
    readonly connection: RawTcpConnection,
  ) {
    const counted = connection.socket.onData;
    connection.socket.onData = (bytes) => {
      counted?.(bytes);
      this.answers.push(bytes);
    };
  }

  /** Called for every frame the target sends. */
  set onFrame(handler: ((frame: SniffedFrame) => void) | null) {
    this.answers.onFrame = handler;
  }

  send(bytes: Uint8Array): void {
    this.connection.write(bytes);
  }

  get closeReason(): CloseReason | null {
    return this.connection.record.closeReason;
  }
}

export class Replayer {
  private readonly client: RawTcpClient;

  constructor(readonly host: Host) {
    this.client = new RawTcpClient(host);
  }

  /** Connects to address:port from the attacker's host and writes `recorded` once connected. */
  replay(label: string, address: string, port: number, recorded: readonly Uint8Array[]): ReplaySession {
    const session = new ReplaySession(label, this.client.connect(address, port));
    for (const bytes of recorded) session.send(bytes);
    return session;
  }
}

/**
 * The replayer as a server: an impostor listening on the attacker's host. To each client that
 * connects it answers the client's first frame with `recorded` (an ACCEPT captured from another
 * session), then keeps reading: what the client sends afterwards is what the impostor got out of it.
 */
export class ReplayServer {
  /** One parser per accepted connection, in order: what each client sent. */
  readonly clients: FrameParser[] = [];

  constructor(host: Host, port: number, recorded: () => readonly Uint8Array[], onFrame?: (client: number, frame: SniffedFrame) => void) {
    host.tcp.listen(port, (socket) => {
      const parser = new FrameParser();
      const index = this.clients.push(parser) - 1;
      const out = new WriteQueue(socket);
      socket.onWritable = () => out.flush();
      parser.onFrame = (frame) => {
        onFrame?.(index, frame);
        if (parser.frames.length > 1) return;
        for (const bytes of recorded()) out.push(bytes);
        out.flush();
      };
      socket.onData = (bytes) => parser.push(bytes);
    });
  }
}

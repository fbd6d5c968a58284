/**
 * A man in the middle as a TCP-splicing relay. The victim client's connection ends at the
 * attacker's host (it dialed the attacker's address: what ARP or DNS spoofing achieves); for each
 * such connection the relay opens its own to the real server and carries the byte streams across,
 * parsed into ASoc frames. Every frame goes through `policy`, which returns what to send on in its
 * place: the frame unchanged, altered bytes, nothing (dropped), several frames (injected), or
 * frames held back earlier (reordered). The handshake is relayed like anything else: the attacker
 * needs no key to sit in the middle.
 *
 * Why a relay rather than a tap that rewrites segments in place: a tap is bound to TCP's byte
 * numbering (a change must keep every length, a drop or an insertion must shift the numbers of
 * every later segment in both directions, as on-path-injector.ts does for one insertion), while a
 * relay terminates TCP on both sides and may reshape the frame stream freely, which is what a real
 * MITM with ARP spoofing does.
 */
import type { Host } from '../../../sim/host.ts';
import type { TcpSocket } from '../../../sim/tcp/tcp-socket.ts';
import { describeFrame, type TraceExcerpt } from './excerpt.ts';
import { FrameParser, frameBytes, type SniffedFrame } from './frame-sniffer.ts';
import { WriteQueue } from './raw-tcp-client.ts';

export type RelayDirection = 'to-server' | 'to-client';

/** What to forward for one frame: 'pass' (unchanged), or the bytes to send in its place (none: dropped). */
export type RelayVerdict = 'pass' | readonly Uint8Array[];

export type RelayPolicy = (direction: RelayDirection, frame: SniffedFrame) => RelayVerdict;

export interface MitmRelayOptions {
  host: Host;
  /** Where victims connect on the attacker's host. */
  port: number;
  server: { address: string; port: number };
  policy: RelayPolicy;
  excerpt?: TraceExcerpt;
}

export class MitmRelay {
  readonly counts = { connections: 0, framesRelayed: 0, framesAltered: 0, parseErrors: 0 };

  constructor(private readonly options: MitmRelayOptions) {
    options.host.tcp.listen(options.port, (victim) => this.splice(victim));
  }

  private splice(victim: TcpSocket): void {
    const { host, server } = this.options;
    this.counts.connections++;
    const upstream = host.tcp.connect(server.address, server.port);
    const toServer = new WriteQueue(upstream);
    const toClient = new WriteQueue(victim);
    upstream.onConnect = () => toServer.flush();
    upstream.onWritable = () => toServer.flush();
    victim.onWritable = () => toClient.flush();
    this.relay(victim, 'to-server', toServer, () => upstream.state === 'ESTABLISHED');
    this.relay(upstream, 'to-client', toClient, () => true);
    // One side gone: the other goes too (a FIN is passed on as a FIN, anything else as a reset).
    victim.onEnd = () => upstream.end();
    upstream.onEnd = () => victim.end();
    victim.onClose = (reason) => (reason === 'normal' ? upstream.end() : upstream.destroy());
    upstream.onClose = (reason) => (reason === 'normal' ? victim.end() : victim.destroy());
  }

  /** Reads `from` as frames and writes what the policy says into `to`. */
  private relay(from: TcpSocket, direction: RelayDirection, to: WriteQueue, writable: () => boolean): void {
    const parser = new FrameParser();
    parser.onFrame = (frame) => {
      this.counts.framesRelayed++;
      const verdict = this.options.policy(direction, frame);
      if (verdict === 'pass') to.push(frameBytes(frame));
      else {
        this.counts.framesAltered++;
        this.options.excerpt?.add(this.options.host.scheduler.now, this.options.host.name, 'relay', `${direction}: ${describeFrame(frame.header)} → ${verdict.length} frame(s)`);
        for (const bytes of verdict) to.push(bytes);
      }
      if (writable()) to.flush();
    };
    from.onData = (bytes) => {
      parser.push(bytes);
      if (parser.parseError !== null && this.counts.parseErrors++ === 0) {
        this.options.excerpt?.add(this.options.host.scheduler.now, this.options.host.name, 'relay', `${direction}: cannot parse the stream (${parser.parseError.message}); relaying stops`);
      }
    };
  }
}

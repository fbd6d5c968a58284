/**
 * Off-path blind injection: an attacker who cannot see a connection sends segments that claim to
 * come from one end (spoofed source address and port), from its own host, each with a guessed
 * sequence number and a guessed acknowledgement number (uniform over 2^32, from a seeded stream).
 * It learns nothing from the answers (they go to the real end), so it can only count what it sent;
 * whether a guess landed is read off the target's TCP counters by the scenario.
 *
 * It is given the four-tuple (addresses and ports): the best case for it. A real one would also
 * have to guess the client's ephemeral port.
 */
import type { Host } from '../../../sim/host.ts';
import { Packet, Protocol, TcpFlag } from '../../../sim/packet.ts';
import type { SimRandom } from '../../../sim/random.ts';
import type { Flow } from './flow.ts';

export interface BlindCampaign {
  /** Segments to send. */
  guesses: number;
  /** Virtual time between two segments. */
  everyMs: number;
  /** What every forged segment carries. */
  payload: Uint8Array;
  /** Called once the last segment is sent. */
  onDone?: () => void;
}

export class BlindInjector {
  sent = 0;

  constructor(
    private readonly host: Host,
    /** The direction it pretends to be (src = the end it impersonates). */
    private readonly spoofed: Flow,
    private readonly random: SimRandom,
  ) {}

  /** Sends the campaign's segments one after another, starting now. */
  start(campaign: BlindCampaign): void {
    let left = campaign.guesses;
    const next = (): void => {
      if (left-- <= 0) return campaign.onDone?.();
      this.guess(campaign.payload);
      this.host.scheduler.after(campaign.everyMs, next);
    };
    next();
  }

  private guess(payload: Uint8Array): void {
    this.sent++;
    this.host.transmit(
      new Packet({
        protocol: Protocol.TCP,
        src: this.spoofed.src,
        srcPort: this.spoofed.srcPort,
        dst: this.spoofed.dst,
        dstPort: this.spoofed.dstPort,
        seq: this.random.u32(),
        ack: this.random.u32(),
        flags: TcpFlag.ACK | TcpFlag.PSH,
        window: 65_535,
        mss: 0,
        payload,
      }),
    );
  }
}

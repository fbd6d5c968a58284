/**
 * A passive tap that keeps copies of the packets it sees (those `filter` picks, at most `limit` of
 * them), with when and where it saw them, and can write each into a trace excerpt as it goes. The
 * replayer sends recorded payloads again; the evidence cites them.
 */
import type { Channel, Tap } from '../../../sim/channel.ts';
import type { Packet } from '../../../sim/packet.ts';
import { describePacket, type TraceExcerpt } from './excerpt.ts';
import { addTap } from './taps.ts';

export interface RecordedPacket {
  time: number;
  channel: string;
  packet: Packet;
}

export interface TapRecorderOptions {
  /** Which packets to keep (default all). */
  filter?: (packet: Packet) => boolean;
  /** Most packets kept (default 10,000); later ones are counted, not kept. */
  limit?: number;
  /** Also describe each kept packet here, as `what` (default "tap"). */
  excerpt?: { log: TraceExcerpt; what?: string; describe?: (packet: Packet) => string };
}

export class TapRecorder {
  readonly packets: RecordedPacket[] = [];
  /** Packets that matched after the limit was reached. */
  overflow = 0;
  private readonly filter: (packet: Packet) => boolean;
  private readonly limit: number;

  constructor(
    private readonly now: () => number,
    private readonly options: TapRecorderOptions = {},
  ) {
    this.filter = options.filter ?? (() => true);
    this.limit = options.limit ?? 10_000;
  }

  /** Starts recording what `channel` carries; returns a function that stops it. */
  attach(channel: Channel): () => void {
    return addTap(channel, this.tap);
  }

  readonly tap: Tap = (packet, channel) => {
    if (!this.filter(packet)) return packet;
    if (this.packets.length >= this.limit) {
      this.overflow++;
      return packet;
    }
    const time = this.now();
    this.packets.push({ time, channel: channel.name, packet });
    const excerpt = this.options.excerpt;
    if (excerpt) excerpt.log.add(time, channel.name, excerpt.what ?? 'tap', (excerpt.describe ?? describePacket)(packet));
    return packet;
  };
}

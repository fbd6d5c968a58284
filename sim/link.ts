/** A point-to-point link: two channels, one per direction, each with its own queue and faults. */
import { Channel, type ChannelContext, type ChannelOptions } from './channel.ts';
import type { Host } from './host.ts';

export interface LinkOptions extends Partial<ChannelOptions> {
  /** Overrides for the direction a → b only. */
  aToB?: Partial<ChannelOptions>;
  /** Overrides for the direction b → a only. */
  bToA?: Partial<ChannelOptions>;
}

export class PointToPointLink {
  readonly aToB: Channel;
  readonly bToA: Channel;

  constructor(
    readonly a: Host,
    readonly b: Host,
    options: LinkOptions,
    contextFor: (channelName: string) => ChannelContext,
  ) {
    const { aToB, bToA, ...both } = options;
    const forward = `${a.name}->${b.name}`;
    const backward = `${b.name}->${a.name}`;
    this.aToB = new Channel(forward, { ...both, ...aToB }, contextFor(forward), (packet) => b.receive(packet));
    this.bToA = new Channel(backward, { ...both, ...bToA }, contextFor(backward), (packet) => a.receive(packet));
    a.addInterface(this.aToB);
    b.addInterface(this.bToA);
    a.addRoute(b.address, this.aToB);
    b.addRoute(a.address, this.bToA);
  }

  /** The channel carrying packets sent by `host`. */
  from(host: Host): Channel {
    if (host === this.a) return this.aToB;
    if (host === this.b) return this.bToA;
    throw new Error(`${host.name} is not on link ${this.a.name}<->${this.b.name}`);
  }

  /** Cuts both directions: packets are lost until heal(). */
  partition(): void {
    this.aToB.partition();
    this.bToA.partition();
  }

  /** Holds both directions: packets wait until heal(). */
  hold(): void {
    this.aToB.hold();
    this.bToA.hold();
  }

  heal(): void {
    this.aToB.heal();
    this.bToA.heal();
  }
}

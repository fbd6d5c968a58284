/** One direction of a TCP connection, as an adversary names it: who sends to whom. */
import { formatAddress } from '../../../sim/address.ts';
import { Protocol, type Packet } from '../../../sim/packet.ts';

export interface Flow {
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
}

export function flowOf(packet: Packet): Flow {
  return { src: packet.src, srcPort: packet.srcPort, dst: packet.dst, dstPort: packet.dstPort };
}

export function reverseFlow(flow: Flow): Flow {
  return { src: flow.dst, srcPort: flow.dstPort, dst: flow.src, dstPort: flow.srcPort };
}

/** A TCP packet of this direction of this connection. */
export function inFlow(packet: Packet, flow: Flow): boolean {
  return packet.protocol === Protocol.TCP && packet.src === flow.src && packet.srcPort === flow.srcPort && packet.dst === flow.dst && packet.dstPort === flow.dstPort;
}

export function describeFlow(flow: Flow): string {
  return `${formatAddress(flow.src)}:${flow.srcPort} > ${formatAddress(flow.dst)}:${flow.dstPort}`;
}

/**
 * The direction an adversary follows: a given flow, or that of the first TCP packet `pick` chooses
 * (a client's ephemeral port is not known before it connects).
 */
export class FlowWatch {
  private current: Flow | null;
  private readonly pick: ((packet: Packet) => boolean) | null;

  constructor(flow: Flow | ((packet: Packet) => boolean)) {
    this.current = typeof flow === 'function' ? null : flow;
    this.pick = typeof flow === 'function' ? flow : null;
  }

  get flow(): Flow | null {
    return this.current;
  }

  /** True for the packets of the flow (fixing the flow on the first packet picked). */
  matches(packet: Packet): boolean {
    if (this.current === null && this.pick !== null && packet.protocol === Protocol.TCP && this.pick(packet)) this.current = flowOf(packet);
    return this.current !== null && inFlow(packet, this.current);
  }

  /** True for the packets of the opposite direction (once the flow is known). */
  matchesReverse(packet: Packet): boolean {
    return this.current !== null && inFlow(packet, reverseFlow(this.current));
  }
}

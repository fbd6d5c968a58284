/** One direction of a TCP connection, as an adversary names it: who sends to whom. */
import { formatAddress } from '../address.ts';
import { Protocol, type Packet } from '../packet.ts';

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

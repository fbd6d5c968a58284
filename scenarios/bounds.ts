/**
 * The rates a path allows a bulk TCP transfer, from the simulator's own settings: what the wire
 * leaves for payload, what the TCP window allows over the base RTT. See bottleneck.ts for how the
 * runner compares them with what a transfer achieved.
 */
import type { Channel } from '../sim/channel.ts';
import { IP_HEADER_BYTES, TCP_HEADER_BYTES } from '../sim/packet.ts';
import type { TcpOptions } from '../sim/tcp/tcp-options.ts';

/** Payload bytes per second a channel carries when every packet is a full segment of `mss` bytes. */
export function payloadBytesPerSec(channel: Channel, mss: number): number {
  const { bandwidthBps, framingBytes } = channel.options;
  return (bandwidthBps / 8) * (mss / (mss + IP_HEADER_BYTES + TCP_HEADER_BYTES + framingBytes));
}

/** Propagation there and back, mean jitter included; no queueing, no serialisation. */
export function baseRttMs(forward: readonly Channel[], backward: readonly Channel[]): number {
  return [...forward, ...backward].reduce((sum, c) => sum + c.options.latencyMs + c.options.jitterMs / 2, 0);
}

/** Bytes in flight the sender may have: the smaller of its send buffer and the receiver's receive buffer. */
export function windowBytes(sender: Readonly<TcpOptions>, receiver: Readonly<TcpOptions>): number {
  return Math.min(sender.sendBufferBytes, receiver.receiveBufferBytes);
}

/** The MSS both ends agree on at the handshake. */
export function pathMss(sender: Readonly<TcpOptions>, receiver: Readonly<TcpOptions>): number {
  return Math.min(sender.mss, receiver.mss);
}

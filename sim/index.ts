/** The simulator's public API. */
export { BROADCAST_ADDRESS, formatAddress, parseAddress } from './address.ts';
export {
  Channel,
  DEFAULT_CHANNEL_OPTIONS,
  type ChannelOptions,
  type FaultRule,
  type FaultVerdict,
  type Tap,
} from './channel.ts';
export { Cpu, DEFAULT_CPU_COSTS, DEFAULT_RECEIVE_BACKLOG_FRAMES, FREE_CPU, type CpuCosts } from './cpu.ts';
export { DeadlineTimer } from './deadline-timer.ts';
export { Host } from './host.ts';
export { LeafSpine, LeafSpineError, type LeafSpineOptions } from './leaf-spine.ts';
export { PointToPointLink, type LinkOptions } from './link.ts';
export { EMPTY_PAYLOAD, Packet, Protocol, TcpFlag, formatFlags, type PacketFields } from './packet.ts';
export { RandomStreams, SimRandom } from './random.ts';
export { EventBudgetExceeded, Scheduler, ScheduledEvent, type RunOptions } from './scheduler.ts';
export { Simulation, type HostOptions, type SimulationOptions } from './simulation.ts';
export { Switch, SwitchPort } from './switch.ts';
export { DEFAULT_TCP_OPTIONS, type TcpOptions } from './tcp/tcp-options.ts';
export type { CloseReason, TcpSocket, TcpState, TcpStats } from './tcp/tcp-socket.ts';
export type { TcpListener } from './tcp/tcp-stack.ts';
export { Trace, type TraceEntry, type TraceFields, type TraceOptions } from './trace.ts';
export { UdpSocket, type Datagram } from './udp.ts';

/**
 * The sans-io shape of one connection (quinn-proto's `Connection`; its `Endpoint` is the
 * demultiplexer of many, which the lab does not have): bytes and time go in, bytes, events and the
 * next deadline come out. AsocConnection has it; DiscoveryAgent a datagram variant of it. Drivers
 * (src/net over sockets, sim/ over the simulated network) call `receive` and `handleTimeout`, then
 * drain `pollTransmit` and `pollEvent` and arm a timer at `pollTimeout`. Time is in milliseconds and only moves forward.
 */
export interface ConnectionMachine<Event> {
  receive(bytes: Uint8Array, now: number): void;
  /** Everything queued for the wire, in order, header and payload apart (payloads are not copied). */
  pollTransmit(): Uint8Array[] | null;
  pollEvent(): Event | null;
  /** The next deadline, or null when none is armed. */
  pollTimeout(): number | null;
  handleTimeout(now: number): void;
}

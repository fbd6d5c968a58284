/**
 * The sans-io shape every protocol machine of the lab has (after quinn-proto): bytes and time go in,
 * bytes, events and the next deadline come out. Drivers (src/net over sockets, sim/ over the
 * simulated network) call `receive` and `handleTimeout`, then drain `pollTransmit` and `pollEvent`
 * and arm a timer at `pollTimeout`. Time is in milliseconds and only moves forward.
 */
export interface Endpoint<Event> {
  receive(bytes: Uint8Array, now: number): void;
  /** Everything queued for the wire, in order, header and payload apart (payloads are not copied). */
  pollTransmit(): Uint8Array[] | null;
  pollEvent(): Event | null;
  /** The next deadline, or null when none is armed. */
  pollTimeout(): number | null;
  handleTimeout(now: number): void;
}

/**
 * What a host's TCP and UDP stacks use of the host they run on. Host implements it; the stacks
 * depend on this, not on Host, so the host can build its stacks without an import cycle.
 */
import type { AddressBook } from './address.ts';
import type { Packet } from './packet.ts';
import type { Scheduler } from './scheduler.ts';
import type { TraceFields } from './trace.ts';

export interface StackHost {
  readonly name: string;
  readonly address: number;
  readonly addressText: string;
  /** The simulation's addresses: the value of a text to send to, the text of a value received. */
  readonly addresses: AddressBook;
  readonly scheduler: Scheduler;
  /** Sends a packet through the host's CPU towards its destination. */
  transmit(packet: Packet): void;
  /** Adds a protocol event to the trace, stamped with virtual time and this host. */
  event(name: string, fields?: TraceFields): void;
}

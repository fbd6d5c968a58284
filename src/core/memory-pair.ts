/**
 * Two connection machines wired back to back in memory, with no network between them: the
 * cheapest way to run the real core (h11's ConnectionPair). Used by tests and by the codec claims.
 */
import type { AsocConnection } from './connection.ts';

export interface WireTap {
  (from: 'client' | 'server', bytes: Uint8Array): void;
}

/** Moves bytes both ways until neither side has anything to send. */
export function pumpUntilIdle(client: AsocConnection, server: AsocConnection, now: number, tap?: WireTap): void {
  for (;;) {
    const fromClient = client.pollTransmit();
    const fromServer = server.pollTransmit();
    if (!fromClient && !fromServer) return;
    for (const bytes of fromClient ?? []) {
      tap?.('client', bytes);
      server.receive(bytes, now);
    }
    for (const bytes of fromServer ?? []) {
      tap?.('server', bytes);
      client.receive(bytes, now);
    }
  }
}

/**
 * How a container tells the host what happened: one line on stdout per event, `ASOC-TOPO {json}`.
 * The host reads them back from the container's log (`docker logs`), so nothing but the log
 * crosses from the containers to the host.
 */

export const EVENT_PREFIX = 'ASOC-TOPO ';

export interface SentStream {
  workload: string;
  to: string;
  bytes: number;
  /** When the sender started it (Unix ms: the containers share the host's clock). */
  startedAtMs: number;
  ms: number;
  sha256: string;
  confirmed: boolean;
  error?: string;
}

export interface ReceivedStream {
  /** The sending peer's address. */
  from: string;
  streamId: number;
  bytes: number;
  /** From the stream's first byte to its last, at the receiver. */
  ms: number;
  sha256: string;
  error?: string;
}

export interface NodeReport {
  name: string;
  address: string;
  profile: string | null;
  /** What carried its connections (null: no node on this host). */
  transport: 'tcp' | 'udp' | null;
  nodeId: string | null;
  /** Addresses of the nodes discovery found. */
  discovered: string[];
  /** Addresses of peers with an established connection at some time. */
  peers: string[];
  sent: SentStream[];
  received: ReceivedStream[];
  authFailures: number;
  errors: string[];
}

export type TopoEvent =
  | { event: 'listening'; name: string; nodeId: string | null }
  | { event: 'done'; name: string }
  | { event: 'result'; report: NodeReport };

export function formatEvent(event: TopoEvent): string {
  return `${EVENT_PREFIX}${JSON.stringify(event)}`;
}

/** The events in a container's log, in order; other lines are skipped. */
export function parseEvents(log: string): TopoEvent[] {
  const events: TopoEvent[] = [];
  for (const line of log.split('\n')) {
    const at = line.indexOf(EVENT_PREFIX);
    if (at < 0) continue;
    try {
      events.push(JSON.parse(line.slice(at + EVENT_PREFIX.length)) as TopoEvent);
    } catch {
      // a line cut short (the container was killed mid-write) is no event
    }
  }
  return events;
}

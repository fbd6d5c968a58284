/** Simulated hosts that note every UDP datagram they receive on one port, as text, and a way to send them some. */
import type { Host } from '../../sim/index.ts';

export const INBOX_PORT = 9999;

/** Binds `host` to INBOX_PORT; each datagram lands in `inbox` under the host's name as "<text>[ (bcast)] from <address>". */
export function listenInto(inbox: Map<string, string[]>, host: Host): void {
  inbox.set(host.name, []);
  host.udp.bind(INBOX_PORT).onMessage = (d) => inbox.get(host.name)!.push(`${new TextDecoder().decode(d.bytes)}${d.broadcast ? ' (bcast)' : ''} from ${d.fromAddress}`);
}

/** `host` sends `text` to INBOX_PORT at `to`, or broadcasts it when `to` is not given. */
export function say(host: Host, text: string, to?: string): void {
  const socket = host.udp.bind();
  const bytes = new TextEncoder().encode(text);
  if (to === undefined) socket.broadcast(INBOX_PORT, bytes);
  else socket.send(to, INBOX_PORT, bytes);
  socket.close();
}

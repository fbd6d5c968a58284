/**
 * Per-connection TCP counters on Linux, read with `ss -tin` (iproute2): segments and payload bytes
 * each way, as the kernel counted them on loopback. Segment counts include TCP's own SYN, SYN-ACK
 * and pure ACKs; they are loopback's (MSS about 64 KiB), so a message a 1,460-byte Ethernet MSS
 * would split is one segment here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TcpCounters {
  segsOut: number;
  segsIn: number;
  bytesSent: number;
  bytesReceived: number;
}

/** IPv4 (20 B) + TCP (20 B) without options, per segment: the convention wire bytes use here. */
export const TCP_IP_HEADER_BYTES = 40;

/** Why `ss` cannot be used here, or null when it can. */
export async function ssUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return `TCP counters come from Linux's ss; this is ${process.platform}`;
  try {
    await run('ss', ['-V'], { timeout: 5_000 });
    return null;
  } catch (err) {
    return `ss (iproute2) cannot run: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Parses `segs_out:N segs_in:N bytes_sent:N bytes_received:N` from one socket's ss -i line. */
export function parseSsCounters(text: string): TcpCounters {
  const field = (name: string): number => {
    const match = new RegExp(`\\b${name}:(\\d+)`).exec(text);
    return match ? Number(match[1]) : 0;
  };
  return { segsOut: field('segs_out'), segsIn: field('segs_in'), bytesSent: field('bytes_sent'), bytesReceived: field('bytes_received') };
}

/**
 * The counters of the one established connection from this machine to 127.0.0.1:`port`, seen from
 * the client's side (its segs_out + segs_in are every segment of the connection so far). Throws
 * when there is not exactly one such connection.
 */
export async function clientCountersTo(port: number): Promise<TcpCounters> {
  const { stdout } = await run('ss', ['-tinH', 'state', 'established', `( dst 127.0.0.1:${port} )`], { timeout: 10_000 });
  // One socket is two lines: the addresses, then the indented counters.
  const sockets = stdout.split(/\n(?=\S)/).filter((block) => block.trim() !== '');
  if (sockets.length !== 1) throw new Error(`expected one connection to 127.0.0.1:${port}, ss shows ${sockets.length}`);
  return parseSsCounters(sockets[0]!);
}

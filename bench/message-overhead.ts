/**
 * What a protocol puts on TCP per message beyond the message itself (claims P7's "gRPC ~200 bytes
 * per frame" and P8's "TLS 5–40 bytes per frame"): one session per protocol to an echo server in
 * this process, a few warm-up echoes (so session tickets, SETTINGS and the like are out of the
 * count), then `messages` echoes of `messageBytes` one after the other. The kernel's counters of
 * the client socket (`ss -tin`: TCP payload bytes both ways) are read before and after; overhead per
 * message = (payload bytes on TCP − 2 × messages × messageBytes) ÷ (2 × messages), since every
 * message crosses twice. It includes everything the protocol sends for a message: framing, headers,
 * trailers, flow-control updates, receipts. TCP/IP headers are not in it (ss counts TCP payload).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { baselineByName, runSecrets } from '../src/baselines/index.ts';
import { withDeadline } from './deadline.ts';
import { clientCountersTo, ssUnavailable, type TcpCounters } from './tcp-segments.ts';

export interface MessageOverheadOptions {
  protocols: string[];
  /** Default 1 KiB. */
  messageBytes?: number;
  /** Echoes counted, per protocol. Default 200. */
  messages?: number;
  /** Echoes before the first count. Default 10. */
  warmupMessages?: number;
  /** Wait for ACKs and trailing control frames before reading the counters, ms. Default 50. */
  settleMs?: number;
}

export interface MessageOverhead {
  protocol: string;
  messageBytes: number;
  messages: number;
  /** TCP payload bytes of the counted echoes, both ways, from the kernel. */
  tcpPayloadBytes: number;
  /** (tcpPayloadBytes − 2 × messages × messageBytes) ÷ (2 × messages). */
  bytesPerMessage: number;
}

export interface MessageOverheadReport {
  config: Required<MessageOverheadOptions> & { source: string };
  results: MessageOverhead[];
}

const DEFAULTS = { messageBytes: 1024, messages: 200, warmupMessages: 10, settleMs: 50 };
const STEP_TIMEOUT_MS = 15_000;

const payload = (c: TcpCounters) => c.bytesSent + c.bytesReceived;

/** Per protocol, overhead bytes per message; throws when ss is not available (nothing else measures this). */
export async function measureMessageOverhead(options: MessageOverheadOptions): Promise<MessageOverheadReport> {
  const config = { ...DEFAULTS, ...options };
  const missing = await ssUnavailable();
  if (missing) throw new Error(`per-message overhead needs the kernel's TCP counters: ${missing}`);
  const secrets = runSecrets();
  const message = new Uint8Array(config.messageBytes).fill(0x6f);
  const results: MessageOverhead[] = [];
  for (const protocol of config.protocols) {
    const baseline = baselineByName(protocol);
    const server = await baseline.serve({ role: 'echo', secrets });
    try {
      const session = await baseline.connect(server.port, { role: 'echo', secrets });
      try {
        const echoes = async (count: number) => {
          for (let i = 0; i < count; i++) await session.echo(message);
        };
        await withDeadline(echoes(config.warmupMessages), STEP_TIMEOUT_MS, `${protocol}: warm-up echoes took over ${STEP_TIMEOUT_MS} ms`, () => {});
        await sleep(config.settleMs);
        const before = await clientCountersTo(server.port);
        await withDeadline(echoes(config.messages), STEP_TIMEOUT_MS, `${protocol}: ${config.messages} echoes took over ${STEP_TIMEOUT_MS} ms`, () => {});
        await sleep(config.settleMs);
        const tcpPayloadBytes = payload(await clientCountersTo(server.port)) - payload(before);
        const crossings = 2 * config.messages;
        results.push({ protocol, messageBytes: config.messageBytes, messages: config.messages, tcpPayloadBytes, bytesPerMessage: (tcpPayloadBytes - crossings * config.messageBytes) / crossings });
      } finally {
        await session.close();
      }
    } finally {
      await server.close();
    }
  }
  return { config: { ...config, source: "ss -tin on the client socket (Linux kernel counters: TCP payload bytes both ways), loopback" }, results };
}

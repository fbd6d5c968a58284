/**
 * `recv` and `send` with `--transport udp`: stt over UDP on node:dgram (src/net/stt-udp-endpoint.ts),
 * printing what their TCP forms print: each stream received with its size and SHA-256, and the
 * delivered throughput of a send.
 */
import { createHash, type Hash } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import net from 'node:net';
import type { ConnectionEvent } from '../../src/core/events.ts';
import type { SendReceipt } from '../../src/driver/connection-driver.ts';
import type { AsocNodeOptions } from '../../src/net/node.ts';
import { SttUdpClient, SttUdpListener, type SttUdpOptions } from '../../src/net/stt-udp-endpoint.ts';
import type { UdpEndpoint } from '../../src/net/stt-udp-driver.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';
import { formatBytes } from '../../bench/units.ts';
import { untilSignal } from './common.ts';

function udpOptions(options: AsocNodeOptions, chunkSize?: number): SttUdpOptions {
  const apiKey = typeof options.apiKey === 'string' ? new TextEncoder().encode(options.apiKey) : options.apiKey;
  return { apiKey, crypto: options.crypto, maxFrameSize: options.profile?.maxFrameSize, limits: chunkSize ? { chunkSize } : undefined };
}

/** Listens on options.host:port until `count` complete streams or a signal, logging peers and streams. */
export async function receiveOverUdp(options: AsocNodeOptions, count: number, log: (line: string) => void): Promise<number> {
  const streams = new Map<string, { hash: Hash; bytes: number }>();
  const established = new Set<string>();
  let completed = 0;
  let finish: () => void = () => {};
  const enough = new Promise<void>((resolve) => (finish = resolve));
  const onEvent = (peer: UdpEndpoint, event: ConnectionEvent) => {
    const from = `${peer.address}:${peer.port}`;
    const key = `${from}#${'streamId' in event ? event.streamId : ''}`;
    switch (event.type) {
      case 'established':
        established.add(from);
        log(`peer up: ${event.peerNodeId ? bytesToHex(event.peerNodeId) : 'unnamed'} (udp, ${from})`);
        break;
      case 'stream-data': {
        const stream = streams.get(key) ?? { hash: createHash('sha256'), bytes: 0 };
        stream.hash.update(event.data);
        stream.bytes += event.data.length;
        streams.set(key, stream);
        break;
      }
      case 'stream-end': {
        const hash = (streams.get(key)?.hash ?? createHash('sha256')).digest('hex');
        streams.delete(key);
        log(`stream ${event.streamId} from ${from}: ${event.bytes} bytes (${formatBytes(event.bytes)}) sha256 ${hash}`);
        if (++completed >= count) finish();
        break;
      }
      case 'stream-aborted':
        streams.delete(key);
        log(`stream ${event.streamId} from ${from}: aborted (${event.reason}) after ${event.bytes} bytes`);
        break;
      case 'closed':
        for (const k of streams.keys()) if (k.startsWith(`${from}#`)) streams.delete(k);
        // Closes before a handshake (a stray datagram, a wrong seed) are not logged one by one.
        if (established.delete(from)) log(`peer down: ${from} (${event.reason}: ${event.detail})`);
        break;
    }
  };
  const listener = await SttUdpListener.listen(options.host!, options.port!, udpOptions(options), onEvent);
  const { address, port } = listener.address;
  log(`node ${bytesToHex(listener.nodeId)} listening on ${address}:${port} over UDP (profile ${options.profile!.name})`);
  const why = await Promise.race([untilSignal(), enough.then(() => `${completed} stream(s) received`)]);
  log(`stopping: ${why}`);
  await listener.close();
  return 0;
}

/** Dials `to` over UDP from `localHost` (default: any address of the target's family), sends `source` as one stream. */
export async function sendOverUdp(
  to: { host: string; port: number },
  localHost: string | undefined,
  options: AsocNodeOptions,
  send: { source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; chunk: number; confirm: boolean; timeoutMs: number },
): Promise<SendReceipt> {
  const { address } = await dnsLookup(to.host);
  const client = await SttUdpClient.dial({ address, port: to.port }, localHost ?? (net.isIPv6(address) ? '::' : '0.0.0.0'), udpOptions(options, send.chunk), send.timeoutMs);
  try {
    return await client.send(send.source, { confirm: send.confirm, receiptTimeoutMs: send.timeoutMs });
  } finally {
    await client.close();
  }
}

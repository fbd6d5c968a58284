/**
 * The receiving side of the throughput bench, run as a child process of bench/throughput.ts:
 * it waits for its ReceiverConfig on the IPC channel, listens on 127.0.0.1 port 0 once per
 * protocol it was given, reports the ports, and then for every transfer counts (and with
 * verify = sha256, hashes) every byte and reports `done` once the sender's end of stream arrived.
 * Exits when the parent goes away.
 */
import { createHash, type Hash } from 'node:crypto';
import net from 'node:net';
import { AsocNode } from '../src/net/node.ts';
import type { IncomingStream } from '../src/net/incoming-stream.ts';
import { LOOPBACK, type ReceiverConfig, type ReceiverMessage, type ReceiverPorts } from './throughput-ipc.ts';
import type { Protocol } from './throughput-schema.ts';

/** Counts and hashes one transfer, decides whether it was delivered intact, and what it cost in CPU. */
class DeliveryCheck {
  private bytes = 0;
  private readonly hash: Hash | null;
  private readonly cpu = process.cpuUsage();

  constructor(
    private readonly config: ReceiverConfig,
    private readonly protocol: Protocol,
  ) {
    this.hash = config.verify === 'sha256' ? createHash('sha256') : null;
  }

  update(piece: Uint8Array): void {
    this.bytes += piece.length;
    this.hash?.update(piece);
  }

  result(): ReceiverMessage {
    const sha256 = this.hash ? this.hash.digest('hex') : null;
    const verified = this.bytes === this.config.totalBytes && sha256 === this.config.expectedSha256;
    const cpu = process.cpuUsage(this.cpu);
    return { type: 'done', protocol: this.protocol, bytes: this.bytes, verified, sha256, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
}

function report(message: ReceiverMessage): void {
  process.send?.(message);
}

function fail(err: unknown): void {
  report({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}

/** raw-tcp: the stream is the connection's bytes; the sender's FIN ends it. */
async function listenRawTcp(config: ReceiverConfig): Promise<number> {
  const server = net.createServer((socket) => {
    const check = new DeliveryCheck(config, 'raw-tcp');
    socket.on('data', (piece: Buffer) => check.update(piece));
    socket.once('end', () => {
      report(check.result());
      socket.end();
    });
    socket.once('error', fail);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  return (server.address() as net.AddressInfo).port;
}

/** asoc-v1: an AsocNode; each incoming stream is one transfer, ended by the sender's END frame. */
async function listenAsoc(config: ReceiverConfig): Promise<number> {
  const node = new AsocNode({ community: config.community, apiKey: config.apiKey, host: LOOPBACK, port: 0, discovery: false });
  const consume = async (stream: IncomingStream): Promise<ReceiverMessage> => {
    const check = new DeliveryCheck(config, 'asoc-v1');
    for await (const piece of stream) check.update(piece);
    return check.result();
  };
  node.on('stream', (stream) => void consume(stream).then(report, fail));
  await node.start();
  return node.address.port;
}

const LISTENERS: Record<Protocol, (config: ReceiverConfig) => Promise<number>> = { 'raw-tcp': listenRawTcp, 'asoc-v1': listenAsoc };

async function start(config: ReceiverConfig): Promise<void> {
  const ports: ReceiverPorts = {};
  for (const protocol of config.protocols) ports[protocol] = await LISTENERS[protocol](config);
  report({ type: 'listening', ports });
}

if (!process.send) {
  console.error('throughput-receiver.ts is started by bench/throughput.ts over an IPC channel, not by hand');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
process.once('message', (config: ReceiverConfig) => void start(config).catch(fail));

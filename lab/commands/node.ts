import { createHash } from 'node:crypto';
import { StreamAbortedError, type IncomingStream } from '../../src/driver/incoming-stream.ts';
import { netTimers } from '../../src/net/net-transport.ts';
import { DEFAULT_DIGEST, EventDigest, type DigestEntry } from '../../src/driver/event-digest.ts';
import type { Timers } from '../../src/driver/transport.ts';
import { integerFlag, parseFlags, resolvableHostFlag, untilSignal, UsageError, type Command } from './common.ts';
import { formatBytes } from '../../bench/units.ts';
import { NODE_FLAGS, NODE_FLAGS_HELP, TRANSPORT_FLAG, TRANSPORT_FLAG_HELP, createNode, nodeOptionsFromFlags, transportFlag, type LabNode } from './node-flags.ts';

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

/**
 * Logs what happens to a node: peers up and down, connections refused or closed before their
 * handshake (with the address and why), and every stream received with its size and SHA-256 (or
 * why it was cut short). Repeated events from one address, and streams from one peer, are
 * summarised per interval, so that a flood (of bad connections, of empty streams) gives a bounded
 * number of lines. Returns what prints the last summaries.
 */
export function logNodeEvents(node: LabNode, write: (line: string) => void, options: { intervalMs: number; timers?: Timers; streamDone?: (complete: boolean) => void }): { flush(): void } {
  const digest = (noun: string) =>
    new EventDigest<string>({
      timers: options.timers ?? netTimers,
      ...DEFAULT_DIGEST,
      intervalMs: options.intervalMs,
      report: (entry) => write(entry.type === 'event' ? entry.detail : summaryLine(entry, noun)),
    });
  const connections = digest('connection events');
  const streams = digest('streams');
  node.on('peer-up', (p) => connections.record(p.address, 'peer up', `peer up: ${p.key} (${p.direction}, ${p.address}:${p.port})`));
  node.on('peer-down', ({ peer: p, reason, detail }) => connections.record(p.address, `peer down (${reason})`, `peer down: ${p.key} (${reason}: ${detail})`));
  node.on('refused', (e) => connections.record(e.address, `refused (${e.reason})`, `refused a connection from ${e.address}: ${e.reason}`));
  node.on('connection-closed', (e) => {
    if (e.established) return; // a peer-down
    const [kind, line] =
      e.direction === 'inbound'
        ? [`closed before the handshake (${e.reason})`, `closed a connection from ${e.address}:${e.port} before its handshake: ${e.reason} (${e.detail})`]
        : [`dial failed (${e.reason})`, `connection to ${e.address}:${e.port} closed before its handshake: ${e.reason} (${e.detail})`];
    connections.record(e.address, kind, line);
  });
  node.on('discovered', (e) => write(`discovered ${e.nodeId} at ${e.address}:${e.port}`));
  node.on('stream', (stream) => {
    void readStream(stream).then((outcome) => {
      streams.record(stream.peer.key, outcome.kind, outcome.line);
      options.streamDone?.(outcome.kind === 'received');
    });
  });
  return {
    flush: () => {
      connections.flush();
      streams.flush();
    },
  };
}

function summaryLine(entry: Extract<DigestEntry<string>, { type: 'summary' }>, noun: string): string {
  const kinds = entry.byKind.map(([kind, n]) => `${kind} ×${n}`).join(', ');
  return `${entry.key ?? 'other addresses'}: ${entry.count} more ${noun} within ${entry.intervalMs / 1000} s, not logged one by one: ${kinds}`;
}

/** Reads a stream to its end: its line (size and SHA-256, or why it was cut short). */
async function readStream(stream: IncomingStream): Promise<{ kind: string; line: string }> {
  const hash = createHash('sha256');
  try {
    for await (const piece of stream) hash.update(piece);
    return { kind: 'received', line: `stream ${stream.streamId} from ${stream.peer.key}: ${stream.bytesReceived} bytes (${formatBytes(stream.bytesReceived)}) sha256 ${hash.digest('hex')}` };
  } catch (err) {
    const reason = err instanceof StreamAbortedError ? err.reason : (err as Error).name;
    return { kind: `aborted (${reason})`, line: `stream ${stream.streamId} from ${stream.peer.key}: ${(err as Error).message}` };
  }
}

/** Starts a node that logs what happens to it; resolves after `count` complete streams (if given) or a signal. */
async function runNode(argv: string[], help: string, defaults: { port?: number }): Promise<number> {
  const { values } = parseFlags(argv, { ...NODE_FLAGS, ...TRANSPORT_FLAG, count: { type: 'string' }, 'log-interval': { type: 'string' } });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const count = values.count === undefined ? Infinity : integerFlag('count', values.count, 0, 1);
  const intervalMs = integerFlag('log-interval', values['log-interval'], DEFAULT_DIGEST.intervalMs / 1000, 1, 86_400) * 1000;
  const options = nodeOptionsFromFlags(values, defaults);
  const transport = transportFlag(values.transport, options.profile!);
  await resolvableHostFlag('host', options.host!);
  const node = createNode(options, transport);
  let completed = 0;
  let finish: () => void = () => {};
  const enough = new Promise<void>((resolve) => (finish = resolve));
  const events = logNodeEvents(node, log, {
    intervalMs,
    streamDone: (complete) => {
      if (complete && ++completed >= count) finish();
    },
  });
  await node.start();
  const { host, port } = node.address;
  log(`node ${node.nodeIdHex} listening on ${host}:${port}${transport === 'udp' ? ' over UDP' : ''} (profile ${node.profile.name})`);
  const why = await Promise.race([untilSignal(), enough.then(() => `${completed} stream(s) received`)]);
  log(`stopping: ${why}`);
  await node.stop();
  events.flush();
  return 0;
}

const LOG_FLAGS_HELP = `  --count N               exit after N complete streams
  --log-interval SECONDS  repeated events from one address, or streams from one peer, beyond
                          ${DEFAULT_DIGEST.burst} in this many seconds are summarised in one line (default ${DEFAULT_DIGEST.intervalMs / 1000})`;

export const nodeCommand: Command = {
  name: 'node',
  summary: 'run an ASoc node: listen, dial peers, discover, print every stream it receives',
  help: `Usage: asoc-lab node [options]

Runs a node (ASoc v1 unless --profile names another) until interrupted (Ctrl-C). Every incoming
stream is read to its end and logged with its size and SHA-256; peers coming and going, and
connections refused or closed before their handshake, are logged with the remote address and the
reason. Every profile runs over TCP; stt also runs over UDP (--transport udp), with the same
peers, discovery and log lines.

${NODE_FLAGS_HELP}
${TRANSPORT_FLAG_HELP}
${LOG_FLAGS_HELP}`,
  run: (argv) => runNode(argv, nodeCommand.help, {}),
};

export const recvCommand: Command = {
  name: 'recv',
  summary: 'receive streams and print each one\'s size and SHA-256',
  help: `Usage: asoc-lab recv [options]

Listens (default port 9000) and prints each received stream's size and SHA-256; with --count N
it exits after N streams. Pair it with \`asoc-lab send\`. Connections refused or closed before
their handshake are logged with the remote address and the reason.

${NODE_FLAGS_HELP}
${TRANSPORT_FLAG_HELP}
${LOG_FLAGS_HELP}`,
  run: (argv) => runNode(argv, recvCommand.help, {}),
};

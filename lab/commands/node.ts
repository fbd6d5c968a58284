import { createHash } from 'node:crypto';
import type { IncomingStream } from '../../src/net/incoming-stream.ts';
import { integerFlag, parseFlags, untilSignal, type Command } from './common.ts';
import { formatBytes } from '../../bench/units.ts';
import { NODE_FLAGS, NODE_FLAGS_HELP, createNode, nodeOptionsFromFlags } from './node-flags.ts';

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

/** Reads a stream to its end, printing its size and SHA-256 (or why it was cut short). */
async function reportStream(stream: IncomingStream): Promise<boolean> {
  const hash = createHash('sha256');
  try {
    for await (const piece of stream) hash.update(piece);
    log(`stream ${stream.streamId} from ${stream.peer.key}: ${stream.bytesReceived} bytes (${formatBytes(stream.bytesReceived)}) sha256 ${hash.digest('hex')}`);
    return true;
  } catch (err) {
    log(`stream ${stream.streamId} from ${stream.peer.key}: ${(err as Error).message}`);
    return false;
  }
}

/** Starts a node that logs what happens to it; resolves after `count` complete streams (if given) or a signal. */
async function runNode(argv: string[], help: string, defaults: { port?: number }): Promise<number> {
  const { values } = parseFlags(argv, { ...NODE_FLAGS, count: { type: 'string' } }, help);
  if (values.help) {
    console.log(help);
    return 0;
  }
  const count = values.count === undefined ? Infinity : integerFlag('count', values.count, 0, 1);
  const node = createNode(nodeOptionsFromFlags(values, defaults));
  let completed = 0;
  let finish: () => void = () => {};
  const enough = new Promise<void>((resolve) => (finish = resolve));
  node.on('peer-up', (p) => log(`peer up: ${p.key} (${p.direction}, ${p.address}:${p.port})`));
  node.on('peer-down', (p, reason, detail) => log(`peer down: ${p.key} (${reason}: ${detail})`));
  node.on('auth-failed', (e) => log(`authentication failed from ${e.address}: ${e.reason}`));
  node.on('refused', (e) => log(`refused a connection from ${e.address}: ${e.reason}`));
  node.on('discovered', (e) => log(`discovered ${e.nodeId} at ${e.address}:${e.port}`));
  node.on('stream', (stream) => {
    void reportStream(stream).then((ok) => {
      if (ok && ++completed >= count) finish();
    });
  });
  await node.start();
  const { host, port } = node.address;
  log(`node ${node.nodeIdHex} listening on ${host}:${port} (profile ${node.profile.name})`);
  const why = await Promise.race([untilSignal(), enough.then(() => `${completed} stream(s) received`)]);
  log(`stopping: ${why}`);
  await node.stop();
  return 0;
}

export const nodeCommand: Command = {
  name: 'node',
  summary: 'run an ASoc node: listen, dial peers, discover, print every stream it receives',
  help: `Usage: asoc-lab node [options]

Runs an ASoc v1 node until interrupted (Ctrl-C). Every incoming stream is read to its end and
logged with its size and SHA-256.

${NODE_FLAGS_HELP}
  --count N               exit after N complete streams`,
  run: (argv) => runNode(argv, nodeCommand.help, {}),
};

export const recvCommand: Command = {
  name: 'recv',
  summary: 'receive streams and print each one\'s size and SHA-256',
  help: `Usage: asoc-lab recv [options]

Listens (default port 9000) and prints each received stream's size and SHA-256; with --count N
it exits after N streams. Pair it with \`asoc-lab send\`.

${NODE_FLAGS_HELP}
  --count N               exit after N complete streams`,
  run: (argv) => runNode(argv, recvCommand.help, {}),
};

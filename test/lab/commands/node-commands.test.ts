import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../lab/cli.ts';

const CLI = new URL('../../../lab/cli.ts', import.meta.url).pathname;

/** Runs the CLI in this process, counting the sockets it opens (listens and connects). */
async function run(args: string[]): Promise<{ code: number; err: string[]; socketsOpened: number }> {
  const err: string[] = [];
  const { error, log } = console;
  const { listen } = net.Server.prototype;
  const { connect } = net.Socket.prototype;
  let socketsOpened = 0;
  console.error = (...parts: unknown[]) => err.push(...parts.join(' ').split('\n'));
  console.log = () => {};
  net.Server.prototype.listen = function (this: net.Server, ...rest: unknown[]) {
    socketsOpened++;
    return (listen as (...a: unknown[]) => net.Server).apply(this, rest);
  } as typeof listen;
  net.Socket.prototype.connect = function (this: net.Socket, ...rest: unknown[]) {
    socketsOpened++;
    return (connect as (...a: unknown[]) => net.Socket).apply(this, rest);
  } as typeof connect;
  try {
    return { code: await main(args), err, socketsOpened };
  } finally {
    Object.assign(console, { error, log });
    net.Server.prototype.listen = listen;
    net.Socket.prototype.connect = connect;
  }
}

test('bad flags of node, recv and send: one line naming the flag and what it accepts, exit 2, no socket opened', async () => {
  process.env.ASOC_API_KEY ??= 'a key for the test';
  const directory = mkdtempSync(join(tmpdir(), 'asoc-flags-'));
  const cases: [string[], RegExp][] = [
    [['recv', '--port', '70000'], /^asoc-lab recv: --port must be an integer from 0 to 65535, got "70000"$/],
    [['recv', '--port', '-1'], /^asoc-lab recv: --port must be an integer from 0 to 65535, got "-1"$/],
    [['recv', '--port', '1e3'], /^asoc-lab recv: --port must be an integer from 0 to 65535, got "1e3"$/],
    [['node', '--discovery-port', '0'], /^asoc-lab node: --discovery-port must be an integer from 1 to 65535, got "0"$/],
    [['node', '--peer', 'notanaddress'], /^asoc-lab node: --peer must be HOST:PORT with a port from 1 to 65535 \(e\.g\. 127\.0\.0\.1:9000\), got "notanaddress"$/],
    [['node', '--peer', 'a0a1@127.0.0.1:9000'], /^asoc-lab node: --peer must be NODEID@HOST:PORT with NODEID 32 hex digits and a port from 1 to 65535, got "a0a1@127\.0\.0\.1:9000"$/],
    [['node', '--broadcast', 'everyone'], /^asoc-lab node: --broadcast must be an IPv4 address/],
    [['node', '--log-interval', '0'], /^asoc-lab node: --log-interval must be an integer from 1 to 86400, got "0"$/],
    [['node', '--host', 'no-such-host.invalid'], /^asoc-lab node: --host: cannot resolve "no-such-host\.invalid"/],
    [['recv', '--no-such-flag'], /^asoc-lab recv: Unknown option '--no-such-flag'.* \(--help lists the options\)$/],
    [['send', '--to', 'notanaddress', '--bytes', '1'], /^asoc-lab send: --to must be HOST:PORT with a port from 1 to 65535/],
    [['send', '--to', '127.0.0.1:9000', '--bytes', '-5'], /^asoc-lab send: --bytes must be a size of 0 or more, such as 64MiB, got "-5"$/],
    [['send', '--to', '127.0.0.1:9000', '--bytes', '1', '--port', '70000'], /^asoc-lab send: --port must be an integer from 0 to 65535, got "70000"$/],
    [['send', '--to', '127.0.0.1:9000', '--file', directory], /^asoc-lab send: --file must be a regular file, ".*" is a directory$/],
    [['send', '--to', '127.0.0.1:9000', '--file', join(directory, 'missing')], /^asoc-lab send: --file ".*missing" cannot be read \(ENOENT\)$/],
    [['send', '--to', '127.0.0.1:9000', '--bytes', '1', '--chunk', '17MiB'], /^asoc-lab send: --chunk must be an integer from 1 to 16777216, got "17MiB" \(sizes take .*\)$/],
    [['send', '--to', '127.0.0.1:9000'], /^asoc-lab send: give exactly one of --file PATH and --bytes SIZE$/],
  ];
  for (const [args, expected] of cases) {
    const { code, err, socketsOpened } = await run(args);
    assert.equal(code, 2, args.join(' '));
    assert.equal(err.length, 1, `${args.join(' ')}: ${err.join(' / ')}`);
    assert.match(err[0]!, expected);
    assert.equal(socketsOpened, 0, `${args.join(' ')} opened a socket`);
  }
});

test('asoc-lab recv logs a connection closed before its handshake with the address and the reason, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'recv', '--host', '127.0.0.1', '--port', '0', '--no-discovery'], {
    env: { ...process.env, ASOC_API_KEY: 'a key for the test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const match = pattern.exec(out);
        if (!match) return;
        child.stdout!.off('data', onData);
        resolve(match);
      };
      const onData = (chunk: Buffer) => {
        out += chunk;
        look();
      };
      child.stdout!.on('data', onData);
      child.once('exit', () => reject(new Error(`recv exited; it printed:\n${out}`)));
      look();
    });
  try {
    const [, port] = await waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) }, () => socket.write('GET / HTTP/1.1\r\n\r\n'));
    socket.on('error', () => {});
    await waitFor(/closed a connection from 127\.0\.0\.1:\d+ before its handshake: version-mismatch \(bad-version: frame version \d+, this decoder speaks 1\)/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
  }
});

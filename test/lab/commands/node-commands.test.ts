import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    [['send', '--to', '127.0.0.1:9000', '--bytes', '1', '--transport', 'udp'], /^asoc-lab send: --transport udp runs only the stt profile \(add --profile stt\); profile asoc-v1 runs over tcp$/],
    [['send', '--to', '127.0.0.1:9000', '--bytes', '1', '--transport', 'quic', '--profile', 'stt'], /^asoc-lab send: --transport must be tcp or udp, got "quic"$/],
    [['recv', '--transport', 'udp', '--profile', 'subduction'], /^asoc-lab recv: --transport udp runs only the stt profile \(add --profile stt\); profile subduction runs over tcp$/],
    [['node', '--transport', 'udp'], /^asoc-lab node: --transport udp runs only the stt profile \(add --profile stt\); profile asoc-v1 runs over tcp$/],
    [['node', '--transport', 'udp', '--profile', 'asoc-hardened', '--peer', '127.0.0.1:9000'], /^asoc-lab node: --transport udp runs only the stt profile \(add --profile stt\); profile asoc-hardened runs over tcp$/],
  ];
  for (const [args, expected] of cases) {
    const { code, err, socketsOpened } = await run(args);
    assert.equal(code, 2, args.join(' '));
    assert.equal(err.length, 1, `${args.join(' ')}: ${err.join(' / ')}`);
    assert.match(err[0]!, expected);
    assert.equal(socketsOpened, 0, `${args.join(' ')} opened a socket`);
  }
});

/** Starts `asoc-lab recv` with `args` in a child process; `waitFor` resolves on the first match in what it printed. */
function spawnRecv(args: string[]): { child: ReturnType<typeof spawn>; waitFor(pattern: RegExp): Promise<RegExpExecArray> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'recv', ...args], {
    env: { ...process.env, ASOC_API_KEY: 'a key for the test' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Everything it prints is kept, so a line that comes between two waits is still found by the second.
  let out = '';
  const lookers = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    for (const look of [...lookers]) look();
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const match = pattern.exec(out);
        if (!match) return;
        lookers.delete(look);
        resolve(match);
      };
      const exited = () => reject(new Error(`recv exited; it printed:\n${out}`));
      lookers.add(look);
      child.once('exit', exited);
      look();
      if (child.exitCode !== null) exited();
    });
  return { child, waitFor };
}

test('send → recv over UDP with --transport udp: a file of a few MiB arrives whole, its SHA-256 printed by the receiver', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'asoc-udp-'));
  const file = join(directory, 'payload');
  const payload = randomBytes(3 * 1024 * 1024 + 12_345);
  writeFileSync(file, payload);
  const expected = createHash('sha256').update(payload).digest('hex');
  const { child, waitFor } = spawnRecv(['--transport', 'udp', '--profile', 'stt', '--host', '127.0.0.1', '--port', '0', '--count', '1']);
  try {
    const [, port] = await waitFor(/listening on 127\.0\.0\.1:(\d+) over UDP \(profile stt\)/);
    const printed: string[] = [];
    const { log } = console;
    console.log = (...parts: unknown[]) => void printed.push(parts.join(' '));
    process.env.ASOC_API_KEY = 'a key for the test';
    let code: number;
    try {
      code = await main(['send', '--transport', 'udp', '--profile', 'stt', '--to', `127.0.0.1:${port}`, '--file', file, '--chunk', '256KiB']);
    } finally {
      console.log = log;
    }
    assert.equal(code, 0, printed.join('\n'));
    assert.match(printed.join('\n'), new RegExp(`^delivered over UDP: ${payload.length} bytes .* in 13 frames, stream 1, .* sha256 ${expected}$`));
    const [line] = await waitFor(new RegExp(`stream 1 from [0-9a-f]{64}: ${payload.length} bytes \\(.*\\) sha256 ([0-9a-f]{64})`));
    assert.ok(line.endsWith(expected), `the receiver printed ${line}`);
    assert.equal(await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve))), 0, 'recv exits after --count 1');
  } finally {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
});

test('send over UDP to a port where nothing answers gives up after --timeout: no peer came up', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  const { err, code } = await run(['send', '--transport', 'udp', '--profile', 'stt', '--to', `127.0.0.1:${silent.address().port}`, '--bytes', '1', '--timeout', '1']).finally(() => silent.close());
  assert.equal(code, 1);
  assert.deepEqual(err, ['asoc-lab send: PeerNotFoundError: no matching peer within 1000 ms (connected: none)']);
});

test('asoc-lab recv logs a connection closed before its handshake with the address and the reason, and stops on SIGTERM', async () => {
  const { child, waitFor } = spawnRecv(['--host', '127.0.0.1', '--port', '0', '--no-discovery']);
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

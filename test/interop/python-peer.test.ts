/**
 * Interoperability on real sockets: the lab's AsocNode against an independent ASoc v1 peer written
 * in Python from docs/asoc-v1.md (test/interop/asoc_peer.py, standard library only, no code shared with the
 * lab), in both directions. The Python peer is first checked against the reference implementation's
 * byte-exact vectors, so the two sides agreeing cannot be a shared misreading of the spec.
 *
 * Skipped, with the reason printed, when python3 is not on PATH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AsocNode, type AsocNodeOptions } from '../../src/net/node.ts';
import type { IncomingStream } from '../../src/driver/incoming-stream.ts';
import { ASOC_V1 } from '../../src/core/profile.ts';
import { REFERENCE_VECTORS_FILE } from '../../src/vectors/reference-vectors.ts';
import { hashStream } from '../support/hash-stream.ts';

const MiB = 1024 * 1024;
const KEY = randomBytes(32).toString('hex');
const PEER = fileURLToPath(new URL('./asoc_peer.py', import.meta.url));
/** Each Python run ends itself after PEER_DEADLINE_S; the test kills it if it has not after KILL_AFTER_MS. */
const PEER_DEADLINE_S = 8;
const KILL_AFTER_MS = 10_000;
const TEST_TIMEOUT_MS = 15_000;

/** Why the tests cannot run here, or undefined when python3 is usable. */
function pythonUnavailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8', timeout: 5_000 });
  if (probe.error) return `python3 not found: ${probe.error.message}`;
  if (probe.status !== 0 || probe.stdout.trim() !== '3') return `python3 not found: "python3" exited ${probe.status} printing ${JSON.stringify(probe.stdout.trim())}`;
  return undefined;
}

const skip = pythonUnavailable();
const options = { skip: skip ?? false, timeout: TEST_TIMEOUT_MS };

type PeerEvent = { event: string } & Record<string, unknown>;

interface PeerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: PeerEvent[];
  stderr: string;
}

interface RunningPeer {
  child: ChildProcess;
  /** The first line whose "event" is `name`; rejects if the process exits first. */
  waitFor(name: string): Promise<PeerEvent>;
  done: Promise<PeerRun>;
  kill(): void;
}

/** Runs asoc_peer.py with a bounded lifetime; every stdout line is a JSON event. */
function startPeer(args: string[], apiKey: string = KEY): RunningPeer {
  const child = spawn('python3', [PEER, '--deadline', String(PEER_DEADLINE_S), '--op-timeout', '5', ...args], {
    env: { ...process.env, ASOC_API_KEY: apiKey },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: KILL_AFTER_MS,
    killSignal: 'SIGKILL',
  });
  const events: PeerEvent[] = [];
  const waiters: { name: string; resolve: (e: PeerEvent) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: PeerEvent;
    try {
      parsed = JSON.parse(line) as PeerEvent;
    } catch {
      parsed = { event: 'unparsable', line };
    }
    events.push(parsed);
    for (const w of waiters.filter((w) => w.name === parsed.event)) w.resolve(parsed);
  });
  // 'close' (not 'exit'): stdout has been read to its end, so every event is in.
  const done = new Promise<PeerRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, events, stderr })));
  return {
    child,
    done,
    waitFor: (name) =>
      new Promise<PeerEvent>((resolve, reject) => {
        const seen = events.find((e) => e.event === name);
        if (seen) return resolve(seen);
        waiters.push({ name, resolve });
        void done.then((run) => reject(new Error(`python peer exited (code ${run.code}, signal ${run.signal}) without a "${name}" event; events ${JSON.stringify(run.events)}; stderr: ${run.stderr}`)));
      }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

function event(run: PeerRun, name: string): PeerEvent {
  const found = run.events.find((e) => e.event === name);
  assert.ok(found, `no "${name}" event from the python peer (exit ${run.code}); events ${JSON.stringify(run.events)}; stderr: ${run.stderr}`);
  return found;
}

function loopbackNode(extra: Partial<AsocNodeOptions> = {}): AsocNode {
  return new AsocNode({ community: 'interop', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile: ASOC_V1, ...extra });
}

async function readStream(stream: IncomingStream): Promise<{ streamId: number; peerNodeId: string | null; bytes: number; sha256: string }> {
  return { streamId: stream.streamId, peerNodeId: stream.peer.nodeId, ...(await hashStream(stream)) };
}

test('the Python peer encodes HELLO, ACCEPT and frames byte-exactly as the reference vectors', options, async () => {
  const run = await startPeer(['vectors', REFERENCE_VECTORS_FILE]).done;
  assert.equal(run.code, 0, run.stderr);
  const result = event(run, 'vectors');
  assert.deepEqual(result.failures, []);
  assert.ok((result.checked as number) >= 10, `only ${String(result.checked)} vectors checked`);
});

test('Python client → AsocNode (asoc-v1): 8 MiB in 1 MiB chunks arrive with the SHA-256 the Python side sent', options, async () => {
  const node = loopbackNode();
  await node.start();
  const authFailures: string[] = [];
  node.on('auth-failed', (e) => authFailures.push(e.reason));
  const arrived = new Promise<Awaited<ReturnType<typeof readStream>>>((resolve, reject) => node.once('stream', (s) => readStream(s).then(resolve, reject)));
  const peer = startPeer(['client', '127.0.0.1', String(node.address.port), '--bytes', String(8 * MiB), '--chunk', String(MiB)]);
  try {
    const run = await peer.done;
    assert.equal(run.code, 0, `python client exited ${run.code}: ${JSON.stringify(run.events)} ${run.stderr}`);
    const sent = event(run, 'sent');
    assert.equal(sent.bytes, 8 * MiB);
    assert.equal(sent.frames, 8);
    assert.deepEqual(await arrived, { streamId: 1, peerNodeId: sent.node_id, bytes: 8 * MiB, sha256: sent.sha256 });
    // The lab's receiver answered END with its 13-byte CONTROL receipt; the v1 peer read it and ignored it.
    assert.deepEqual(sent.ignored, [{ type: 3, stream_id: 1, seq: 0, length: 13 }]);
    assert.deepEqual(authFailures, []);
  } finally {
    peer.kill();
    await node.stop();
  }
});

test('AsocNode → Python server: 8 MiB + 123 bytes (confirm: false) arrive with the same byte count and SHA-256', options, async () => {
  const peer = startPeer(['server', '--port', '0', '--count', '1']);
  let node: AsocNode | null = null;
  try {
    const { port } = (await peer.waitFor('listening')) as PeerEvent & { port: number };
    node = loopbackNode({ staticPeers: [`127.0.0.1:${port}`] });
    await node.start();
    const remote = await node.waitForPeer(undefined, 5_000);
    assert.equal(remote.key, `127.0.0.1:${port}`);
    const data = randomBytes(8 * MiB + 123);
    const expected = createHash('sha256').update(data).digest('hex');
    // A v1 peer sends no receipt: the send resolves once every byte is written.
    const receipt = await node.send(remote.key, data, { confirm: false });
    assert.deepEqual({ bytes: receipt.bytes, frames: receipt.frames, confirmed: receipt.confirmed }, { bytes: 8 * MiB + 123, frames: 9, confirmed: false });
    const run = await peer.done;
    assert.equal(run.code, 0, `python server exited ${run.code}: ${JSON.stringify(run.events)} ${run.stderr}`);
    assert.equal(event(run, 'accepted').node_id, node.nodeIdHex);
    const stream = event(run, 'stream');
    assert.deepEqual(stream, { event: 'stream', stream_id: receipt.streamId, bytes: 8 * MiB + 123, frames: 9, sha256: expected });
    assert.equal(receipt.streamId % 2, 1, 'a client-initiated stream id is odd');
  } finally {
    peer.kill();
    await node?.stop();
  }
});

test('a Python client with the wrong key is closed by the AsocNode without a byte sent back', options, async () => {
  const node = loopbackNode();
  await node.start();
  const authFailures: string[] = [];
  node.on('auth-failed', (e) => authFailures.push(e.reason));
  const peer = startPeer(['client', '127.0.0.1', String(node.address.port), '--bytes', String(MiB)], `not-${KEY}`);
  try {
    const run = await peer.done;
    assert.equal(run.code, 3, `expected exit 3 (rejected), got ${run.code}: ${JSON.stringify(run.events)} ${run.stderr}`);
    assert.deepEqual(event(run, 'rejected'), { event: 'rejected', bytes_received: 0, closed: true });
    assert.deepEqual(authFailures, ['bad-signature']);
    assert.equal(node.peers().length, 0);
  } finally {
    peer.kill();
    await node.stop();
  }
});

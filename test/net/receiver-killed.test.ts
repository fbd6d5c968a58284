import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { AsocNode } from '../../src/net/node.ts';
import { ConnectionClosedError } from '../../src/driver/connection-driver.ts';
import { ASOC_HARDENED, ASOC_V1, type AsocProfile } from '../../src/core/profile.ts';

const MiB = 1024 * 1024;
const KEY = randomBytes(32).toString('hex');
const TRIALS = 50;
/** Every send must settle this soon after the kill (the peer-down itself comes within tens of ms). */
const SETTLE_BOUND_MS = 5_000;
const FIXTURE = new URL('./fixtures/receiver.ts', import.meta.url).pathname;

/** Receivers started ahead of their trial, so that their start-up overlaps the trials before. */
const HEAD_START = 3;

interface Receiver {
  child: ChildProcess;
  /** Its node id in hex: the key of its (inbound) connection at the sender. */
  key: string;
}

function startReceiver(senderPort: number, profile: AsocProfile): Receiver {
  const key = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, String(senderPort), profile.name, key], { env: { ...process.env, ASOC_API_KEY: KEY }, stdio: ['ignore', 'ignore', 'inherit'] });
  return { child, key };
}

/** Up to 1 GiB in 1 MiB pieces of one reused buffer; calls `atThreshold` once `threshold` bytes were handed to send(). */
async function* sourceThatKills(threshold: number, atThreshold: () => void): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(MiB);
  for (let handed = 0; handed < 1024 * MiB; handed += MiB) {
    if (handed === threshold) atThreshold();
    yield piece;
  }
}

/**
 * TRIALS times: a child process dials the sender, the sender streams to it, and the child is
 * SIGKILLed after a different amount each time (0–8 MiB handed to send()). Every send must reject
 * with ConnectionClosedError within the bound; the sender keeps serving the next child.
 */
async function killEveryReceiverMidSend(profile: AsocProfile): Promise<number[]> {
  const sender = new AsocNode({ community: 'test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile });
  await sender.start();
  const settleMs: number[] = [];
  const waiting = Array.from({ length: HEAD_START }, () => startReceiver(sender.address.port, profile));
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      const { child, key } = waiting.shift()!;
      if (trial + HEAD_START < TRIALS) waiting.push(startReceiver(sender.address.port, profile));
      const peer = await sender.waitForPeer(key, 20_000);
      let killedAt = 0;
      const kill = () => {
        if (killedAt) return;
        killedAt = performance.now();
        child.kill('SIGKILL');
      };
      const threshold = (trial % 5) * 2 * MiB;
      const outcome = await Promise.race([
        sender.send(peer.key, sourceThatKills(threshold, kill)).then(
          (receipt) => ({ settled: 'delivered', receipt }),
          (err: unknown) => ({ settled: 'rejected', err }),
        ),
        new Promise<{ settled: 'pending' }>((resolve) => child.once('exit', () => setTimeout(() => resolve({ settled: 'pending' }), SETTLE_BOUND_MS).unref())),
      ]);
      const took = performance.now() - killedAt;
      assert.equal(outcome.settled, 'rejected', `trial ${trial} (${profile.name}, kill after ${threshold / MiB} MiB): send ${outcome.settled} ${took.toFixed(0)} ms after the kill`);
      assert.ok((outcome as { err: unknown }).err instanceof ConnectionClosedError, `trial ${trial}: ${String((outcome as { err: unknown }).err)}`);
      settleMs.push(took);
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
  } finally {
    for (const { child } of waiting) child.kill('SIGKILL');
    await sender.stop();
  }
  return settleMs;
}

function summary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  return `${ms.length} trials: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms after the kill`;
}

for (const profile of [ASOC_V1, ASOC_HARDENED]) {
  test(`${profile.name}: a receiver SIGKILLed mid-send, ${TRIALS} times: every send() rejects with ConnectionClosedError within ${SETTLE_BOUND_MS} ms`, async (t) => {
    const settleMs = await killEveryReceiverMidSend(profile);
    t.diagnostic(summary(settleMs));
    assert.ok(Math.max(...settleMs) < SETTLE_BOUND_MS);
  });
}

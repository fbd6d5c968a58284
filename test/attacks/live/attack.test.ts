import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AsocNode, type AsocNodeOptions } from '../../../src/net/node.ts';
import { ASOC_HARDENED, ASOC_V1, ASOC_V1_REFERENCE, SUBDUCTION, type AsocProfile } from '../../../src/core/profile.ts';
import type { CloseReason } from '../../../src/core/events.ts';
import net from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { openSession } from '../../../attacks/live/raw-connection.ts';
import { Deadline, SocketSet, withTimeout } from '../../../attacks/live/bounds.ts';
import { floodOutcome, isLocalConnectError } from '../../../attacks/live/connection-flood.ts';
import { RecordingProxy } from '../../../attacks/live/recording-proxy.ts';
import { attackSource } from '../../../attacks/live/target.ts';
import { connectionFlood, failedAuthBurst, helloReplay, oversizedFrame, resolveAttackTarget, slowHandshake, TargetNotAllowedError, type AttackTarget } from '../../../attacks/live/index.ts';
import { main } from '../../../lab/cli.ts';

const KEY = randomBytes(32).toString('hex');
const apiKey = new TextEncoder().encode(KEY);
const MiB = 1024 * 1024;

/** A node on 127.0.0.1 with a free port; `run` gets its address and the node is stopped afterwards. */
async function withNode<T>(profile: AsocProfile, run: (target: AttackTarget, node: AsocNode) => Promise<T>, extra: Partial<AsocNodeOptions> = {}): Promise<T> {
  const node = new AsocNode({ community: 'attack-test', apiKey: KEY, host: '127.0.0.1', port: 0, discovery: false, profile, ...extra });
  await node.start();
  try {
    return await run({ host: '127.0.0.1', port: node.address.port }, node);
  } finally {
    await node.stop();
  }
}

type Attempt = { target: string; accepted: boolean; succeeded: boolean; receiptBytes: number | null; reply: string };

test('hello-replay against asoc-v1: refused by the server that saw the HELLO, accepted by a second server with the same key', async () => {
  await withNode(ASOC_V1, (first) =>
    withNode(ASOC_V1, async (second) => {
      const result = await helloReplay({ target: first, apiKey, replayTargets: [first, second], timeoutMs: 5_000, settleMs: 200 });
      const attempts = result.details.attempts as Attempt[];
      assert.equal(result.outcome, 'SUCCEEDED', result.summary);
      assert.deepEqual(result.claims, ['S2', 'S1']);
      assert.equal(attempts.length, 2);
      assert.equal(attempts[0]!.accepted, false, 'the first server remembers the challenge');
      assert.equal(attempts[0]!.reply, 'closed');
      assert.equal(attempts[1]!.succeeded, true);
      assert.equal(attempts[1]!.receiptBytes, 64 * 1024, 'the second server delivered the forged stream and said so');
      assert.equal(result.counts.proxiedConnections, 1);
    }),
  );
});

test('hello-replay against asoc-v1/reference: the same server accepts its own HELLO again, at once and after a delay', async () => {
  await withNode(ASOC_V1_REFERENCE, async (target) => {
    const result = await helloReplay({ target, apiKey, profile: ASOC_V1_REFERENCE, delayMs: 100, timeoutMs: 5_000, settleMs: 200 });
    const attempts = result.details.attempts as Attempt[];
    assert.equal(result.outcome, 'SUCCEEDED', result.summary);
    assert.deepEqual(attempts.map((a) => a.succeeded), [true, true]);
    assert.equal(result.counts.succeeded, 2);
  });
});

test('hello-replay without a client through the proxy is INCONCLUSIVE, within its wait', async () => {
  await withNode(ASOC_V1, async (target) => {
    const result = await helloReplay({ target, waitMs: 150, timeoutMs: 2_000 });
    assert.equal(result.outcome, 'INCONCLUSIVE');
    assert.ok(result.wallMs < 1_000, `waited ${result.wallMs} ms`);
  });
});

test('oversized-frame: asoc-v1 closes on the header, asoc-v1/reference keeps reading', async () => {
  const options = { apiKey, frameBytes: 1024 ** 3, pushBytes: 24 * MiB, timeoutMs: 8_000 };
  const v1 = await withNode(ASOC_V1, (target) => oversizedFrame({ ...options, target }));
  assert.equal(v1.outcome, 'REFUSED', v1.summary);
  assert.ok(v1.counts.payloadBytesWritten! < 24 * MiB, `v1 took ${v1.counts.payloadBytesWritten} B`);
  assert.ok(v1.timesMs.closeAfterHeader! < 1_000, `v1 closed after ${v1.timesMs.closeAfterHeader} ms`);
  const reference = await withNode(ASOC_V1_REFERENCE, (target) => oversizedFrame({ ...options, target, profile: ASOC_V1_REFERENCE }));
  assert.equal(reference.outcome, 'SUCCEEDED', reference.summary);
  assert.equal(reference.counts.payloadBytesWritten, 24 * MiB);
});

test('oversized-frame without a key: asoc-v1 refuses it on the header, asoc-v1/reference reads it before any authentication', async () => {
  const v1 = await withNode(ASOC_V1, (target) => oversizedFrame({ target, pushBytes: 4 * MiB, timeoutMs: 5_000 }));
  assert.equal(v1.outcome, 'REFUSED', v1.summary);
  assert.equal(v1.details.stage, 'before the handshake');
  // The whole 20 MiB frame: the reference reads every byte of it, and only then closes it for not being a HELLO.
  const reference = await withNode(ASOC_V1_REFERENCE, (target) => oversizedFrame({ target, frameBytes: 20 * MiB, pushBytes: 20 * MiB, timeoutMs: 5_000 }));
  assert.equal(reference.outcome, 'SUCCEEDED', reference.summary);
  assert.equal(reference.details.stage, 'before the handshake');
  assert.equal(reference.counts.payloadBytesWritten, 20 * MiB);
});

/**
 * How long failed-auth-burst watches a fresh connection for a lockout close: long enough that a
 * loaded machine's late close is still seen as one (a late close would shift firstRefusedAttempt).
 */
const PROBE_MS = 500;

test('failed-auth-burst: asoc-v1 locks the address out after 5 failures, and a legitimate client with it', async () => {
  await withNode(ASOC_V1, async (target) => {
    const result = await failedAuthBurst({ target, apiKey, count: 8, probeMs: PROBE_MS, timeoutMs: 8_000 });
    assert.equal(result.outcome, 'REFUSED', result.summary);
    assert.match(result.source!, /^127\.(?!0\.0\.1$)/, 'from a fresh loopback address, not 127.0.0.1');
    assert.equal(result.counts.closedAfterHello, 5);
    assert.equal(result.counts.firstRefusedAttempt, 6);
    assert.equal(result.counts.refusedAtOnce, 3);
    assert.equal(result.counts.legitimateClientAdmitted, 0);
  });
});

test('failed-auth-burst against a node allowing 20 failures: the attack SUCCEEDS (no lockout within 8)', async () => {
  await withNode(
    ASOC_V1,
    async (target) => {
      const result = await failedAuthBurst({ target, count: 8, probeMs: 30, timeoutMs: 8_000 });
      assert.equal(result.outcome, 'SUCCEEDED', result.summary);
      assert.equal(result.counts.closedAfterHello, 8);
    },
    { admission: { maxAuthFailures: 20 } },
  );
});

test('connection-flood: asoc-v1 keeps 100 of 150 open, and the cap keeps a legitimate client out meanwhile', async () => {
  await withNode(ASOC_V1, async (target) => {
    const result = await connectionFlood({ target, apiKey, count: 150, holdMs: 300, timeoutMs: 8_000 });
    assert.equal(result.outcome, 'REFUSED', result.summary);
    assert.equal(result.counts.keptOpen, 100);
    assert.equal(result.counts.closedByServer! + result.counts.refusedByServer!, 50);
    assert.equal(result.counts.localConnectErrors, 0);
    assert.equal(result.counts.legitimateClientAdmitted, 0);
  });
});

test('slow-handshake: silent connections are closed at the handshake timeout; a longer server timeout than claimed SUCCEEDS', async () => {
  await withNode(
    ASOC_V1,
    async (target) => {
      // The claim is set 10× above the server's 300 ms, so only a stall of seconds could turn REFUSED into SUCCEEDED.
      const result = await slowHandshake({ target, count: 4, claimedTimeoutMs: 3_000, timeoutMs: 5_000 });
      assert.equal(result.outcome, 'REFUSED', result.summary);
      assert.equal(result.counts.closedByServer, 4);
      // A timer never fires early: every close came at the server's timeout or later, none at once.
      assert.ok(result.timesMs.firstClose! >= 290, `first close after ${result.timesMs.firstClose} ms`);
      assert.ok(result.timesMs.lastClose! <= result.timesMs.held!, `last close ${result.timesMs.lastClose} ms, held ${result.timesMs.held} ms`);
      const tooLong = await slowHandshake({ target, count: 1, claimedTimeoutMs: 50, timeoutMs: 5_000 });
      assert.equal(tooLong.outcome, 'SUCCEEDED', tooLong.summary);
    },
    { limits: { handshakeTimeoutMs: 300 }, admission: { maxAuthFailures: 50 } },
  );
});

test('asoc-v1/reference, as the Python reference: no connection cap, no lockout, silent connections closed at the handshake timeout and never counted', async () => {
  const profile = ASOC_V1_REFERENCE;
  // Three nodes at once: each attack comes from its own source address, so they cannot disturb each other.
  const [flood, burst, slow] = await Promise.all([
    withNode(profile, (target) => connectionFlood({ target, apiKey, profile, count: 150, holdMs: 300, timeoutMs: 8_000 })),
    withNode(profile, (target) => failedAuthBurst({ target, apiKey, profile, count: 7, probeMs: PROBE_MS, timeoutMs: 8_000 })),
    withNode(
      profile,
      async (target) => {
        const first = await slowHandshake({ target, apiKey, profile, count: 5, claimedTimeoutMs: 3_000, timeoutMs: 5_000 });
        // Five timeouts from one address lock it out of asoc-v1; the reference counts none.
        const again = await slowHandshake({ target, source: first.source!, profile, count: 1, claimedTimeoutMs: 3_000, timeoutMs: 5_000 });
        return { first, again };
      },
      { limits: { handshakeTimeoutMs: 300 } },
    ),
  ]);
  assert.equal(flood.outcome, 'SUCCEEDED', flood.summary);
  assert.equal(flood.counts.keptOpen, 150);
  assert.equal(flood.counts.legitimateClientAdmitted, 1, 'the legitimate client still got in beside the 150');
  assert.equal(burst.outcome, 'SUCCEEDED', burst.summary);
  assert.equal(burst.counts.closedAfterHello, 7, 'every bad HELLO got a hearing');
  assert.equal(burst.counts.refusedAtOnce, 0);
  assert.equal(burst.counts.legitimateClientAdmitted, 1, 'and a legitimate client from the same address still gets in');
  assert.equal(slow.first.outcome, 'REFUSED', slow.first.summary);
  assert.equal(slow.first.counts.closedByServer, 5);
  assert.ok(slow.first.timesMs.firstClose! >= 290, `first close after ${slow.first.timesMs.firstClose} ms`);
  assert.equal(slow.first.counts.legitimateClientAdmitted, 1, 'not locked out afterwards');
  assert.equal(slow.again.outcome, 'REFUSED', `a second run from the same address is not refused at once: ${slow.again.summary}`);
});

test('slow-handshake with a budget shorter than the claimed timeout is INCONCLUSIVE, and stops on time', async () => {
  await withNode(ASOC_V1, async (target) => {
    const result = await slowHandshake({ target, count: 2, timeoutMs: 400 });
    assert.equal(result.outcome, 'INCONCLUSIVE', result.summary);
    assert.equal(result.counts.stillOpen, 2);
    assert.ok(result.wallMs < 1_000, `ran ${result.wallMs} ms`);
  });
});

/**
 * Close reasons of a node's connections (only those that never completed a handshake, unless `all`),
 * in order; `seen(n)` waits for the n-th, at most 3 s, and returns them all.
 */
function closeReasons(node: AsocNode, all = false): { seen(n: number): Promise<CloseReason[]> } {
  const reasons: CloseReason[] = [];
  let wake = () => {};
  node.on('connection-closed', (c) => {
    if (all || !c.established) reasons.push(c.reason);
    wake();
  });
  return {
    async seen(n) {
      const until = performance.now() + 3_000;
      while (reasons.length < n && performance.now() < until) await withTimeout(new Promise<void>((resolve) => (wake = resolve)), until - performance.now());
      return reasons;
    },
  };
}

test('asoc-hardened: a replayed HELLO is refused by its server, and the second server\'s ACCEPT is useless without the key', async () => {
  await withNode(ASOC_HARDENED, (first, firstNode) =>
    withNode(ASOC_HARDENED, async (second, secondNode) => {
      const closes = [closeReasons(firstNode), closeReasons(secondNode)];
      const result = await helloReplay({ target: first, apiKey, profile: ASOC_HARDENED, replayTargets: [first, second], timeoutMs: 5_000, settleMs: 200 });
      const attempts = result.details.attempts as (Attempt & { closedAfterData: boolean })[];
      assert.equal(result.outcome, 'REFUSED', result.summary);
      assert.match(result.details.recordedHello as string, /^HELLO v2 /);
      assert.equal(attempts[0]!.accepted, false);
      assert.equal(attempts[1]!.succeeded, false);
      // The second server has not seen the nonce, so it answers; without the key there is no FINISH,
      // and the pushed DATA closes it as the wrong frame (on its header: nothing is buffered or checked).
      assert.equal(attempts[1]!.accepted, true);
      assert.equal(attempts[1]!.closedAfterData, true);
      assert.deepEqual([await closes[0]!.seen(1), await closes[1]!.seen(1)], [['replay'], ['expected-finish']]);
    }),
  );
});

test('subduction: the attacker\'s client core has a key pair of its own, and a replayed challenge is refused as a replay', async () => {
  await withNode(SUBDUCTION, async (target, node) => {
    const closes = closeReasons(node);
    const result = await helloReplay({ target, apiKey, profile: SUBDUCTION, timeoutMs: 5_000, settleMs: 200 });
    const attempts = result.details.attempts as Attempt[];
    assert.equal(result.outcome, 'REFUSED', result.summary);
    assert.equal(result.details.victim, 'built-in client accepted');
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]!.accepted, false);
    assert.deepEqual(await closes.seen(1), ['replay']);
  });
});

test('asoc-hardened: a v1 client is closed with version-mismatch', async () => {
  await withNode(ASOC_HARDENED, async (target, node) => {
    const closes = closeReasons(node);
    const sockets = new SocketSet();
    try {
      const session = await openSession(target, { apiKey, profile: ASOC_V1, deadline: new Deadline(3_000), sockets });
      assert.equal(session.established, false);
    } finally {
      sockets.destroyAll();
    }
    assert.deepEqual(await closes.seen(1), ['version-mismatch']);
  });
});

test('asoc-hardened: oversized frame, flood, failed-auth burst and slow handshake are all REFUSED', async () => {
  const oversized = await withNode(ASOC_HARDENED, async (target, node) => {
    const closes = closeReasons(node, true);
    const result = await oversizedFrame({ target, apiKey, profile: ASOC_HARDENED, frameBytes: 1024 ** 3, pushBytes: 24 * MiB, timeoutMs: 5_000 });
    assert.deepEqual(await closes.seen(1), ['frame-too-large']);
    return result;
  });
  assert.equal(oversized.outcome, 'REFUSED', oversized.summary);
  const flood = await withNode(ASOC_HARDENED, (target) => connectionFlood({ target, apiKey, profile: ASOC_HARDENED, count: 150, holdMs: 300, timeoutMs: 8_000 }));
  assert.equal(flood.outcome, 'REFUSED', flood.summary);
  assert.equal(flood.counts.keptOpen, 8, 'at most 8 handshaking connections per address');
  const burst = await withNode(ASOC_HARDENED, (target) => failedAuthBurst({ target, profile: ASOC_HARDENED, count: 8, probeMs: PROBE_MS, timeoutMs: 8_000 }));
  assert.equal(burst.outcome, 'REFUSED', burst.summary);
  assert.equal(burst.counts.firstRefusedAttempt, 6);
  const slow = await withNode(ASOC_HARDENED, (target) => slowHandshake({ target, count: 4, claimedTimeoutMs: 1_000, timeoutMs: 5_000 }), { limits: { handshakeTimeoutMs: 300 } });
  assert.equal(slow.outcome, 'REFUSED', slow.summary);
});

test('lockouts do not carry over: each run comes from its own source; a run from an address already locked out is INCONCLUSIVE', async () => {
  await withNode(
    ASOC_V1,
    async (target) => {
      const burst = () => failedAuthBurst({ target, count: 3, probeMs: PROBE_MS, timeoutMs: 5_000 });
      const [first, second] = [await burst(), await burst()];
      assert.notEqual(first.source, second.source);
      for (const run of [first, second]) {
        assert.equal(run.outcome, 'REFUSED', run.summary);
        assert.equal(run.counts.firstRefusedAttempt, 3, 'locked out after this node\'s 2 failures, not at once');
      }
      const again = await failedAuthBurst({ target, source: first.source!, count: 3, probeMs: PROBE_MS, timeoutMs: 5_000 });
      assert.equal(again.outcome, 'INCONCLUSIVE', again.summary);
      assert.match(again.summary, /address already locked out before the attack/);
      assert.equal(again.counts.firstRefusedAttempt, 1);
      const slow = await slowHandshake({ target, source: first.source!, count: 3, claimedTimeoutMs: 1_000, timeoutMs: 3_000 });
      assert.equal(slow.outcome, 'INCONCLUSIVE', slow.summary);
      assert.match(slow.summary, /address already locked out before the attack/);
    },
    { admission: { maxAuthFailures: 2 } },
  );
});

test('source addresses: a random 127.x.y.z for an IPv4 loopback target, a given one checked', () => {
  const v4 = { host: '127.0.0.1', port: 9000 };
  const drawn = new Set(Array.from({ length: 20 }, () => attackSource(v4)));
  if (process.platform === 'linux') {
    for (const address of drawn) assert.match(address!, /^127\.([1-9]\d*)\.\d+\.\d+$/);
    assert.ok(drawn.size > 15, `only ${drawn.size} distinct addresses in 20 draws`);
  }
  assert.equal(attackSource({ host: '::1', port: 9000 }), null, 'IPv6: the kernel picks');
  assert.equal(attackSource(v4, '127.3.4.5'), '127.3.4.5');
  assert.throws(() => attackSource(v4, '10.0.0.1'), TargetNotAllowedError);
  assert.throws(() => attackSource(v4, '::1'), /other IP family/);
});

test('connection-flood: a flood no larger than the claimed limit, or cut short by local errors, is INCONCLUSIVE', async () => {
  const small = await withNode(ASOC_HARDENED, (target) => connectionFlood({ target, profile: ASOC_HARDENED, count: 20, holdMs: 200, timeoutMs: 5_000 }));
  assert.equal(small.outcome, 'INCONCLUSIVE', small.summary);
  assert.equal(small.counts.keptOpen, 8, 'the per-address handshake cap closed 12, but that is not the connection cap');
  assert.deepEqual(floodOutcome({ attempted: 150, claimedLimit: 100, keptOpen: 90, localErrors: 60 }).outcome, 'INCONCLUSIVE');
  assert.deepEqual(floodOutcome({ attempted: 150, claimedLimit: 100, keptOpen: 100, localErrors: 49 }).outcome, 'REFUSED');
  assert.deepEqual(floodOutcome({ attempted: 150, claimedLimit: 100, keptOpen: 101, localErrors: 0 }).outcome, 'SUCCEEDED');
  assert.deepEqual(floodOutcome({ attempted: 100, claimedLimit: 100, keptOpen: 100, localErrors: 0 }).outcome, 'INCONCLUSIVE');
  for (const code of ['EMFILE', 'ENFILE', 'EADDRNOTAVAIL']) assert.equal(isLocalConnectError(code), true, code);
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']) assert.equal(isLocalConnectError(code), false, code);
});

test('oversized-frame at or below the claimed 16 MiB is INCONCLUSIVE: asoc-hardened closes it for another reason', async () => {
  await withNode(ASOC_HARDENED, async (target, node) => {
    const closes = closeReasons(node, true);
    const result = await oversizedFrame({ target, apiKey, profile: ASOC_HARDENED, frameBytes: MiB, pushBytes: MiB, timeoutMs: 5_000 });
    assert.equal(result.outcome, 'INCONCLUSIVE', result.summary);
    assert.match(result.summary, /within the claimed maximum of 16777216 B/);
    assert.deepEqual(await closes.seen(1), ['integrity-failed']);
  });
});

test('withTimeout clears its timer whichever side wins', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  assert.equal(await withTimeout(Promise.resolve('written'), 60_000), 'written');
  assert.equal(await withTimeout(new Promise(() => {}), 10), 'timed-out');
  assert.equal(timers(), before, 'a 60 s timer left behind');
});

test('the recording proxy forwards at most its cap of connections and turns the rest away', async () => {
  await withNode(ASOC_V1, async (target) => {
    const sockets = new SocketSet();
    const proxy = await RecordingProxy.start({ host: '127.0.0.1', port: 0 }, target, sockets, { maxConnections: 2 });
    try {
      const clients = [1, 2, 3].map(() => sockets.add(net.connect(proxy.address.port, '127.0.0.1')));
      await Promise.all(clients.map((c) => once(c, 'connect')));
      await withTimeout(once(clients[2]!, 'close'), 3_000);
      assert.equal(clients[2]!.destroyed, true, 'the third connection was closed');
      assert.deepEqual([proxy.stats.connections, proxy.stats.turnedAway], [2, 1]);
    } finally {
      sockets.destroyAll();
      await proxy.close();
    }
  });
});

test('nothing listening: every attack is INCONCLUSIVE, not REFUSED', async () => {
  const closed = await withNode(ASOC_V1, async (target) => target); // the port is free again once the node stopped
  const results = await Promise.all([
    connectionFlood({ target: closed, count: 3, timeoutMs: 2_000 }),
    failedAuthBurst({ target: closed, count: 2, timeoutMs: 2_000 }),
    slowHandshake({ target: closed, count: 2, timeoutMs: 2_000 }),
    oversizedFrame({ target: closed, timeoutMs: 2_000 }),
  ]);
  for (const result of results) assert.equal(result.outcome, 'INCONCLUSIVE', `${result.attack}: ${result.summary}`);
});

test('targets: loopback only, names resolved and checked, anything else refused', async () => {
  assert.deepEqual(await resolveAttackTarget('127.0.0.1:9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(await resolveAttackTarget('[::1]:9000'), { host: '::1', port: 9000 });
  assert.equal((await resolveAttackTarget('127.8.9.10:1')).host, '127.8.9.10');
  for (const bad of ['10.0.0.1:9000', '8.8.8.8:53', '[2001:db8::1]:9000', '0.0.0.0:9000']) {
    await assert.rejects(resolveAttackTarget(bad), TargetNotAllowedError, bad);
  }
  await assert.rejects(resolveAttackTarget('127.0.0.1:9000', { allowNetns: 'not-ours' }), /only namespaces the project made/);
  await assert.rejects(resolveAttackTarget('127.0.0.1'), TypeError);
});

test('asoc-lab attack: the CLI runs an attack, writes its JSON, and refuses a non-loopback target', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'asoc-attack-'));
  const out = path.join(dir, 'burst.json');
  const log = console.log;
  const error = console.error;
  const printed: string[] = [];
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  console.error = (...args: unknown[]) => void printed.push(args.join(' '));
  try {
    // A node locking out after 2 failures keeps the run short (the default probe is 500 ms per failure).
    await withNode(
      ASOC_V1,
      async (target) => {
        const code = await main(['attack', 'failed-auth-burst', '--target', `127.0.0.1:${target.port}`, '--source', '127.9.8.7', '--count', '4', '--timeout', '10', '--out', out]);
        assert.equal(code, 0, printed.join('\n'));
      },
      { admission: { maxAuthFailures: 2 } },
    );
    const report = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(report.attack, 'failed-auth-burst');
    assert.equal(report.outcome, 'REFUSED');
    assert.equal(report.counts.firstRefusedAttempt, 3);
    assert.equal(report.source, '127.9.8.7');
    assert.match(printed.join('\n'), /failed-auth-burst REFUSED \[S10 S1\]/);
    assert.equal(await main(['attack', 'connection-flood', '--target', '192.0.2.1:9000']), 2);
    assert.match(printed.at(-1)!, /refusing to attack 192\.0\.2\.1:9000/);
    assert.equal(await main(['attack', 'no-such-attack', '--target', '127.0.0.1:1']), 2);
    assert.equal(await main(['attack', 'slow-handshake', '--target', '127.0.0.1:1', '--timeout', '1e9']), 2);
    assert.match(printed.at(-1)!, /at most 600 seconds/);
    assert.equal(await main(['attack', 'slow-handshake', '--target', '127.0.0.1:1', '--source', '10.0.0.1']), 2);
    assert.match(printed.at(-1)!, /must be loopback/);
  } finally {
    console.log = log;
    console.error = error;
    await rm(dir, { recursive: true, force: true });
  }
});

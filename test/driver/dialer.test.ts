/** The dialer (src/driver/dialer.ts) with a fake connector and fake timers: attempts, connect timeout, backoff, giving up. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dialer, type DialStep } from '../../src/driver/dialer.ts';
import { FakeClock, FakeConnector, HALF_RANDOM, streamPair, type FakeStream } from './fakes.ts';

function dialer(forever: boolean, connectTimeoutMs = 5_000) {
  const clock = new FakeClock();
  const connector = new FakeConnector();
  const steps: DialStep[] = [];
  const sockets: FakeStream[] = [];
  let gaveUp = 0;
  const d = new Dialer<FakeStream>({
    target: { host: '10.0.0.2', port: 9000 },
    forever,
    random: HALF_RANDOM,
    connectTimeoutMs,
    connector,
    timers: clock,
    connect: (socket) => sockets.push(socket),
    onGiveUp: () => gaveUp++,
    log: (step) => steps.push(step),
  });
  const refuse = () => connector.complete(connector.open[0]!, { failed: 'connect ECONNREFUSED' });
  return { clock, connector, steps, sockets, d, refuse, gaveUp: () => gaveUp };
}

const retries = (steps: DialStep[]) => steps.flatMap((s) => (s.type === 'retry' ? [s.delayMs] : []));

test('the first attempt is at once; each failure waits the backoff (1–5 s doubled per failure, capped at 60 s) before the next', () => {
  const { clock, connector, steps, d, refuse } = dialer(true);
  d.start();
  assert.equal(connector.attempts.length, 1, 'no wait before the first attempt');
  for (let failure = 1; failure <= 8; failure++) {
    refuse();
    const delay = retries(steps).at(-1)!;
    clock.advance(delay - 1);
    assert.equal(connector.attempts.length, failure, `failure ${failure}: not before ${delay} ms`);
    clock.advance(1);
    assert.equal(connector.attempts.length, failure + 1, `failure ${failure}: again after ${delay} ms`);
  }
  // u = 3000 ms (the middle of 1–5 s), doubled from the second failure on, capped at 60 s.
  assert.deepEqual(retries(steps), [3000, 6000, 12_000, 24_000, 48_000, 60_000, 60_000, 60_000]);
  assert.equal(d.lastError, 'connect ECONNREFUSED');
});

test('a connect that does not complete within the timeout is cancelled and counts as a failure', () => {
  const { clock, connector, steps, d } = dialer(true, 2_000);
  d.start();
  clock.advance(1_999);
  assert.equal(connector.attempts[0]!.cancelled, false);
  clock.advance(1);
  assert.equal(connector.attempts[0]!.cancelled, true);
  assert.deepEqual(steps.slice(0, 2), [{ type: 'attempt', attempt: 1 }, { type: 'failed', reason: 'no connection within 2000 ms', failures: 1 }]);
  // A late answer from the cancelled attempt changes nothing.
  connector.attempts[0]!.handlers.failed('too late');
  assert.equal(steps.filter((s) => s.type === 'failed').length, 1);
});

test('a discovered peer is given up after 3 failures in a row; a static one never is', () => {
  const discovered = dialer(false);
  discovered.d.start();
  for (let i = 0; i < 3; i++) {
    discovered.refuse();
    discovered.clock.advance(retries(discovered.steps).at(-1) ?? 0);
  }
  assert.equal(discovered.gaveUp(), 1);
  assert.equal(discovered.connector.attempts.length, 3);
  assert.deepEqual(discovered.steps.at(-1), { type: 'given-up', failures: 3 });
  assert.equal(discovered.clock.armed, 0, 'nothing left armed');

  const fixed = dialer(true);
  fixed.d.start();
  for (let i = 0; i < 10; i++) {
    fixed.refuse();
    fixed.clock.advance(retries(fixed.steps).at(-1)!);
  }
  assert.equal(fixed.gaveUp(), 0);
  assert.equal(fixed.connector.attempts.length, 11);
});

test('an established connection resets the backoff; one that ends before its handshake is a failure', () => {
  const { clock, connector, steps, sockets, d, refuse } = dialer(false);
  d.start();
  refuse();
  clock.advance(retries(steps).at(-1)!);
  refuse();
  clock.advance(retries(steps).at(-1)!);
  connector.complete(connector.open[0]!, { connected: streamPair(clock, 'a', 'b').a });
  assert.equal(sockets.length, 1);
  d.connected();
  d.disconnected(true, 'closed by the peer');
  assert.deepEqual(steps.slice(-2), [{ type: 'disconnected', reason: 'closed by the peer' }, { type: 'retry', delayMs: 3000, failures: 0 }]);
  clock.advance(3000);
  // Two more failures would have given up a peer that kept its 2 failures; after the reset it takes 3.
  connector.complete(connector.open[0]!, { connected: streamPair(clock, 'a', 'b').a });
  d.disconnected(false, 'handshake-timeout: no ACCEPT');
  assert.deepEqual(steps.filter((s) => s.type === 'failed').at(-1), { type: 'failed', reason: 'handshake-timeout: no ACCEPT', failures: 1 });
  assert.equal(steps.some((s) => s.type === 'given-up'), false);
});

test('stop cancels the attempt in flight and the retry timer; later reports are ignored', () => {
  const { clock, connector, steps, d } = dialer(true);
  d.start();
  d.stop();
  assert.equal(connector.attempts[0]!.cancelled, true);
  assert.equal(clock.armed, 0);
  const before = steps.length;
  d.disconnected(false, 'late');
  clock.advance(120_000);
  assert.equal(steps.length, before);
  assert.equal(connector.attempts.length, 1);

  const second = dialer(true);
  second.d.start();
  second.refuse();
  second.d.stop();
  second.clock.advance(120_000);
  assert.equal(second.connector.attempts.length, 1, 'the retry armed before stop never fires');
});

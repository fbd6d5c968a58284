import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { Endpoint } from '../../../src/core/endpoint.ts';
import { EndpointDriver } from '../../../sim/asoc/index.ts';
import type { TcpSocket } from '../../../sim/index.ts';
import { SERVER_PORT, patternBytes, twoHosts } from '../support.ts';

type CounterEvent = { kind: 'echoed'; total: number } | { kind: 'tick'; now: number };

/**
 * Sends `messages` frames (a 4-byte length header and a payload, handed out apart), counts the
 * bytes echoed back, and keeps a heartbeat deadline every `tickMs` of local time, `ticks` times.
 */
class CounterEndpoint implements Endpoint<CounterEvent> {
  echoed = 0;
  readonly echoHash = createHash('sha256');
  readonly sentHash = createHash('sha256');
  private outbox: Uint8Array[][] = [];
  private events: CounterEvent[] = [];
  private deadline: number | null;
  private ticksLeft: number;

  constructor(messages: number, messageBytes: number, private readonly tickMs: number, ticks: number, start: number) {
    for (let i = 0; i < messages; i++) {
      const payload = patternBytes(i * messageBytes, messageBytes);
      const header = new Uint8Array(4);
      new DataView(header.buffer).setUint32(0, messageBytes);
      this.sentHash.update(header).update(payload);
      this.outbox.push([header, payload]);
    }
    this.ticksLeft = ticks;
    this.deadline = ticks > 0 ? start + tickMs : null;
  }

  receive(bytes: Uint8Array): void {
    this.echoed += bytes.length;
    this.echoHash.update(bytes);
    this.events.push({ kind: 'echoed', total: this.echoed });
  }

  pollTransmit(): Uint8Array[] | null {
    return this.outbox.shift() ?? null;
  }

  pollEvent(): CounterEvent | null {
    return this.events.shift() ?? null;
  }

  pollTimeout(): number | null {
    return this.deadline;
  }

  handleTimeout(now: number): void {
    if (this.deadline === null || now < this.deadline) return;
    this.events.push({ kind: 'tick', now });
    this.ticksLeft--;
    this.deadline = this.ticksLeft > 0 ? this.deadline + this.tickMs : null;
  }
}

/** Echoes whatever arrives, without copying it. */
class EchoEndpoint implements Endpoint<never> {
  private pending: Uint8Array[] = [];

  receive(bytes: Uint8Array): void {
    this.pending.push(bytes);
  }

  pollTransmit(): Uint8Array[] | null {
    if (this.pending.length === 0) return null;
    const out = this.pending;
    this.pending = [];
    return out;
  }

  pollEvent(): never | null {
    return null;
  }

  pollTimeout(): number | null {
    return null;
  }

  handleTimeout(): void {}
}

function echoPair(options: { messages: number; messageBytes: number; ticks?: number; tickMs?: number; skewMs?: number; sendBufferBytes?: number }) {
  const { sim, a, b } = twoHosts({
    link: { bandwidthBps: 100e6, latencyMs: 2 },
    a: { clockSkewMs: options.skewMs ?? 0, tcp: { sendBufferBytes: options.sendBufferBytes ?? 4 * 2 ** 20 } },
  });
  b.tcp.listen(SERVER_PORT, (socket) => void new EndpointDriver(b, socket, new EchoEndpoint()));
  const socket = a.tcp.connect('10.0.0.2', SERVER_PORT);
  const endpoint = new CounterEndpoint(options.messages, options.messageBytes, options.tickMs ?? 100, options.ticks ?? 0, a.now());
  const events: Array<[number, CounterEvent]> = [];
  const closes: string[] = [];
  const driver = new EndpointDriver(a, socket, endpoint, {
    onEvent: (event) => events.push([sim.scheduler.now, event]),
    onClose: (reason) => closes.push(reason),
  });
  return { sim, socket, endpoint, driver, events, closes };
}

test('the driver carries an endpoint’s frames over simulated TCP and delivers the echo', () => {
  const { sim, endpoint, events } = echoPair({ messages: 20, messageBytes: 10_000 });
  sim.scheduler.runUntil(() => endpoint.echoed === 20 * 10_004);
  assert.equal(endpoint.echoHash.digest('hex'), endpoint.sentHash.digest('hex'));
  const last = events.at(-1)![1];
  assert.deepEqual(last, { kind: 'echoed', total: 200_080 });
});

test('deadlines are honoured on the virtual clock, in the host’s local time (skew 1 s)', () => {
  const { sim, events } = echoPair({ messages: 0, messageBytes: 0, ticks: 5, tickMs: 100, skewMs: 1000 });
  sim.scheduler.runUntilIdle();
  const ticks = events.filter(([, e]) => e.kind === 'tick');
  assert.deepEqual(
    ticks.map(([virtual, e]) => [virtual, e.kind === 'tick' ? e.now : NaN]),
    [
      [100, 1100],
      [200, 1200],
      [300, 1300],
      [400, 1400],
      [500, 1500],
    ],
  );
});

test('pollTransmit is called only when the socket has room, and a large backlog still arrives intact', () => {
  const { sim, socket, endpoint, driver } = echoPair({ messages: 8, messageBytes: 2 ** 20, sendBufferBytes: 256 * 1024 });
  let violations = 0;
  let frames = 0;
  const poll = endpoint.pollTransmit.bind(endpoint);
  endpoint.pollTransmit = () => {
    if ((socket as TcpSocket).writableBytes === 0) violations++;
    const pieces = poll();
    if (pieces !== null) frames++;
    return pieces;
  };
  sim.scheduler.runUntil(() => endpoint.echoed === 8 * (2 ** 20 + 4));
  assert.equal(violations, 0);
  assert.equal(endpoint.echoHash.digest('hex'), endpoint.sentHash.digest('hex'));
  assert.equal(frames, 8);
  assert.equal(driver.socket, socket);
});

test('after the socket closes the driver stops: no more timeouts, and the close reason is passed on', () => {
  const { sim, socket, events, closes } = echoPair({ messages: 0, messageBytes: 0, ticks: 1000, tickMs: 10 });
  sim.scheduler.at(55, () => socket.destroy());
  sim.scheduler.runUntilIdle();
  const tickTimes = events.filter(([, e]) => e.kind === 'tick').map(([time]) => time);
  assert.deepEqual(tickTimes, [10, 20, 30, 40, 50]);
  assert.deepEqual(closes, ['destroyed']);
});

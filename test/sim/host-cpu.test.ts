import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu, FREE_CPU, Scheduler, type CpuCosts } from '../../sim/index.ts';
import { SERVER_PORT, acceptInto, sendPattern, twoHosts } from './support.ts';

test('CPU work queues behind earlier work (FIFO), and zero-cost work on an idle CPU runs at once', () => {
  const scheduler = new Scheduler();
  const cpu = new Cpu(scheduler, FREE_CPU);
  const done: Array<[string, number]> = [];
  for (const [name, cost] of [['x', 1], ['y', 2], ['z', 3]] as const) cpu.run(cost, () => done.push([name, scheduler.now]));
  scheduler.at(10, () => cpu.run(1, () => done.push(['late', scheduler.now])));
  scheduler.at(20, () => cpu.run(0, () => done.push(['free', scheduler.now])));
  scheduler.runUntilIdle();
  assert.deepEqual(done, [['x', 1], ['y', 3], ['z', 6], ['late', 11], ['free', 20]]);
  assert.equal(cpu.busyMs, 7);
});

function cpuBoundTransfer(sender: Partial<CpuCosts>, receiver: Partial<CpuCosts>) {
  const { sim, a, b } = twoHosts({
    link: { bandwidthBps: 1e9, latencyMs: 1 },
    a: { cpu: { ...FREE_CPU, ...sender } },
    // a window below the receive backlog (1000 frames): the CPU queue absorbs slow start without loss
    b: { cpu: { ...FREE_CPU, ...receiver }, tcp: { receiveBufferBytes: 2 ** 20 } },
  });
  const sink = acceptInto(sim, b);
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 20_000_000);
  sim.scheduler.runUntil(() => sink.done);
  const from = sink.progress.find(([, bytes]) => bytes >= 2_000_000)![0];
  return { goodput: sink.bitsPerSecond(from, sink.endedAt) / 8, a, b, elapsed: sink.endedAt };
}

test('a slow receiving CPU, not the 1 Gbit/s link, sets the pace: 0.1 µs per byte gives 10 MB/s (within 2 %)', () => {
  const { goodput, b, elapsed } = cpuBoundTransfer({}, { receivePerByteMs: 1e-4 });
  assert.ok(Math.abs(goodput / 10e6 - 1) < 0.02, `goodput ${goodput} B/s`);
  assert.ok(b.cpu.busyMs / elapsed > 0.95, `receiver CPU busy ${((100 * b.cpu.busyMs) / elapsed).toFixed(1)} % of the time`);
});

test('a slow sending CPU sets the pace: 0.1 ms per frame gives 10,000 segments/s (within 2 %)', () => {
  const { goodput } = cpuBoundTransfer({ sendPerFrameMs: 0.1 }, {});
  assert.ok(Math.abs(goodput / (10_000 * 1460) - 1) < 0.02, `goodput ${goodput} B/s`);
});

test('an overloaded host drops what exceeds its receive backlog', () => {
  const { sim, a, b } = twoHosts({ link: { bandwidthBps: Infinity }, b: { cpu: { ...FREE_CPU, receivePerFrameMs: 1 }, receiveBacklogFrames: 100 } });
  let received = 0;
  b.udp.bind(7).onMessage = () => received++;
  const socket = a.udp.bind();
  for (let i = 0; i < 500; i++) socket.send('10.0.0.2', 7, new Uint8Array(10));
  sim.scheduler.runUntilIdle();
  assert.equal(received, 100);
});

test('a host clock is virtual time plus its skew', () => {
  const { sim, a, b } = twoHosts({ a: { clockSkewMs: 1500 }, b: { clockSkewMs: -20 } });
  sim.scheduler.runUntilTime(100);
  assert.equal(a.now(), 1600);
  assert.equal(b.now(), 80);
  assert.equal(a.toVirtualTime(1700), 200);
  a.clockSkewMs = 0; // a clock step
  assert.equal(a.now(), 100);
});

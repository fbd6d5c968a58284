/**
 * Does simulated TCP behave as TCP does? Each test compares a measured steady-state goodput with
 * what theory predicts, with the tolerance stated in the test name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVER_PORT, acceptInto, patternHash, sendPattern, twoHosts } from './support.ts';

const MSS = 1460;
/** Bytes on the wire per full segment: payload + TCP/IP headers (40) + Ethernet framing (38). */
const WIRE_PER_SEGMENT = MSS + 40 + 38;

const within = (measured: number, predicted: number, tolerance: number, what: string): void => {
  const error = measured / predicted - 1;
  assert.ok(Math.abs(error) <= tolerance, `${what}: measured ${measured.toFixed(0)}, predicted ${predicted.toFixed(0)} (${(error * 100).toFixed(1)} %)`);
};

test('lossless link: goodput converges to the bandwidth (minus header overhead), within 2 %', () => {
  const bandwidth = 100e6;
  const { sim, a, b } = twoHosts({
    link: { bandwidthBps: bandwidth, latencyMs: 10, queueBytes: 2 * 2 ** 20 }, // RTT 20 ms, BDP 250 kB
    a: { tcp: { sendBufferBytes: 2 ** 20 } },
    b: { tcp: { receiveBufferBytes: 2 ** 20 } }, // the window allows 4 × BDP
  });
  const sink = acceptInto(sim, b);
  const total = 20_000_000;
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), total);
  sim.scheduler.runUntil(() => sink.done);
  const steadyFrom = sink.progress.find(([, bytes]) => bytes >= 5_000_000)![0];
  within(sink.bitsPerSecond(steadyFrom, sink.endedAt), (bandwidth * MSS) / WIRE_PER_SEGMENT, 0.02, 'goodput (bit/s)');
  assert.equal(sink.digest(), patternHash(total));
});

test('window-limited: goodput is window / RTT, within 2 %', () => {
  const window = 44 * MSS; // whole segments, so the sender can fill it exactly
  const rttMs = 20;
  const { sim, a, b } = twoHosts({ link: { bandwidthBps: 1e9, latencyMs: rttMs / 2 }, b: { tcp: { receiveBufferBytes: window } } });
  const sink = acceptInto(sim, b);
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 10_000_000);
  sim.scheduler.runUntil(() => sink.done);
  const steadyFrom = sink.progress.find(([, bytes]) => bytes >= 1_000_000)![0];
  within(sink.bitsPerSecond(steadyFrom, sink.endedAt), (window * 8) / (rttMs / 1000), 0.02, 'goodput (bit/s)');
});

/** Goodput of a long transfer with random loss p on the data path; the ACK path is lossless. */
function lossyGoodput(loss: number, seed: number): { measured: number; mathis: number } {
  const rttMs = 20;
  const { sim, a, b } = twoHosts({ seed, link: { bandwidthBps: 1e9, latencyMs: rttMs / 2, aToB: { loss } } });
  const sink = acceptInto(sim, b);
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 1e12, { end: false, chunkBytes: 2 ** 20 });
  const warmUpMs = 5_000;
  const endMs = 65_000;
  sim.scheduler.runUntilTime(endMs);
  return {
    measured: sink.bitsPerSecond(warmUpMs, endMs) / 8,
    mathis: MSS / ((rttMs / 1000) * Math.sqrt((2 * loss) / 3)),
  };
}

test('random loss: goodput follows Mathis, MSS / (RTT · sqrt(2p/3)), within 10 % (p = 0.25 % and 1 %, 60 s each)', () => {
  // Where the model applies: p small, the window never limited by buffers, the link never the
  // bottleneck (1 Gbit/s against ~10 Mbit/s), losses independent, one ACK per segment.
  const light = lossyGoodput(0.0025, 11);
  const heavy = lossyGoodput(0.01, 12);
  within(light.measured, light.mathis, 0.1, 'p = 0.25 % goodput (B/s)');
  within(heavy.measured, heavy.mathis, 0.1, 'p = 1 % goodput (B/s)');
  within(light.measured / heavy.measured, 2, 0.1, 'four times the loss halves the goodput');
});

function interruptedTransfer(mode: 'partition' | 'hold') {
  const { sim, a, b, link } = twoHosts({ seed: 9, link: { bandwidthBps: 50e6, latencyMs: 5 } });
  const sink = acceptInto(sim, b);
  const total = 5_000_000;
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), total, { chunkBytes: 100_000 });
  const cutAt = 300;
  const healAt = 2_300;
  sim.scheduler.at(cutAt, () => (mode === 'partition' ? link.partition() : link.hold()));
  sim.scheduler.at(healAt, () => link.heal());
  sim.scheduler.runUntilIdle();
  return { sink: sink, cutAt, healAt, total };
}

test('a partition stops delivery, a heal resumes it, and the application gets every byte exactly once', () => {
  const { sink, cutAt, healAt, total } = interruptedTransfer('partition');
  const inFlightMs = 10; // one-way latency plus queueing: packets already past the cut still arrive
  assert.ok(sink.bytesAt(cutAt) > 0, 'data flowed before the cut');
  assert.equal(sink.bytesAt(healAt), sink.bytesAt(cutAt + inFlightMs), 'nothing delivered while partitioned');
  assert.ok(sink.bytes > sink.bytesAt(healAt), 'delivery resumed after the heal');
  assert.equal(sink.bytes, total);
  assert.equal(sink.digest(), patternHash(total));
});

test('a held link delays delivery until it heals, then every byte arrives exactly once', () => {
  const { sink, cutAt, healAt, total } = interruptedTransfer('hold');
  assert.equal(sink.bytesAt(healAt - 1), sink.bytesAt(cutAt + 10), 'nothing delivered while held');
  assert.ok(sink.bytesAt(healAt + 20) > sink.bytesAt(healAt - 1), 'held packets flow at the heal');
  assert.equal(sink.bytes, total);
  assert.equal(sink.digest(), patternHash(total));
});

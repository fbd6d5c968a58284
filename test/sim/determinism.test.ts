import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Simulation, type TraceOptions } from '../../sim/index.ts';
import { SERVER_PORT, StreamSink, sendPattern } from './support.ts';

/** A busy little network: a switch with impaired ports, a lossy direct link, TCP both ways, UDP broadcasts, skewed clocks. */
function scenario(seed: number, trace: TraceOptions, options: { extraHost?: boolean } = {}) {
  const sim = new Simulation({ seed, trace });
  const impaired = { bandwidthBps: 20e6, latencyMs: 1, jitterMs: 0.5, loss: 0.01, duplicate: 0.005, reorder: 0.01 };
  const sw = sim.addSwitch('sw', impaired);
  const a = sim.addHost({ name: 'a', address: '10.0.0.1', clockSkewMs: 120 });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2', clockSkewMs: -40 });
  const c = sim.addHost({ name: 'c', address: '10.0.0.3' });
  for (const host of [a, b, c]) sw.attach(host);
  if (options.extraHost) sw.attach(sim.addHost({ name: 'idle', address: '10.0.0.99' }));
  const direct = sim.link(a, b, { bandwidthBps: 50e6, latencyMs: 3, loss: 0.02, jitterMs: 1 });

  for (const host of sim.hosts) {
    const socket = host.udp.bind(9999);
    socket.onMessage = (datagram) => host.event('heard', { from: datagram.fromAddress, bytes: datagram.bytes.length });
    for (let k = 0; k < 5; k++) sim.scheduler.at(100 * k + host.address % 7, () => socket.broadcast(9999, new Uint8Array(50)));
  }
  const sinks: StreamSink[] = [];
  for (const server of [b, c]) {
    server.tcp.listen(SERVER_PORT, (socket) => {
      sinks.push(new StreamSink(sim).attach(socket));
      sendPattern(socket, 50_000, { end: false });
    });
  }
  sendPattern(a.tcp.connect('10.0.0.2', SERVER_PORT), 300_000);
  sendPattern(b.tcp.connect('10.0.0.3', SERVER_PORT), 200_000);
  sim.scheduler.runUntilIdle();
  return { sim, sinks, direct };
}

test('the same seed gives the same trace hash; another seed another hash', () => {
  const first = scenario(1, {});
  const again = scenario(1, {});
  const other = scenario(2, {});
  assert.equal(first.sinks.reduce((n, s) => n + s.bytes, 0), 500_000);
  assert.match(first.sim.trace.digest(), /^[0-9a-f]{64}$/);
  assert.equal(again.sim.trace.digest(), first.sim.trace.digest());
  assert.notEqual(other.sim.trace.digest(), first.sim.trace.digest());
});

test('the recorded trace is byte-identical across runs, and recording does not change the hash', () => {
  const recorded = scenario(3, { record: true });
  const recordedAgain = scenario(3, { record: true });
  const hashOnly = scenario(3, {});
  const jsonl = recorded.sim.trace.toJsonl();
  assert.equal(recordedAgain.sim.trace.toJsonl(), jsonl);
  assert.equal(hashOnly.sim.trace.digest(), recorded.sim.trace.digest());
  const lines = jsonl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(lines.some((l) => l.kind === 'deliver' && l.proto === 'tcp' && typeof l.seq === 'number'), 'TCP segments with seq');
  assert.ok(lines.some((l) => l.kind === 'drop' && l.reason === 'loss'), 'losses');
  assert.ok(lines.some((l) => l.kind === 'event' && l.name === 'heard'), 'driver events');
  assert.ok(lines.some((l) => l.kind === 'event' && l.name === 'tcp.state'), 'TCP state changes');
});

test('adding a host leaves the draws of every other component unchanged', () => {
  const plain = scenario(4, { record: true });
  const crowded = scenario(4, { record: true }, { extraHost: true });
  const onDirectLink = (run: ReturnType<typeof scenario>) =>
    run.sim.trace.entries.filter((e) => e.kind !== 'event' && e.link === run.direct.aToB.id).map((e) => [e.kind, e.time, e.kind === 'event' ? 0 : e.packet.seq]);
  assert.ok(onDirectLink(plain).length > 100, 'traffic on the direct link');
  assert.deepEqual(onDirectLink(crowded), onDirectLink(plain));
});

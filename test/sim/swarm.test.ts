/**
 * Swarm testing (after TigerBeetle's VOPR): each seed draws its own link faults, buffer sizes, MSS,
 * transfer sizes and partitions; whatever they are, both directions of the stream must arrive intact
 * and the connection must close.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomStreams, Simulation, type SimRandom } from '../../sim/index.ts';
import { SERVER_PORT, StreamSink, patternHash, sendPattern } from './support.ts';

const pick = <T>(random: SimRandom, choices: readonly T[]): T => choices[Math.floor(random.unit() * choices.length)]!;

function swarmRun(seed: number): string | null {
  const r = new RandomStreams(seed).stream('swarm');
  const link = {
    bandwidthBps: pick(r, [1e6, 10e6, 100e6, 1e9]),
    latencyMs: r.between(0.05, 30),
    jitterMs: r.chance(0.5) ? r.between(0, 5) : 0,
    queueBytes: pick(r, [16e3, 64e3, 256e3, 4e6]),
    loss: r.chance(0.5) ? r.between(0, 0.2) : 0,
    duplicate: r.chance(0.3) ? r.between(0, 0.05) : 0,
    reorder: r.chance(0.3) ? r.between(0, 0.1) : 0,
    reorderDelayMs: r.between(0.1, 20),
  };
  const tcp = {
    receiveBufferBytes: pick(r, [8e3, 64e3, 1e6]),
    sendBufferBytes: pick(r, [8e3, 64e3, 1e6]),
    mss: pick(r, [536, 1460, 9000]),
  };
  const sim = new Simulation({ seed, defaultEventBudget: 20_000_000 });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1', tcp });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2', tcp });
  const wire = sim.link(a, b, link);
  const up = Math.floor(r.between(0, 1_000_000));
  const down = Math.floor(r.between(0, 1_000_000));
  const upload = new StreamSink(sim, { endBack: false });
  b.tcp.listen(SERVER_PORT, (socket) => {
    upload.attach(socket);
    sendPattern(socket, down);
  });
  const client = a.tcp.connect('10.0.0.2', SERVER_PORT);
  sendPattern(client, up, { chunkBytes: 1 + Math.floor(r.between(0, 70_000)) });
  const download = new StreamSink(sim, { endBack: false }).attach(client);
  for (const [chance, cut] of [[0.3, () => wire.partition()], [0.2, () => wire.hold()]] as const) {
    if (!r.chance(chance)) continue;
    const at = r.between(0, 2000);
    sim.scheduler.at(at, cut);
    sim.scheduler.at(at + r.between(0, 20_000), () => wire.heal());
  }
  sim.scheduler.runUntilIdle();
  const problems = [
    upload.bytes !== up || upload.digest() !== patternHash(up) ? `upload ${upload.bytes}/${up}` : '',
    download.bytes !== down || download.digest() !== patternHash(down) ? `download ${download.bytes}/${down}` : '',
    client.state !== 'CLOSED' ? `client ${client.state}` : '',
  ].filter(Boolean);
  return problems.length === 0 ? null : `seed ${seed}: ${problems.join(', ')} with ${JSON.stringify({ link, tcp })}`;
}

test('swarm: 60 seeds of random faults, buffers and partitions; every byte arrives once, every connection closes', () => {
  const failures = Array.from({ length: 60 }, (_, i) => swarmRun(i + 1)).filter((failure) => failure !== null);
  assert.deepEqual(failures, []);
});

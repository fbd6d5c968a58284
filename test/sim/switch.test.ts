import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Simulation, type Host } from '../../sim/index.ts';
import { INBOX_PORT as PORT, listenInto, say } from '../support/udp-inbox.ts';

function lan(size: number) {
  const sim = new Simulation({ seed: 3 });
  const sw = sim.addSwitch('sw', { bandwidthBps: 1e9, latencyMs: 0.1 });
  const hosts: Host[] = [];
  const inbox = new Map<string, string[]>();
  for (let i = 0; i < size; i++) {
    const host = sim.addHost({ name: `h${i}`, address: `10.0.0.${i + 1}` });
    sw.attach(host);
    hosts.push(host);
    listenInto(inbox, host);
  }
  return { sim, sw, hosts, inbox };
}

test('a UDP broadcast on a switch reaches every other host once, and not the sender', () => {
  const { sim, hosts, inbox } = lan(6);
  say(hosts[2]!, 'hello');
  sim.scheduler.runUntilIdle();
  for (const host of hosts) {
    const expected = host === hosts[2] ? [] : ['hello (bcast) from 10.0.0.3'];
    assert.deepEqual(inbox.get(host.name), expected, host.name);
  }
});

test('unicast through the switch reaches only its destination', () => {
  const { sim, hosts, inbox } = lan(4);
  say(hosts[0]!, 'psst', '10.0.0.4');
  sim.scheduler.runUntilIdle();
  assert.deepEqual(inbox.get('h3'), ['psst from 10.0.0.1']);
  assert.deepEqual([...inbox.values()].flat().length, 1);
});

test('a switch partition separates two groups, which still talk inside; hold delivers on heal', () => {
  const { sim, sw, hosts, inbox } = lan(4);
  const [h0, h1, h2, h3] = hosts as [Host, Host, Host, Host];
  sw.partition([h0, h1], [h2, h3]);
  say(h0, 'one');
  sim.scheduler.runUntilIdle();
  assert.deepEqual(inbox.get('h1'), ['one (bcast) from 10.0.0.1']);
  assert.deepEqual(inbox.get('h2'), []);
  assert.deepEqual(inbox.get('h3'), []);

  sw.heal();
  sw.hold([h0], [h3]);
  say(h0, 'two', '10.0.0.4');
  say(h0, 'three', '10.0.0.4');
  sim.scheduler.runUntilIdle();
  assert.deepEqual(inbox.get('h3'), []);
  sw.heal();
  sim.scheduler.runUntilIdle();
  assert.deepEqual(inbox.get('h3'), ['two from 10.0.0.1', 'three from 10.0.0.1']);
});

test('senders converging on one port share its bandwidth (the queue is at the switch output)', () => {
  const sim = new Simulation({ seed: 4 });
  const sw = sim.addSwitch('sw', { bandwidthBps: 100e6, latencyMs: 0.01, queueBytes: 1e9 });
  const sink = sim.addHost({ name: 'sink', address: '10.0.1.1' });
  sw.attach(sink);
  let last = 0;
  let count = 0;
  sink.udp.bind(PORT).onMessage = () => {
    count++;
    last = sim.scheduler.now;
  };
  const payload = new Uint8Array(1472); // 1500-byte IP packets
  for (let i = 0; i < 4; i++) {
    const sender = sim.addHost({ name: `s${i}`, address: `10.0.1.${i + 2}` });
    sw.attach(sender);
    const socket = sender.udp.bind();
    for (let k = 0; k < 250; k++) socket.send('10.0.1.1', PORT, payload);
  }
  sim.scheduler.runUntilIdle();
  assert.equal(count, 1000);
  const expectedMs = (1000 * (1500 + 38) * 8) / 100e6 * 1000; // the sink's port serialises all of them
  assert.ok(Math.abs(last - expectedMs) / expectedMs < 0.02, `last arrival ${last} ms, expected about ${expectedMs}`);
});

test('hosts on a switch reach each other through it, over a link made before; a link made after goes direct; a host has one switch port', () => {
  const sim = new Simulation({ seed: 3 });
  const [a, b, c] = ['a', 'b', 'c'].map((name, i) => sim.addHost({ name, address: `10.0.0.${i + 1}` })) as [Host, Host, Host];
  const before = sim.link(a, b);
  const sw = sim.addSwitch('sw');
  for (const host of [a, b, c]) sw.attach(host);
  const after = sim.link(a, c);
  for (const host of [a, b, c]) host.udp.bind(PORT);
  say(a, 'to b', '10.0.0.2');
  say(b, 'to a', '10.0.0.1');
  say(a, 'to c', '10.0.0.3');
  say(c, 'to a', '10.0.0.1');
  say(a, 'to myself', '10.0.0.1');
  sim.scheduler.runUntilIdle();
  assert.deepEqual([before.aToB.counts.delivered, before.bToA.counts.delivered], [0, 0]);
  assert.deepEqual([after.aToB.counts.delivered, after.bToA.counts.delivered], [1, 1]);
  assert.deepEqual([sw.port(a).uplink.counts.delivered, sw.port(b).uplink.counts.delivered, sw.port(c).uplink.counts.delivered], [1, 1, 0]);
  assert.throws(() => sim.addSwitch('other').attach(a), /already on a switch/);
});

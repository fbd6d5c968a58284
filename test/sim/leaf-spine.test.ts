/** A leaf-spine fabric: racks on leaves, leaves joined by spines, ECMP per address pair, oversubscription. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeafSpine, Simulation, type Host } from '../../sim/index.ts';
import { listenInto, say } from '../support/udp-inbox.ts';

/** `racks` racks of `perRack` hosts (r<rack>h<index>, 10.0.<rack>.<index + 1>), `spines` spines. */
function fabric(racks: number, perRack: number, spines: number, trunkBps = 10e9) {
  const sim = new Simulation({ seed: 'fabric' });
  const hosts: Host[][] = [];
  const inbox = new Map<string, string[]>();
  for (let r = 0; r < racks; r++) {
    hosts.push([]);
    for (let i = 0; i < perRack; i++) {
      const host = sim.addHost({ name: `r${r}h${i}`, address: `10.0.${r}.${i + 1}` });
      hosts[r]!.push(host);
      listenInto(inbox, host);
    }
  }
  const ls = new LeafSpine(sim, { name: 'dc', racks: hosts, spines, hostPort: { bandwidthBps: 10e9, latencyMs: 0.005 }, trunk: { bandwidthBps: trunkBps, latencyMs: 0.005 } });
  return { sim, hosts, inbox, ls };
}

test('unicast crosses racks through one spine; broadcast stays in its rack', () => {
  const { sim, hosts, inbox, ls } = fabric(3, 2, 2);
  say(hosts[0]![0]!, 'far', '10.0.2.2');
  say(hosts[1]![1]!, 'all');
  sim.scheduler.runUntilIdle();
  assert.deepEqual(inbox.get('r2h1'), ['far from 10.0.0.1']);
  assert.deepEqual(inbox.get('r1h0'), ['all (bcast) from 10.0.1.2']);
  assert.equal([...inbox.values()].flat().length, 2, 'nothing else delivered');
  const path = ls.path(hosts[0]![0]!, hosts[2]![1]!).map((c) => c.name);
  assert.equal(path.length, 4);
  assert.match(path[1]!, /^dc-leaf-1->dc-spine-\d$/);
  assert.equal(path[2], `${path[1]!.split('->')[1]}->dc-leaf-3`);
  // The channels the path names are the ones the packet crossed.
  const crossed = ls.path(hosts[0]![0]!, hosts[2]![1]!).map((c) => c.counts.delivered);
  assert.deepEqual(crossed, [1, 1, 1, 1]);
  assert.deepEqual(ls.path(hosts[1]![0]!, hosts[1]![1]!).map((c) => c.name), ['r1h0->dc-leaf-2', 'dc-leaf-2->r1h1']);
});

test('ECMP spreads address pairs over the spines; oversubscription is rack rate over uplink rate', () => {
  const { hosts, ls } = fabric(4, 16, 4, 10e9);
  assert.equal(ls.oversubscription, 4);
  const used = new Set<string>();
  for (const a of hosts[0]!) for (const b of hosts[1]!) used.add(ls.path(a, b)[1]!.name);
  assert.equal(used.size, 4, 'every spine carries some pairs');
});

test('TCP across an oversubscribed fabric: every byte arrives, and two racks sending at once share the uplinks', () => {
  // 2 racks of 4 behind one 10 Gbit/s spine trunk: 4:1. Four cross-rack streams share the trunk.
  const { sim, hosts, ls } = fabric(2, 4, 1, 10e9);
  assert.equal(ls.oversubscription, 4);
  const bytes = 4 * 2 ** 20;
  const received = new Map<string, number>();
  const done: number[] = [];
  for (const h of hosts[1]!) {
    h.tcp.listen(5000, (socket) => {
      socket.onData = (data) => {
        const total = (received.get(h.name) ?? 0) + data.length;
        received.set(h.name, total);
        if (total === bytes) done.push(sim.scheduler.now);
      };
    });
  }
  hosts[0]!.forEach((h, i) => {
    const socket = h.tcp.connect(hosts[1]![i]!.addressText, 5000);
    socket.onConnect = () => socket.write(new Uint8Array(bytes));
  });
  sim.scheduler.runUntilIdle();
  assert.deepEqual([...received.values()], [bytes, bytes, bytes, bytes]);
  // 16 MiB over one 10 Gbit/s trunk takes at least 13.4 ms; on a non-blocking fabric each stream alone would take 3.4 ms.
  const trunkMs = (4 * bytes * 8) / 10e9 * 1000;
  assert.ok(Math.max(...done) >= trunkMs, `last stream done at ${Math.max(...done)} ms, the trunk needs ${trunkMs} ms`);
});

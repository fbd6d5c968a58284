import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscoveryPeerTable } from '../../src/core/discovery-peer-table.ts';

const ids = (table: DiscoveryPeerTable) => table.list().map((p) => p.nodeId);

test('peers are kept stalest first; hearing one again moves it to the end with its new address, port and time', () => {
  const table = new DiscoveryPeerTable();
  assert.equal(table.stalest(), null);
  table.heard('a', '10.0.0.1', 9000, 1);
  table.heard('b', '10.0.0.2', 9000, 2);
  table.heard('c', '10.0.0.3', 9000, 3);
  assert.deepEqual(ids(table), ['a', 'b', 'c']);
  table.heard('a', '10.0.0.9', 9100, 4);
  assert.deepEqual(ids(table), ['b', 'c', 'a']);
  const { nodeId, address, tcpPort, lastHeardAt } = table.get('a')!;
  assert.deepEqual({ nodeId, address, tcpPort, lastHeardAt }, { nodeId: 'a', address: '10.0.0.9', tcpPort: 9100, lastHeardAt: 4 });
  assert.equal(table.stalest()?.nodeId, 'b');
  table.heard('c', '10.0.0.3', 9000, 5); // the middle one
  assert.deepEqual(ids(table), ['b', 'a', 'c']);
  table.heard('c', '10.0.0.3', 9000, 6); // already the newest
  assert.deepEqual(ids(table), ['b', 'a', 'c']);
  assert.equal(table.size, 3);
});

test('deleting the stalest, a middle, the newest and an unknown peer keeps the order of the rest', () => {
  const table = new DiscoveryPeerTable();
  for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) table.heard(id, '10.0.0.1', 9000, i);
  table.delete('a');
  assert.equal(table.stalest()?.nodeId, 'b');
  table.delete('c');
  table.delete('e');
  table.delete('nobody');
  assert.deepEqual(ids(table), ['b', 'd']);
  assert.equal(table.get('c'), undefined);
  table.heard('e', '10.0.0.1', 9000, 9);
  assert.deepEqual(ids(table), ['b', 'd', 'e']);
  table.delete('b');
  table.delete('d');
  table.delete('e');
  assert.equal(table.stalest(), null);
  assert.deepEqual(ids(table), []);
  assert.equal(table.size, 0);
  table.heard('f', '10.0.0.1', 9000, 10);
  assert.deepEqual(ids(table), ['f']);
});

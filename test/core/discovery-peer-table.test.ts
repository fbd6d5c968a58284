import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DiscoveryPeerTable, NO_PEER, PEER_ID_SIZE } from '../../src/core/discovery-peer-table.ts';
import { bytesToHex } from '../../src/wire/bytes.ts';

/** A datagram-like buffer with the 16-byte id `n` (its last byte) at offset 8, as discovery carries it. */
const AT = 8;
function carrying(n: number): Uint8Array {
  const bytes = new Uint8Array(AT + PEER_ID_SIZE + 4).fill(0xee);
  bytes.fill(0x5a, AT, AT + PEER_ID_SIZE);
  bytes[AT + PEER_ID_SIZE - 1] = n;
  return bytes;
}
const hexOf = (n: number) => bytesToHex(carrying(n).subarray(AT, AT + PEER_ID_SIZE));

function hear(table: DiscoveryPeerTable, n: number, address: string, tcpPort: number, at: number): number {
  const bytes = carrying(n);
  return table.heard(table.find(bytes, AT), bytes, AT, address, tcpPort, at);
}
const remove = (table: DiscoveryPeerTable, n: number) => table.delete(table.find(carrying(n), AT));
const order = (table: DiscoveryPeerTable) => table.list().map((p) => p.nodeId);

test('peers are kept stalest first; hearing one again moves it to the end with its new address, port and time', () => {
  const table = new DiscoveryPeerTable();
  assert.equal(table.stalest(), NO_PEER);
  hear(table, 1, '10.0.0.1', 9000, 1);
  hear(table, 2, '10.0.0.2', 9000, 2);
  hear(table, 3, '10.0.0.3', 9000, 3);
  assert.deepEqual(order(table), [hexOf(1), hexOf(2), hexOf(3)]);
  const a = hear(table, 1, '10.0.0.9', 9100, 4);
  assert.deepEqual(order(table), [hexOf(2), hexOf(3), hexOf(1)]);
  assert.equal(table.find(carrying(1), AT), a);
  assert.deepEqual(
    { nodeId: table.nodeId(a), address: table.address(a), tcpPort: table.tcpPort(a), lastHeardAt: table.lastHeardAt(a) },
    { nodeId: hexOf(1), address: '10.0.0.9', tcpPort: 9100, lastHeardAt: 4 },
  );
  assert.equal(table.nodeId(table.stalest()), hexOf(2));
  hear(table, 3, '10.0.0.3', 9000, 5); // the middle one
  assert.deepEqual(order(table), [hexOf(2), hexOf(1), hexOf(3)]);
  hear(table, 3, '10.0.0.3', 9000, 6); // already the newest
  assert.deepEqual(order(table), [hexOf(2), hexOf(1), hexOf(3)]);
  assert.equal(table.size, 3);
  assert.equal(table.find(carrying(4), AT), NO_PEER);
});

test('deleting the stalest, a middle and the newest peer keeps the order of the rest; freed slots are used again', () => {
  const table = new DiscoveryPeerTable();
  for (const n of [1, 2, 3, 4, 5]) hear(table, n, '10.0.0.1', 9000, n);
  remove(table, 1);
  assert.equal(table.nodeId(table.stalest()), hexOf(2));
  remove(table, 3);
  remove(table, 5);
  assert.deepEqual(order(table), [hexOf(2), hexOf(4)]);
  assert.equal(table.find(carrying(3), AT), NO_PEER);
  hear(table, 5, '10.0.0.1', 9000, 9);
  assert.deepEqual(order(table), [hexOf(2), hexOf(4), hexOf(5)]);
  for (const n of [2, 4, 5]) remove(table, n);
  assert.equal(table.stalest(), NO_PEER);
  assert.deepEqual(order(table), []);
  assert.equal(table.size, 0);
  hear(table, 6, '10.0.0.1', 9000, 10);
  assert.deepEqual(order(table), [hexOf(6)]);
});

test('any run of hearings and deletions gives what a list in hearing order gives, even when every id shares its hash with others', () => {
  const step = fc.record({ kind: fc.constantFrom('hear', 'hear', 'delete', 'delete-stalest'), n: fc.integer({ min: 0, max: 40 }), port: fc.integer({ min: 1, max: 65535 }) });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 }), fc.array(step, { maxLength: 200 }), (hashBits, steps) => {
      const table = new DiscoveryPeerTable({ hashBits });
      let model: Array<{ nodeId: string; address: string; tcpPort: number; lastHeardAt: number }> = [];
      for (const [time, { kind, n, port }] of steps.entries()) {
        const id = hexOf(n);
        if (kind === 'hear') {
          hear(table, n, `10.0.${n}.${port & 255}`, port, time);
          model = [...model.filter((p) => p.nodeId !== id), { nodeId: id, address: `10.0.${n}.${port & 255}`, tcpPort: port, lastHeardAt: time }];
        } else if (kind === 'delete' && table.find(carrying(n), AT) !== NO_PEER) {
          remove(table, n);
          model = model.filter((p) => p.nodeId !== id);
        } else if (kind === 'delete-stalest' && table.stalest() !== NO_PEER) {
          table.delete(table.stalest());
          model = model.slice(1);
        }
        assert.deepEqual(table.list(), model);
        assert.equal(table.size, model.length);
      }
      for (let n = 0; n <= 40; n++) assert.equal(table.find(carrying(n), AT) !== NO_PEER, model.some((p) => p.nodeId === hexOf(n)), `find ${n}`);
    }),
    { numRuns: 300 },
  );
});

test('a table keyed by more hash bits than a small integer holds is refused', () => {
  assert.throws(() => new DiscoveryPeerTable({ hashBits: 31 }), RangeError);
  assert.throws(() => new DiscoveryPeerTable({ hashBits: 1.5 }), RangeError);
});

test('deleting a slot that holds no peer is refused and leaves the table as it was', () => {
  const table = new DiscoveryPeerTable({ hashBits: 0 });
  hear(table, 1, '10.0.0.1', 9000, 1);
  const gone = hear(table, 2, '10.0.0.2', 9000, 2);
  table.delete(gone);
  assert.throws(() => table.delete(gone), RangeError);
  assert.throws(() => table.delete(7), RangeError);
  assert.deepEqual(order(table), [hexOf(1)]);
});

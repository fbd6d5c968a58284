import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressBook, canonicalIpv6 } from '../../sim/address.ts';
import { Simulation } from '../../sim/simulation.ts';

test('IPv6 text is made canonical (RFC 5952): lower case, no leading zeros, the longest zero run as ::', () => {
  assert.equal(canonicalIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(canonicalIpv6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'the first of two equal runs');
  assert.equal(canonicalIpv6('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1', 'the longer run, not the first');
  assert.equal(canonicalIpv6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group stays');
  assert.equal(canonicalIpv6('::'), '::');
  assert.equal(canonicalIpv6('fe80::'), 'fe80::');
  for (const bad of ['2001:db8::1::2', '2001:db8:1', '1:2:3:4:5:6:7:8:9', '2001:db8::g', ':1::', '12345::', '::ffff:10.0.0.1']) {
    assert.throws(() => canonicalIpv6(bad), { name: 'RangeError', message: `not an IPv6 address: ${bad}` });
  }
});

test('an address book: IPv4 is its own value; an IPv6 host gets a stand-in of 240.0.0.0/4 and is seen and dialled by its text', () => {
  const book = new AddressBook();
  assert.equal(book.register('10.0.0.1'), 0x0a00_0001);
  const first = book.register('2001:db8:0:1::1');
  const second = book.register('2001:DB8:0:1:0:0:0:2');
  assert.deepEqual([first, second], [0xf000_0000, 0xf000_0001]);
  assert.equal(book.register('2001:db8:0:1::1'), first, 'one text, one value');
  assert.equal(book.resolve('2001:0db8:0:1::2'), second);
  assert.equal(book.resolve('10.0.0.9'), 0x0a00_0009);
  assert.deepEqual([book.textOf(first), book.textOf(second), book.textOf(0x0a00_0001)], ['2001:db8:0:1::1', '2001:db8:0:1::2', '10.0.0.1']);
  assert.throws(() => book.resolve('2001:db8::99'), /no simulated host has the IPv6 address 2001:db8::99/);
  assert.throws(() => book.register('240.0.0.1'), /240\.0\.0\.0\/4, which the simulator keeps for IPv6 hosts/);
});

test('two IPv6 hosts talk TCP; each socket names the other by its IPv6 address; a second host with the same address is refused', () => {
  const sim = new Simulation({ seed: 1 });
  const a = sim.addHost({ name: 'a', address: '2001:db8:0:1::a' });
  const b = sim.addHost({ name: 'b', address: '2001:db8:0:2::b' });
  sim.link(a, b, { bandwidthBps: 1e9, latencyMs: 1 });
  const seen: string[] = [];
  let received = 0;
  b.tcp.listen(9000, (socket) => {
    seen.push(socket.remoteAddress);
    socket.onData = (bytes) => (received += bytes.length);
  });
  const client = a.tcp.connect('2001:db8:0:2::b', 9000);
  client.onConnect = () => client.write(new Uint8Array(5_000));
  sim.scheduler.runUntilIdle();
  assert.deepEqual(seen, ['2001:db8:0:1::a']);
  assert.equal(client.remoteAddress, '2001:db8:0:2::b');
  assert.equal(received, 5_000);
  assert.equal(a.addressText, '2001:db8:0:1::a');
  assert.throws(() => sim.addHost({ name: 'c', address: '2001:db8:0:1:0::a' }), /address 2001:db8:0:1:0::a is taken/);
});

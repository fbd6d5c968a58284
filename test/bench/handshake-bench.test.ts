import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runHandshakeBench } from '../../bench/handshake.ts';
import { parseHandshakeArgs } from '../../lab/commands/bench/handshake.ts';
import { handshakeReportSchema } from '../../bench/handshake-schema.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';
import { ACCEPT_SIZE } from '../../src/wire/accept.ts';
import { HELLO_SIZE } from '../../src/wire/hello.ts';

test('handshake bench: raw TCP, ASoc v1 and JWT over loopback, bytes and rate, valid report', async () => {
  const report = await runHandshakeBench({ protocols: ['raw-tcp', 'asoc-v1', 'jwt-hs256'], byteSamples: 1, maxHandshakes: 20, maxSeconds: 1 });
  handshakeReportSchema.parse(JSON.parse(JSON.stringify(report)));
  const [raw, asoc, jwt] = report.protocols;
  assert.ok(raw && asoc && jwt);
  assert.equal(raw.applicationBytes, 0);
  // HELLO and ACCEPT frames: P1's 52 B of payload and two 14-byte headers.
  assert.equal(asoc.applicationBytes, HELLO_SIZE + ACCEPT_SIZE + 2 * HEADER_SIZE);
  assert.ok(jwt.applicationBytes > 450, `JWT handshake ${jwt.applicationBytes} B`);
  assert.ok(jwt.asocV1Smaller !== null && jwt.asocV1Smaller > 0.8);
  // One relay round trip each for HELLO → ACCEPT and JWT's hello → accept; nothing above TCP for raw TCP.
  assert.deepEqual(report.protocols.map((p) => p.roundTrips?.count), [0, 1, 1]);
  for (const p of report.protocols) {
    assert.ok(p.rate.handshakes >= 1 && p.rate.perSecond > 0, `${p.name}: no handshakes`);
    assert.ok(p.rate.connectMs.median <= p.rate.connectMs.max);
    if (p.segments !== null && p.wireBytes !== null) {
      assert.ok(p.segments >= 3, `${p.name}: ${p.segments} segments, TCP alone takes 3`);
      assert.ok(p.wireBytes >= p.applicationBytes + 40 * p.segments, `${p.name}: wire bytes below payload + headers`);
    } else console.log(`# segments not measured: ${report.config.segmentSource}`);
  }
  // Without sockets: ASoc's handshake is HMACs over a few dozen bytes, JWT's is JSON, base64 and jose.
  assert.deepEqual(
    report.compute.map((c) => c.name),
    ['asoc-v1', 'asoc-hardened', 'asoc-hardened/x25519', 'stt', 'subduction', 'jwt-hs256', 'jwt-eddsa', 'jwt-es256'],
  );
  const rate = (name: string) => report.compute.find((c) => c.name === name)!.perSecond;
  assert.ok(rate('asoc-v1') > rate('jwt-hs256'), `asoc-v1 ${rate('asoc-v1')}/s vs jwt-hs256 ${rate('jwt-hs256')}/s`);
});

test('handshake bench side by side: round trips above TCP as each handshake defines them, exact bytes for stt and subduction', async () => {
  const protocols = ['asoc-hardened', 'stt', 'subduction', 'asoc-v1/tls'];
  // A longer relay delay than the default: more room for a connect slowed by a busy machine.
  const report = await runHandshakeBench({ protocols, byteSamples: 1, maxHandshakes: 3, maxSeconds: 1, roundTripSamples: 2, roundTripOneWayMs: 40 });
  handshakeReportSchema.parse(JSON.parse(JSON.stringify(report)));
  const byName = new Map(report.protocols.map((p) => [p.name, p]));
  // hardened: FINISH follows ACCEPT with the client's data, no wait; stt: HELLO → RESPONSE, AUTH_PROOF → FINAL;
  // subduction: CHALLENGE → RESPONSE; TLS 1.3's one, then v1's HELLO → ACCEPT.
  assert.deepEqual(Object.fromEntries(protocols.map((name) => [name, byName.get(name)?.roundTrips?.count])), { 'asoc-hardened': 1, stt: 2, subduction: 1, 'asoc-v1/tls': 2 });
  assert.equal(byName.get('stt')?.applicationBytes, 4 * HEADER_SIZE + 104 + 152 + 32 + 8 + 17);
  assert.equal(byName.get('subduction')?.applicationBytes, 2 * HEADER_SIZE + 166 + 147);
});

test('handshake bench without round trips: none measured, none reported', async () => {
  const report = await runHandshakeBench({ protocols: ['asoc-v1'], byteSamples: 1, maxHandshakes: 1, maxSeconds: 1, roundTripSamples: 0 });
  assert.equal(report.protocols[0]?.roundTrips, null);
});

test('handshake bench flags: protocol names are checked; counts must be positive', () => {
  assert.deepEqual(parseHandshakeArgs(['--protocols', 'asoc-v1,jwt-eddsa', '--count', '10', '--duration', '2', '--samples', '2', '--rtt-samples', '0']), {
    protocols: ['asoc-v1', 'jwt-eddsa'],
    byteSamples: 2,
    maxHandshakes: 10,
    maxSeconds: 2,
    roundTripSamples: 0,
  });
  assert.equal(parseHandshakeArgs([])?.roundTripSamples, 3);
  assert.throws(() => parseHandshakeArgs(['--rtt-samples', '-1']), { name: 'UsageError' });
  assert.throws(() => parseHandshakeArgs(['--protocols', 'carrier-pigeon']), { name: 'UsageError' });
  assert.throws(() => parseHandshakeArgs(['--count', '0']), { name: 'UsageError' });
});

/**
 * asoc-hardened's forward-secret suite (profile asoc-hardened/x25519): the key schedule mixes an
 * ephemeral X25519 exchange into the session keys, checked here against @noble/curves and node:crypto
 * directly; key shares of small order are refused; the MAC covers the key shares; and the suite
 * never meets a pre-shared-key-only hardened node halfway. (The frame, rekey and interop tests of
 * test/core/hardened.test.ts run this profile too.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { nobleBackend, nodeBackend } from '../../src/crypto/backend.ts';
import { ReplayCache } from '../../src/crypto/replay-cache.ts';
import { x25519Of } from '../../src/crypto/x25519.ts';
import { AsocConnection } from '../../src/core/connection.ts';
import { ANY_NODE, handshakeKey } from '../../src/core/hardened-handshake.ts';
import { pumpUntilIdle } from '../../src/core/memory-pair.ts';
import { ASOC_HARDENED_ENCRYPTED, ASOC_HARDENED_X25519 } from '../../src/core/profile.ts';
import type { RandomSource } from '../../src/core/random.ts';
import { FrameType, HEADER_SIZE, encodeHeader } from '../../src/wire/frame.ts';
import { HARDENED_X25519_ACCEPT_SIZE, HARDENED_X25519_HELLO_SIZE, KEY_SHARE_SIZE, Suite, helloMacInput, withMac } from '../../src/wire/hardened.ts';
import { CLIENT_ID, ConnectionPair, KEY, SERVER_ID, concat, drain, eventsOf } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';

const label = (what: string) => new TextEncoder().encode(`asoc-hardened/2 ${what}`);

/** A seeded random source that keeps a copy of every draw (the handshake wipes its ephemeral secret once used). */
function recordingRandom(seed: string): { random: RandomSource; draws: Uint8Array[] } {
  const inner = seededRandom(seed);
  const draws: Uint8Array[] = [];
  return {
    draws,
    random: {
      u32: inner.u32,
      bytes(n) {
        const bytes = inner.bytes(n);
        draws.push(bytes.slice());
        return bytes;
      },
    },
  };
}

function connectedPair(seed: string) {
  const client = recordingRandom(`${seed} client`);
  const server = recordingRandom(`${seed} server`);
  const common = { profile: ASOC_HARDENED_X25519, crypto: nodeBackend, now: 0, apiKey: KEY };
  const pair = {
    client: new AsocConnection({ ...common, role: 'client', nodeId: CLIENT_ID, random: client.random }),
    server: new AsocConnection({ ...common, role: 'server', nodeId: SERVER_ID, random: server.random, helloReplay: new ReplayCache(ASOC_HARDENED_X25519.helloReplay!) }),
    wire: { client: [] as Uint8Array[], server: [] as Uint8Array[] },
  };
  pumpUntilIdle(pair.client, pair.server, 0, (from, bytes) => pair.wire[from].push(bytes));
  return { ...pair, clientDraws: client.draws, serverDraws: server.draws };
}

test('asoc-hardened/x25519: session keys come from HKDF over the API key ‖ the X25519 secret of the two ephemeral keys; the API key and the transcript alone give other keys', () => {
  const pair = connectedPair('schedule');
  assert.equal(pair.client.state, 'established');
  assert.equal(pair.server.state, 'established');
  // Each side drew a 16-byte nonce, then its 32-byte ephemeral secret.
  const [, clientSecret] = pair.clientDraws;
  const [, serverSecret] = pair.serverDraws;
  assert.equal(clientSecret?.length, 32);
  assert.equal(serverSecret?.length, 32);
  const hello = concat(pair.wire.client).subarray(HEADER_SIZE, HEADER_SIZE + HARDENED_X25519_HELLO_SIZE);
  const accept = concat(pair.wire.server).subarray(HEADER_SIZE, HEADER_SIZE + HARDENED_X25519_ACCEPT_SIZE);
  assert.deepEqual(hello.subarray(37, 37 + KEY_SHARE_SIZE), x25519.getPublicKey(clientSecret!), "HELLO carries the client's public key share");
  assert.deepEqual(accept.subarray(33, 33 + KEY_SHARE_SIZE), x25519.getPublicKey(serverSecret!), "ACCEPT carries the server's");

  const shared = x25519.getSharedSecret(clientSecret!, x25519.getPublicKey(serverSecret!));
  const info = Buffer.concat([label('session keys'), createHash('sha256').update(Buffer.concat([hello, accept])).digest()]);
  const okm = new Uint8Array(hkdfSync('sha256', Buffer.concat([KEY, shared]), label('salt'), info, 72));
  assert.deepEqual(pair.client.sessionToken, okm.subarray(64, 72));
  assert.deepEqual(pair.server.sessionToken, okm.subarray(64, 72));
  const withoutExchange = new Uint8Array(hkdfSync('sha256', KEY, label('salt'), info, 72));
  assert.notDeepEqual(withoutExchange.subarray(64, 72), okm.subarray(64, 72), 'a stolen API key and a recorded handshake do not give the session keys');
});

test('asoc-hardened/x25519: node:crypto and noble agree on every X25519 public key and secret', () => {
  const seeds = seededRandom('x25519 agreement');
  for (let i = 0; i < 20; i++) {
    const a = seeds.bytes(32);
    const b = seeds.bytes(32);
    const node = x25519Of(nodeBackend);
    const noble = x25519Of(nobleBackend);
    assert.deepEqual(node.publicKey(a), noble.publicKey(a));
    assert.deepEqual(node.sharedSecret(a, noble.publicKey(b)), noble.sharedSecret(b, node.publicKey(a)));
  }
});

/** u = 0 (order 2) and u = 1 (order 4): X25519 with either gives the all-zero secret, whatever the scalar. */
const SMALL_ORDER_SHARES = [new Uint8Array(32), Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0))];

test('asoc-hardened/x25519: a HELLO with a key share of small order, MAC and all (from a holder of the key), is refused as malformed; nothing is sent', () => {
  for (const crypto of [nodeBackend, nobleBackend]) {
    assert.equal(x25519Of(crypto).sharedSecret(new Uint8Array(32).fill(7), SMALL_ORDER_SHARES[0]!), null, `${crypto.name}: u = 0`);
    for (const keyShare of SMALL_ORDER_SHARES) {
      const server = new AsocConnection({ profile: ASOC_HARDENED_X25519, crypto, now: 0, apiKey: KEY, role: 'server', nodeId: SERVER_ID, random: seededRandom('server'), helloReplay: new ReplayCache(ASOC_HARDENED_X25519.helloReplay!) });
      const macInput = helloMacInput({ nodeId: CLIENT_ID, nonce: new Uint8Array(16).fill(9), timestamp: 0, suite: Suite.ENCRYPTED_X25519, keyShare });
      const mac = createHmac('sha256', handshakeKey(nodeBackend, KEY)).update(Buffer.concat([label('hello'), macInput, ANY_NODE])).digest().subarray(0, 16);
      const payload = withMac(macInput, mac);
      server.receive(concat([encodeHeader(FrameType.HELLO, 0, 0, payload.length, 2), payload]), 0);
      const events = [] as Parameters<typeof drain>[1];
      drain(server, events);
      assert.deepEqual(eventsOf(events, 'auth-failed').map((e) => e.reason), ['malformed'], `${crypto.name}, share ${keyShare[0]}`);
      assert.equal(server.pollTransmit(), null, 'no ACCEPT');
    }
  }
});

test("asoc-hardened/x25519: a MITM who puts its own key share in the HELLO breaks the HELLO's MAC (bad-signature)", () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED_X25519 });
  const hello = concat(pair.client.pollTransmit()!);
  const altered = hello.slice();
  altered.set(x25519.getPublicKey(new Uint8Array(32).fill(5)), HEADER_SIZE + 37);
  pair.server.receive(altered, 0);
  drain(pair.server, pair.serverEvents);
  assert.deepEqual(eventsOf(pair.serverEvents, 'auth-failed').map((e) => e.reason), ['bad-signature']);
});

test('asoc-hardened/x25519 and asoc-hardened/encrypted never establish with each other, either way round', () => {
  for (const [clientProfile, serverProfile] of [[ASOC_HARDENED_X25519, ASOC_HARDENED_ENCRYPTED], [ASOC_HARDENED_ENCRYPTED, ASOC_HARDENED_X25519]] as const) {
    const pair = new ConnectionPair({ clientProfile, serverProfile });
    pair.handshake();
    assert.notEqual(pair.server.state, 'established', `${clientProfile.name} → ${serverProfile.name}`);
    assert.notEqual(pair.client.state, 'established', `${clientProfile.name} → ${serverProfile.name}`);
    assert.equal(pair.serverWire.length, 0, `${clientProfile.name} → ${serverProfile.name}: the server answers nothing`);
  }
});

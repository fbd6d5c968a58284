import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import {
  JWT_ALGORITHMS,
  MAX_LINE_BYTES,
  jwtAccept,
  jwtCheckAccept,
  jwtHandshake,
  jwtHandshakeKeys,
  jwtHello,
} from '../../src/baselines/jwt-handshake.ts';
import type { ByteCounts } from '../../src/baselines/types.ts';

const API_KEY = new TextEncoder().encode('test-api-key-0123456789abcdef');
const NOW = 1_800_000_000;

for (const alg of JWT_ALGORITHMS) {
  test(`jwt handshake ${alg}: HELLO and ACCEPT verify both ways; the session token names the client`, async () => {
    const keys = await jwtHandshakeKeys(alg, API_KEY, 'lab');
    const clientId = randomUUID();
    const hello = await jwtHello(keys, clientId, NOW);
    const { clientId: seen, accept } = await jwtAccept(keys, 'server-1', hello, NOW);
    assert.equal(seen, clientId);
    const claims = await jwtCheckAccept(keys, clientId, accept, NOW);
    assert.equal(claims.sub, clientId);
    assert.equal(claims.iss, 'server-1');
    assert.equal(typeof claims.sid, 'string');
    // Real tokens: far beyond ASoc's 36 + 16 bytes.
    assert.ok(hello.length > 150 && accept.length > 150, `HELLO ${hello.length} B, ACCEPT ${accept.length} B`);
  });
}

test('jwt handshake: a forged, expired, wrong-audience or foreign-key token is refused as bad-token', async () => {
  const keys = await jwtHandshakeKeys('HS256', API_KEY, 'lab');
  const hello = new TextDecoder().decode(await jwtHello(keys, 'client-1', NOW));
  const forged = hello.replace(/"token":"([^.]+)\.([^.]+)\.([^"]+)"/, (_, h, p, s: string) => `"token":"${h}.${p}.${s.slice(0, -2)}AA"`);
  assert.notEqual(forged, hello);
  const refuses = (bytes: Uint8Array | string, k = keys, now = NOW) =>
    assert.rejects(jwtAccept(k, 'server-1', typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, now), { name: 'JwtHandshakeError', reason: 'bad-token' });
  await refuses(forged);
  await refuses(hello, keys, NOW + 3600);
  await refuses(hello, await jwtHandshakeKeys('HS256', API_KEY, 'other-community'));
  await refuses(hello, await jwtHandshakeKeys('HS256', new TextEncoder().encode('another key'), 'lab'));
  const edKeys = await jwtHandshakeKeys('EdDSA', API_KEY, 'lab');
  await refuses(await jwtHello(await jwtHandshakeKeys('EdDSA', API_KEY, 'lab'), 'client-1', NOW), edKeys);
  await assert.rejects(jwtAccept(keys, 's', new TextEncoder().encode('{"type":"accept"}\n'), NOW), { reason: 'bad-message' });
  await assert.rejects(jwtAccept(keys, 's', new TextEncoder().encode('not json\n'), NOW), { reason: 'bad-message' });
});

test('jwt handshake over loopback: ready after the exchange; the server counts the bytes of both lines', async () => {
  const protocol = jwtHandshake('EdDSA', API_KEY, 'lab');
  const sessions: ByteCounts[] = [];
  const server = await protocol.serve({ onSession: (setup) => sessions.push(setup) });
  try {
    const client = await protocol.connect(server.port);
    await client.close();
    assert.equal(sessions.length, 1);
    assert.ok(sessions[0]!.clientToServer > 150 && sessions[0]!.serverToClient > 150, JSON.stringify(sessions[0]));
  } finally {
    await server.close();
  }
});

test('jwt handshake over loopback: an endless line is cut off at the limit, not buffered', async () => {
  const protocol = jwtHandshake('HS256', API_KEY, 'lab');
  const errors: Error[] = [];
  const server = await protocol.serve({ onError: (err) => errors.push(err) });
  try {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    socket.on('error', () => {});
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(Buffer.alloc(MAX_LINE_BYTES + 100, 0x41));
    await closed;
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as Error & { reason?: string }).reason, 'too-long');
  } finally {
    await server.close();
  }
});

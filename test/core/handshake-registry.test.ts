import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AsocConnection } from '../../src/core/connection.ts';
import { HANDSHAKES, HandshakeKindError, HandshakeRegistry } from '../../src/core/handshake-registry.ts';
import type { HandshakeKind, HandshakeMessage } from '../../src/core/handshake.ts';
import { PROFILES, ASOC_V1 } from '../../src/core/profile.ts';
import { V1_HANDSHAKE } from '../../src/core/v1-handshake.ts';
import { nodeBackend } from '../../src/crypto/backend.ts';
import { FrameType } from '../../src/wire/frame.ts';
import { KEY, CLIENT_ID } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';

const hello: HandshakeMessage = { name: 'hello', frameType: 0x40, from: 'client', size: 8, sealed: false };
const answer: HandshakeMessage = { name: 'answer', frameType: 0x41, from: 'server', size: { atMost: 64 }, sealed: false };
const refusal: HandshakeMessage = { name: 'no', frameType: 0x42, from: 'server', size: { atMost: 8 }, sealed: false };

function kindWith(changes: Partial<HandshakeKind>): HandshakeKind {
  return { ...V1_HANDSHAKE, name: 'ill-formed', messages: [hello, answer], ...changes };
}

test('every profile names a registered kind, and the lab registers v1, hardened (with and without X25519), subduction and stt', () => {
  assert.deepEqual(HANDSHAKES.kinds, ['v1', 'hardened', 'hardened-x25519', 'subduction', 'stt']);
  for (const profile of Object.values(PROFILES)) assert.equal(HANDSHAKES.get(profile.security.kind).kind.name, profile.security.kind, profile.name);
});

test('an unknown kind is a HandshakeKindError that lists the registered ones, from the registry and from a connection', () => {
  assert.throws(() => HANDSHAKES.get('quic'), (err: unknown) => err instanceof HandshakeKindError && /unknown security kind "quic" \(registered: v1, hardened, hardened-x25519, subduction, stt\)/.test(err.message));
  const profile = { ...ASOC_V1, security: { kind: 'quic' } };
  assert.throws(
    () => new AsocConnection({ role: 'client', profile, nodeId: CLIENT_ID, apiKey: KEY, crypto: nodeBackend, random: seededRandom('x'), now: 0 }),
    HandshakeKindError,
  );
});

test('with() gives a new registry and leaves the lab\'s as it was', () => {
  const extended = HANDSHAKES.with(kindWith({ name: 'extra' }));
  assert.deepEqual(extended.kinds, ['v1', 'hardened', 'hardened-x25519', 'subduction', 'stt', 'extra']);
  assert.deepEqual(HANDSHAKES.kinds, ['v1', 'hardened', 'hardened-x25519', 'subduction', 'stt']);
  assert.throws(() => extended.with(kindWith({ name: 'v1' })), /security kind "v1" is registered twice/);
});

test('an ill-formed kind is refused when it is registered, with what is wrong', () => {
  const cases: [Partial<HandshakeKind>, RegExp][] = [
    [{ messages: [] }, /at least one message/],
    [{ tagSize: -1 }, /tag size must be a whole number/],
    [{ tagSize: 1.5 }, /tag size must be a whole number/],
    [{ messages: [hello, { ...answer, name: 'Answer' }] }, /message name "Answer" must be lower case/],
    [{ messages: [{ ...hello, name: 'start' }, answer] }, /message name "start"/],
    [{ messages: [hello, { ...answer, name: 'hello' }] }, /two messages are named "hello"/],
    [{ messages: [hello, { ...answer, frameType: 0x40 }] }, /answer: frame type 64 is another message's/],
    [{ messages: [hello, { ...answer, frameType: FrameType.DATA }] }, /answer: frame type 1 carries streams/],
    [{ messages: [hello, { ...answer, frameType: FrameType.END }] }, /carries streams/],
    [{ messages: [hello, { ...answer, frameType: FrameType.CONTROL }] }, /carries streams/],
    [{ messages: [hello, { ...answer, frameType: 256 }] }, /frame type must be a byte/],
    [{ messages: [hello, { ...answer, from: 'client' }] }, /answer: the client sends twice in a row/],
    [{ messages: [{ ...hello, size: -1 }, answer] }, /hello: size must be a whole number/],
    [{ messages: [hello, { ...answer, size: { atMost: 2.5 } }] }, /answer: size must be a whole number/],
    [{ refusal: { ...refusal, name: 'hello' } }, /two messages are named "hello"/],
    [{ refusal: { ...refusal, name: 'No' } }, /message name "No" must be lower case/],
    [{ refusal: { ...refusal, frameType: 0x41 } }, /no: frame type 65 is another message's/],
    [{ refusal: { ...refusal, frameType: FrameType.DATA } }, /no: frame type 1 carries streams/],
    [{ refusal: { ...refusal, size: { atMost: -1 } } }, /no: size must be a whole number/],
    [{ refusal: { ...refusal, sealed: true } }, /no: a refusal is sent in the clear, never sealed/],
    [{ messages: [hello], refusal }, /no: the server sends no message, so no state awaits its refusal/],
  ];
  for (const [changes, message] of cases) {
    assert.throws(() => new HandshakeRegistry([kindWith(changes)]), (err: unknown) => err instanceof HandshakeKindError && message.test(err.message), String(message));
  }
  assert.doesNotThrow(() => new HandshakeRegistry([kindWith({})]), 'the well-formed base case registers');
  assert.doesNotThrow(() => new HandshakeRegistry([kindWith({ refusal })]), 'and with a refusal');
});

test('the connection names no security kind: it asks the registry', () => {
  const source = readFileSync(new URL('../../src/core/connection.ts', import.meta.url), 'utf8');
  for (const kindName of HANDSHAKES.kinds) assert.doesNotMatch(source, new RegExp(`['"\`]${kindName}['"\`]`), `connection.ts spells the kind "${kindName}"`);
  assert.doesNotMatch(source, /hardened-handshake|v1-handshake|security\.kind\s*[!=]==/);
});

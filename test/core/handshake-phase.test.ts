import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandshakePhase, HandshakeProtocolError, handshakeTable, type HandshakeState, type HandshakeTable } from '../../src/core/handshake-phase.ts';
import { HANDSHAKES } from '../../src/core/handshake-registry.ts';
import type { HandshakeMessage, Role } from '../../src/core/handshake.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../src/core/profile.ts';
import { FrameType, encodeHeader, frameTypeName } from '../../src/wire/frame.ts';
import { ConnectionPair, concat, drain, eventsOf } from '../support/pair.ts';

const ROLES: Role[] = ['client', 'server'];

/** A table as lines of `state --event--> next`, and what this side sends then. */
function lines(table: HandshakeTable): string[] {
  return [...table.transitions].flatMap(([state, events]) =>
    [...events].map(([event, t]) => `${state} --${event}--> ${t.next}${t.sends ? ` (sends ${t.sends.name})` : ''}`),
  );
}

/** A phase walked along its table's valid path to `state` (to `refused` by the peer's refusal). */
function phaseIn(table: HandshakeTable, state: HandshakeState): HandshakePhase {
  const phase = new HandshakePhase(table);
  for (const [from, events] of table.transitions) {
    if (phase.state === state) break;
    assert.equal(phase.state, from);
    const refusal = table.refusal?.name;
    phase.apply(state === 'refused' && refusal && events.has(refusal) ? refusal : [...events.keys()][0]!);
  }
  assert.equal(phase.state, state);
  return phase;
}

function statesOf(table: HandshakeTable): HandshakeState[] {
  const refusable = [...table.transitions.values()].some((events) => [...events.values()].some((t) => t.next === 'refused'));
  return [...table.transitions.keys(), 'established', ...(refusable ? ['refused' as const] : [])];
}

test('v1: the server awaits HELLO and answers ACCEPT; the client opens with HELLO and awaits ACCEPT', () => {
  const { tables } = HANDSHAKES.get('v1');
  assert.deepEqual(lines(tables.server), ['idle --start--> awaiting-hello', 'awaiting-hello --hello--> established (sends accept)']);
  assert.deepEqual(lines(tables.client), ['idle --start--> awaiting-accept (sends hello)', 'awaiting-accept --accept--> established']);
});

test('asoc-hardened: the server awaits FINISH after its ACCEPT; the client answers ACCEPT with FINISH', () => {
  const { tables } = HANDSHAKES.get('hardened');
  assert.deepEqual(lines(tables.server), [
    'idle --start--> awaiting-hello',
    'awaiting-hello --hello--> awaiting-finish (sends accept)',
    'awaiting-finish --finish--> established',
  ]);
  assert.deepEqual(lines(tables.client), ['idle --start--> awaiting-accept (sends hello)', 'awaiting-accept --accept--> established (sends finish)']);
});

test('subduction: the client awaits RESPONSE, or the server\'s REJECTION instead, which ends in refused; the server takes CHALLENGE', () => {
  const { tables } = HANDSHAKES.get('subduction');
  assert.deepEqual(lines(tables.client), [
    'idle --start--> awaiting-response (sends challenge)',
    'awaiting-response --response--> established',
    'awaiting-response --rejection--> refused',
  ]);
  assert.deepEqual(lines(tables.server), ['idle --start--> awaiting-challenge', 'awaiting-challenge --challenge--> established (sends response)']);
  const phase = phaseIn(tables.client, 'awaiting-response');
  assert.equal(phase.awaiting?.name, 'response', 'the refusal is taken, never awaited');
  assert.deepEqual([phase.takes(5), phase.takes(7), phase.takes(4)], [true, true, false]);
  assert.equal(phase.messageOf(7)?.name, 'rejection');
});

test('a four-message handshake gets a state per awaited message on each side', () => {
  const message = (name: string, frameType: number, from: Role): HandshakeMessage => ({ name, frameType, from, size: 8, sealed: false });
  const messages = [message('hello', 0x40, 'client'), message('response', 0x41, 'server'), message('auth-proof', 0x42, 'client'), message('final', 0x43, 'server')];
  assert.deepEqual(lines(handshakeTable(messages, 'client')), [
    'idle --start--> awaiting-response (sends hello)',
    'awaiting-response --response--> awaiting-final (sends auth-proof)',
    'awaiting-final --final--> established',
  ]);
  assert.deepEqual(lines(handshakeTable(messages, 'server')), [
    'idle --start--> awaiting-hello',
    'awaiting-hello --hello--> awaiting-auth-proof (sends response)',
    'awaiting-auth-proof --auth-proof--> established (sends final)',
  ]);
});

test('every event a state has no transition for is a HandshakeProtocolError naming role, state and event, and leaves the state as it was', () => {
  let rejected = 0;
  for (const kind of HANDSHAKES.kinds) {
    const { kind: registered, tables } = HANDSHAKES.get(kind);
    const events = ['start', ...[...registered.messages, ...(registered.refusal ? [registered.refusal] : [])].map((m) => m.name), 'DATA frame', 'constructor'];
    for (const role of ROLES) {
      const table = tables[role];
      for (const state of statesOf(table)) {
        for (const event of events) {
          if (table.transitions.get(state)?.has(event)) continue;
          const phase = phaseIn(table, state);
          const awaiting = phase.awaiting;
          assert.throws(
            () => phase.apply(event),
            (err: unknown) => {
              assert.ok(err instanceof HandshakeProtocolError);
              assert.deepEqual([err.role, err.state, err.event, err.awaiting], [role, state, event, awaiting]);
              assert.match(err.message, new RegExp(`${role} in handshake state ${state} cannot take ${event}`));
              return true;
            },
            `${kind} ${role}: ${state} must refuse ${event}`,
          );
          assert.equal(phase.state, state, 'a refused event changes nothing');
          rejected++;
        }
      }
    }
  }
  // v1: 2 roles × 3 states × 5 events − 4 transitions; hardened and hardened-x25519 (the same messages): (3 client + 4 server states) × 6 events − 5 transitions each;
  // subduction: (4 client states, refused among them, + 3 server states) × 6 events − 5 transitions;
  // stt: (4 client + 4 server states) × 7 events − 6 transitions.
  assert.equal(rejected, 26 + 37 + 37 + 37 + 50);
});

test('a frame is its message\'s event, whoever sends that message; any other frame is "<TYPE> frame"', () => {
  const phase = new HandshakePhase(HANDSHAKES.get('hardened').tables.client);
  phase.start();
  assert.equal(phase.awaiting?.name, 'accept');
  for (const [type, event] of [[FrameType.HELLO, 'hello'], [FrameType.FINISH, 'finish'], [FrameType.DATA, 'DATA frame'], [0x99, 'reserved(153) frame']] as const) {
    assert.throws(() => phase.receiveFrame(type), (err: unknown) => err instanceof HandshakeProtocolError && err.event === event);
  }
  assert.deepEqual(phase.receiveFrame(FrameType.ACCEPT).sends?.name, 'finish');
  assert.equal(phase.state, 'established');
  assert.equal(phase.awaiting, null);
});

test('in a connection, every frame type but the awaited one closes with expected-<awaited>, in every state of both kinds', () => {
  const situations = [
    { profile: ASOC_V1, side: 'server', afterHello: false, awaited: 'hello' },
    { profile: ASOC_V1, side: 'client', afterHello: false, awaited: 'accept' },
    { profile: ASOC_HARDENED, side: 'server', afterHello: false, awaited: 'hello' },
    { profile: ASOC_HARDENED, side: 'server', afterHello: true, awaited: 'finish' },
    { profile: ASOC_HARDENED, side: 'client', afterHello: false, awaited: 'accept' },
  ] as const;
  for (const { profile, side, afterHello, awaited } of situations) {
    const messages = HANDSHAKES.get(profile.security.kind).kind.messages;
    for (let type = 0; type <= 8; type++) {
      const message = messages.find((m) => m.frameType === type);
      if (message?.name === awaited) continue;
      const pair = new ConnectionPair({ profile });
      const hello = concat(pair.client.pollTransmit()!);
      if (afterHello) {
        pair.server.receive(hello, 0);
        pair.server.pollTransmit();
      }
      // Right sizes pass the length checks, so the type alone decides: a clear handshake message's
      // own, and END's (its tag, once the server's session protects frames).
      const length = type === FrameType.END ? (afterHello ? 16 : 0) : message && !message.sealed ? (message.size as number) : 4;
      const target = side === 'server' ? pair.server : pair.client;
      target.receive(concat([encodeHeader(type, 0, 0, length, profile.wireVersion), new Uint8Array(length)]), 0);
      const events = side === 'server' ? pair.serverEvents : pair.clientEvents;
      drain(target, events);
      assert.deepEqual(
        eventsOf(events, 'closed').map((e) => [e.reason, e.detail]),
        [[`expected-${awaited}`, `${frameTypeName(type)} frame before the handshake completed`]],
        `${profile.name} ${side} awaiting ${awaited}, frame type ${type}`,
      );
    }
  }
});

test('the handshake timeout names the message the phase awaits', () => {
  const pair = new ConnectionPair({ profile: ASOC_HARDENED });
  pair.server.receive(concat(pair.client.pollTransmit()!), 0);
  pair.server.pollTransmit(); // the ACCEPT is lost: the server waits for FINISH, the client for ACCEPT
  pair.advance(5_000);
  assert.deepEqual(eventsOf(pair.serverEvents, 'closed').map((e) => [e.reason, e.detail]), [['handshake-timeout', 'no FINISH within 5000 ms']]);
  assert.deepEqual(eventsOf(pair.clientEvents, 'closed').map((e) => [e.reason, e.detail]), [['handshake-timeout', 'no ACCEPT within 5000 ms']]);
});

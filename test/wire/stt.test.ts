/**
 * The stt codec: round trips, exact sizes, and a typed error naming what was wrong for every
 * payload that does not decode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from '../../src/wire/errors.ts';
import {
  AUTH_PROOF_SIZE,
  CHALLENGE_SIZE,
  FINAL_SIZE,
  HELLO_SIZE,
  PROOF_SIZE,
  RESPONSE_SIZE,
  decodeAuthProof,
  decodeFinal,
  decodeHello,
  decodeResponse,
  encodeAuthProof,
  encodeGreeting,
  encodeHello,
  encodeResponse,
} from '../../src/wire/stt.ts';

const fill = (length: number, byte: number) => new Uint8Array(length).fill(byte);

function throwsWire(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof WireError && err.code === code && message.test(err.message));
}

test('sizes: HELLO 104, RESPONSE 152, AUTH_PROOF 32, FINAL 8 bytes', () => {
  assert.deepEqual([HELLO_SIZE, RESPONSE_SIZE, AUTH_PROOF_SIZE, FINAL_SIZE, CHALLENGE_SIZE, PROOF_SIZE], [104, 152, 32, 8, 80, 24]);
});

test('round trips: every field where the layout puts it, the timestamp big-endian in ms', () => {
  const greeting = encodeGreeting({ nodeId: fill(32, 1), nonce: fill(32, 2), timestamp: 0x0102_0304_0506 });
  assert.deepEqual([...greeting.subarray(64)], [0, 0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(decodeHello(encodeHello(greeting, fill(32, 3))), { nodeId: fill(32, 1), nonce: fill(32, 2), timestamp: 0x0102_0304_0506, commitment: fill(32, 3) });
  assert.deepEqual(decodeResponse(encodeResponse(greeting, fill(80, 4))), { nodeId: fill(32, 1), nonce: fill(32, 2), timestamp: 0x0102_0304_0506, challenge: fill(80, 4) });
  assert.deepEqual(decodeAuthProof(encodeAuthProof({ sessionId: fill(8, 5), proof: fill(24, 6) })), { sessionId: fill(8, 5), proof: fill(24, 6) });
  assert.deepEqual(decodeFinal(fill(8, 7)), fill(8, 7));
});

test('every message of the wrong length is refused, naming the message', () => {
  throwsWire(() => decodeHello(fill(103, 0)), 'bad-length', /STT HELLO payload must be 104 bytes, got 103/);
  throwsWire(() => decodeResponse(fill(153, 0)), 'bad-length', /STT RESPONSE payload must be 152 bytes, got 153/);
  throwsWire(() => decodeAuthProof(fill(0, 0)), 'bad-length', /STT AUTH_PROOF payload must be 32 bytes, got 0/);
  throwsWire(() => decodeFinal(fill(9, 0)), 'bad-length', /STT FINAL payload must be 8 bytes, got 9/);
});

test('a timestamp beyond 2^53 ms is refused on decode and on encode', () => {
  const greeting = encodeGreeting({ nodeId: fill(32, 1), nonce: fill(32, 2), timestamp: 0 });
  greeting[64] = 0x00;
  greeting[65] = 0x20; // 2^53
  throwsWire(() => decodeResponse(encodeResponse(greeting, fill(80, 0))), 'bad-field', /RESPONSE timestamp 9007199254740992 is beyond 2\^53 ms/);
  throwsWire(() => encodeGreeting({ nodeId: fill(32, 1), nonce: fill(32, 2), timestamp: -1 }), 'bad-field', /timestamp must be an unsigned integer/);
});

test('the encoders refuse fields of the wrong size', () => {
  throwsWire(() => encodeGreeting({ nodeId: fill(16, 1), nonce: fill(32, 2), timestamp: 0 }), 'bad-length', /node_id must be 32 bytes, got 16/);
  throwsWire(() => encodeGreeting({ nodeId: fill(32, 1), nonce: fill(16, 2), timestamp: 0 }), 'bad-length', /nonce must be 32 bytes, got 16/);
  const greeting = encodeGreeting({ nodeId: fill(32, 1), nonce: fill(32, 2), timestamp: 0 });
  throwsWire(() => encodeHello(greeting, fill(16, 0)), 'bad-length', /commitment must be 32 bytes/);
  throwsWire(() => encodeResponse(greeting, fill(64, 0)), 'bad-length', /challenge must be 80 bytes/);
  throwsWire(() => encodeAuthProof({ sessionId: fill(4, 0), proof: fill(24, 0) }), 'bad-length', /session_id must be 8 bytes/);
});

test('fuzzed payloads of the right length decode or throw a WireError, never anything else', () => {
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) & 0xff;
  for (let i = 0; i < 500; i++) {
    for (const [size, decode] of [[HELLO_SIZE, decodeHello], [RESPONSE_SIZE, decodeResponse], [AUTH_PROOF_SIZE, decodeAuthProof]] as const) {
      const bytes = Uint8Array.from({ length: size }, next);
      try {
        decode(bytes);
      } catch (err) {
        assert.ok(err instanceof WireError, String(err));
      }
    }
  }
});

/**
 * HELLO payload (RFC-0001 §6.2), 36 bytes: node_uuid(16) · sig(16) · challenge u32.
 * sig = HMAC-SHA256(api_key, node_uuid ‖ challenge)[0:16]; `helloSignedBytes` is what it covers.
 */
import { concatBytes, requireLength, requireUint, u32be, view } from './bytes.ts';

export const HELLO_SIZE = 36;
export const NODE_ID_SIZE = 16;
export const HELLO_SIG_SIZE = 16;

export interface Hello {
  nodeId: Uint8Array;
  sig: Uint8Array;
  challenge: number;
}

export function helloSignedBytes(nodeId: Uint8Array, challenge: number): Uint8Array {
  requireLength('node_uuid', nodeId, NODE_ID_SIZE);
  requireUint('challenge', challenge, 32);
  return concatBytes(nodeId, u32be(challenge));
}

export function encodeHello(hello: Hello): Uint8Array {
  requireLength('node_uuid', hello.nodeId, NODE_ID_SIZE);
  requireLength('HELLO signature', hello.sig, HELLO_SIG_SIZE);
  requireUint('challenge', hello.challenge, 32);
  return concatBytes(hello.nodeId, hello.sig, u32be(hello.challenge));
}

export function decodeHello(payload: Uint8Array): Hello {
  requireLength('HELLO payload', payload, HELLO_SIZE);
  return {
    nodeId: payload.slice(0, 16),
    sig: payload.slice(16, 32),
    challenge: view(payload).getUint32(32),
  };
}

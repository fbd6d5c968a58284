/**
 * ACCEPT payload (RFC-0001 §6.3, RFC-0002 §5.2), 16 bytes: token(8, random) · sig(8).
 * sig = HMAC-SHA256(api_key, token)[0:8]: note that nothing binds it to the HELLO it answers.
 */
import { concatBytes, requireLength } from './bytes.ts';

export const ACCEPT_SIZE = 16;
export const TOKEN_SIZE = 8;
export const ACCEPT_SIG_SIZE = 8;

export interface Accept {
  token: Uint8Array;
  sig: Uint8Array;
}

export function encodeAccept(accept: Accept): Uint8Array {
  requireLength('session token', accept.token, TOKEN_SIZE);
  requireLength('ACCEPT signature', accept.sig, ACCEPT_SIG_SIZE);
  return concatBytes(accept.token, accept.sig);
}

export function decodeAccept(payload: Uint8Array): Accept {
  requireLength('ACCEPT payload', payload, ACCEPT_SIZE);
  return { token: payload.slice(0, 8), sig: payload.slice(8, 16) };
}

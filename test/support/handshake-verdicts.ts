/** A handshake step's verdict, asserted accepted or refused, narrowed for the test that reads it. */
import assert from 'node:assert/strict';
import type { HandshakeVerdict } from '../../src/core/handshake.ts';

export function accepted(verdict: HandshakeVerdict): Extract<HandshakeVerdict, { ok: true }> {
  assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.failure}: ${verdict.detail}`);
  return verdict;
}

export function refused(verdict: HandshakeVerdict): Extract<HandshakeVerdict, { ok: false }> {
  assert.ok(!verdict.ok, 'the handshake should have refused');
  return verdict;
}

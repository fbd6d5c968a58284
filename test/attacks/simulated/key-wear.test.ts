import assert from 'node:assert/strict';
import { test } from 'node:test';
import keyWear from '../../../attacks/simulated/key-wear.ts';
import type { HardenedSecurity } from '../../../src/core/hardened-handshake.ts';
import { ASOC_HARDENED } from '../../../src/core/profile.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('key wear (hardened): at 1/2^20 scale no key protects more than the margin, and every byte arrives across the key changes', () => {
  const out = runAttack(keyWear, 'asoc-hardened', { sessionBytes: 2 ** 20 });
  assert.equal(observedVerdict(out, 'H7'), 'HOLDS');
  assert.ok(out.counts.keyUpdates! > 50, `${out.counts.keyUpdates} key changes`);
  assert.ok(out.figures.mostBytesUnderOneKey! <= 2 ** 35 / 2 ** 20 + 4096 + 14);
  assert.equal(out.counts.delivered, 1);
});

test('key wear without a rekey (as asoc-hardened had): one key protects the whole session, past the margin', () => {
  const profile = { ...ASOC_HARDENED, security: { ...(ASOC_HARDENED.security as HardenedSecurity), rekeyAfterBytes: Infinity } };
  const out = keyWear.run({ profile, seed: 1, params: keyWear.params.parse({ sessionBytes: 2 ** 20 }) });
  assert.equal(observedVerdict(out, 'H7'), 'FAILS');
  assert.equal(out.counts.keyUpdates, 0);
});

test('key wear measures asoc-hardened only', () => {
  assert.throws(() => runAttack(keyWear, 'asoc-v1', {}), /asoc-v1 has none/);
});

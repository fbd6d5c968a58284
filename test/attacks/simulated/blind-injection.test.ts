import assert from 'node:assert/strict';
import { test } from 'node:test';
import blindInjection from '../../../attacks/simulated/blind-injection.ts';
import { runAttack } from './run-attack.ts';

test('blind injection: when no guess lands there was no attack to survive, so the run throws instead of reporting HOLDS', () => {
  // 16 guesses against a 4 MiB window: about 0.008 expected to land.
  assert.throws(() => runAttack(blindInjection, 'asoc-hardened', { guesses: 16, legitBytes: 65_536 }), /accepted none of the 16 guesses/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import mitmFrames from '../../../attacks/simulated/mitm-frames.ts';
import { runAttack, verdictOf } from './run-attack.ts';

test('mitm frames (hardened): each manipulation happened (frames changed) and was rejected by an integrity-failed close; every one keeps its decisive trace entries', () => {
  const out = runAttack(mitmFrames, 'asoc-hardened');
  assert.equal(verdictOf(out, 'S3'), 'HOLDS');
  assert.equal(out.counts.rejected, 4);
  for (const m of ['modify', 'drop', 'reorder', 'inject']) {
    assert.ok(out.counts[`${m}FramesAltered`]! > 0, `${m} changed no frame`);
    assert.equal(out.counts[`${m}Rejected`], 1, m);
  }
  // The trace is split by manipulation; each part has the relay's change and the server's close.
  const parts = out.trace.reduce<string[][]>((acc, e) => (e.where === 'run' ? acc.push([]) : acc.at(-1)!.push(e.what), acc), []);
  assert.equal(parts.length, 4);
  for (const part of parts) {
    assert.ok(part.includes('relay') && part.includes('peer-down'), `decisive entries missing: ${part.join(', ')}`);
  }
  assert.ok(out.trace.length <= 60);
});

test('mitm frames (v1): every manipulation goes through as normal data', () => {
  const out = runAttack(mitmFrames, 'asoc-v1', { manipulations: ['modify', 'inject'] });
  assert.equal(verdictOf(out, 'S3'), 'FAILS');
  assert.equal(out.counts.wentThrough, 2);
  assert.equal(out.counts.rejected, 0);
});

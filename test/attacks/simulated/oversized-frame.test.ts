import assert from 'node:assert/strict';
import { test } from 'node:test';
import oversizedFrame from '../../../attacks/simulated/oversized-frame.ts';
import { runAttack, verdictOf } from './run-attack.ts';

const MiB = 1024 * 1024;

test('oversized frame (v1): a 4 GiB header is refused on the header, before a payload byte', () => {
  const out = runAttack(oversizedFrame, 'asoc-v1', { payloadBytes: 17 * MiB, observeMs: 1_000 });
  assert.equal(verdictOf(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.insiderHandshakes, 1);
  assert.equal(out.counts.serverPayloadBytesTaken, 0);
  assert.equal(out.counts.frameTooLargeCloses, 1);
  assert.ok(out.figures.closeAfterHeaderMs! >= 0 && out.figures.closeAfterHeaderMs! < 1);
});

test('oversized frame (reference): no limit — the server takes 17 MiB of one frame and waits for the rest of 4 GiB', () => {
  const out = runAttack(oversizedFrame, 'asoc-v1/reference', { payloadBytes: 17 * MiB, observeMs: 1_000 });
  assert.equal(verdictOf(out, 'S10'), 'FAILS');
  assert.equal(out.counts.serverPayloadBytesTaken, 17 * MiB);
  assert.equal(out.counts.serverClosed, 0);
  assert.equal(out.figures.bytesServerStillWaitsFor, 0xffffffff - 17 * MiB);
});

test('oversized frame (hardened): the header of a tagged frame is refused on its announced length too', () => {
  const out = runAttack(oversizedFrame, 'asoc-hardened', { payloadBytes: MiB, observeMs: 500 });
  assert.equal(verdictOf(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.insiderHandshakes, 1);
  assert.equal(out.counts.frameTooLargeCloses, 1);
});

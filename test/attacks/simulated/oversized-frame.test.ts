import assert from 'node:assert/strict';
import { test } from 'node:test';
import oversizedFrame from '../../../attacks/simulated/oversized-frame.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

const verdictEvidence = (out: ReturnType<typeof runAttack>): string => out.observations.find((o) => o.claim === 'S10')!.evidence;

const MiB = 1024 * 1024;

test('oversized frame (v1): a 4 GiB header is refused on the header, before a payload byte', () => {
  const out = runAttack(oversizedFrame, 'asoc-v1', { payloadBytes: 17 * MiB, observeMs: 1_000 });
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.attackerConnections, 1);
  assert.equal(out.counts.serverPayloadBytesTaken, 0);
  assert.equal(out.counts.frameTooLargeCloses, 1);
  assert.ok(out.figures.closeAfterHeaderMs! >= 0 && out.figures.closeAfterHeaderMs! < 1);
});

test('oversized frame (reference): no limit — the server takes 17 MiB of one frame and waits for the rest of 4 GiB', () => {
  const out = runAttack(oversizedFrame, 'asoc-v1/reference', { payloadBytes: 17 * MiB, observeMs: 1_000 });
  assert.equal(observedVerdict(out, 'S10'), 'FAILS');
  assert.equal(out.counts.serverPayloadBytesTaken, 17 * MiB);
  assert.equal(out.counts.serverClosed, 0);
  assert.equal(out.figures.bytesServerStillWaitsFor, 0xffffffff - 17 * MiB);
});

test('oversized frame (hardened): the header of a tagged frame is refused on its announced length too', () => {
  const out = runAttack(oversizedFrame, 'asoc-hardened', { payloadBytes: MiB, observeMs: 500 });
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.attackerConnections, 1);
  assert.equal(out.counts.frameTooLargeCloses, 1);
});

test('oversized first frame, before any HELLO: v1 and hardened refuse it on the header; the reference reads and holds it, unauthenticated, until its handshake timeout', () => {
  for (const profile of ['asoc-v1', 'asoc-hardened'] as const) {
    const out = runAttack(oversizedFrame, profile, { stage: 'before-handshake', payloadBytes: 4 * MiB, observeMs: 1_000 });
    assert.equal(observedVerdict(out, 'S10'), 'HOLDS', profile);
    assert.equal(out.counts.frameTooLargeCloses, 1, profile);
    assert.equal(out.counts.serverPayloadBytesTaken, 0, profile);
  }
  const reference = runAttack(oversizedFrame, 'asoc-v1/reference', { stage: 'before-handshake', payloadBytes: 17 * MiB, observeMs: 5_000 });
  assert.equal(observedVerdict(reference, 'S10'), 'FAILS');
  assert.equal(reference.counts.attackerConnections, 1);
  assert.equal(reference.counts.serverPayloadBytesTaken, 17 * MiB);
  assert.equal(reference.counts.serverClosed, 0, 'still within its 10 s handshake timeout');
  const timedOut = runAttack(oversizedFrame, 'asoc-v1/reference', { stage: 'before-handshake', payloadBytes: MiB, observeMs: 11_000 });
  assert.equal(timedOut.counts.serverPayloadBytesTaken, MiB);
  assert.equal(timedOut.counts.serverClosed, 1);
  assert.match(verdictEvidence(timedOut), /closed it 9900\.\d+ ms after the header was written \(handshake-timeout\)/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import protocolViolations from '../../../attacks/simulated/protocol-violations.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('protocol violations (v1): bad version, bad seq and DATA on stream 0 close; an unknown type is skipped and the stream after it arrives', () => {
  const out = runAttack(protocolViolations, 'asoc-v1');
  assert.equal(observedVerdict(out, 'S12'), 'HOLDS');
  assert.equal(out.counts.insiderHandshakes, 4);
  assert.deepEqual(
    [out.counts['closed:bad-version'], out.counts['closed:unknown-type'], out.counts['closed:bad-seq'], out.counts['closed:data-on-stream-0']],
    [1, 0, 1, 1],
  );
  const evidence = out.observations[0]!.evidence;
  for (const reason of ['(bad-version)', '(bad-seq)', '(bad-stream-id)', 'stream delivered 1×']) assert.ok(evidence.includes(reason), reason);
});

for (const profile of ['asoc-hardened', 'subduction', 'stt'] as const) {
  test(`protocol violations (${profile}): the insider's sealed frames authenticate, so §9.2 decides, not the integrity check`, () => {
    const out = runAttack(protocolViolations, profile);
    assert.equal(observedVerdict(out, 'S12'), 'HOLDS');
    const evidence = out.observations[0]!.evidence;
    // The stream after the unknown type arrives only if every sealed frame opened under the session's keys.
    for (const reason of ['(bad-version)', '(bad-seq)', '(bad-stream-id)', 'stream delivered 1×']) assert.ok(evidence.includes(reason), `${reason} in: ${evidence}`);
    assert.ok(!evidence.includes('integrity-failed'), evidence);
  });
}

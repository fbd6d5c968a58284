/**
 * T2 and T4 from stt over simulated UDP: the verdicts, and that each stands on its evidence (a
 * measurement changed to show a wait, or no loss, or a damaged stream, changes the verdict).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideT2, decideT4, ISOLATION_TOLERANCE_MS } from '../../../lab/claims/stt-udp-claims.ts';
import { ISOLATION_DEFAULTS, measureStreamIsolation, type IsolationMeasurement, type IsolationRun } from '../../../scenarios/stream-isolation.ts';
import { runIsolationOverTcp } from '../../../scenarios/stream-isolation-tcp.ts';

const measured = measureStreamIsolation({ ...ISOLATION_DEFAULTS, writes: 150 });

/** `run` with its stream `lossy` (or clean) changed. */
function withStream(run: IsolationRun, lossy: boolean, change: (s: IsolationRun['streams'][number]) => object): IsolationRun {
  return { ...run, streams: run.streams.map((s) => (s.lossy === lossy ? { ...s, ...change(s) } : s)) as IsolationRun['streams'] };
}

test('T2 HOLDS: the clean stream does not wait for the lossy one, and both arrive whole', () => {
  const result = decideT2(measured);
  assert.equal(result.verdict, 'HOLDS', result.summary);
  assert.match(result.summary, /no wait for the lossy stream/);
  assert.match(result.summary, /varints/);
  assert.doesNotMatch(result.summary, /For contrast/);
});

test('T2 names the same writes over TCP beside its verdict, without letting them decide it', () => {
  const overTcp = runIsolationOverTcp({ ...ISOLATION_DEFAULTS, writes: 150 });
  const result = decideT2({ ...measured, overTcp });
  assert.equal(result.verdict, 'HOLDS');
  assert.match(result.summary, /For contrast, the same writes on one TCP connection losing 2.5 % of the client's packets \(\d+ lost/);
  assert.deepEqual((result.evidence as { overTcp: unknown }).overTcp, overTcp);
});

test('T2 FAILS when the clean stream waited, when nothing was lost, or when a stream arrived damaged', () => {
  const waited: IsolationMeasurement = { ...measured, lossy: withStream(measured.lossy, false, (s) => ({ latencyMs: { ...s.latencyMs!, max: s.latencyMs!.max + ISOLATION_TOLERANCE_MS + 20 } })) };
  assert.equal(decideT2(waited).verdict, 'FAILS');
  assert.match(decideT2(waited).summary, /it WAITED for the lossy stream/);
  const nothingLost: IsolationMeasurement = { ...measured, lossy: { ...withStream(measured.lossy, true, () => ({ datagramsDropped: 0 })), retransmissions: 0 } };
  assert.equal(decideT2(nothingLost).verdict, 'FAILS');
  const damaged: IsolationMeasurement = { ...measured, baseline: withStream(measured.baseline, true, () => ({ intact: false })) };
  assert.equal(decideT2(damaged).verdict, 'FAILS');
});

test('T4 HOLDS: custom frames reach their handlers, and segments out of order are reassembled; PARTIAL without the reordering', () => {
  const result = decideT4(measured);
  assert.equal(result.verdict, 'HOLDS', result.summary);
  assert.deepEqual((result.evidence as { handledTypes: number[] }).handledTypes, [0x80, 0xa5, 0xff]);
  assert.equal(decideT4({ ...measured, reordered: { ...measured.reordered, segmentsOutOfOrder: 0 } }).verdict, 'PARTIAL');
});

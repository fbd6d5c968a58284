/**
 * stt over the simulator's UDP: the stream-isolation scenario (one stream's datagrams lost at 5 %,
 * another's not) and reassembly on a link that reorders and duplicates. Seeded: the same seed
 * gives the same run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISOLATION_DEFAULTS, runIsolation } from '../../../scenarios/stream-isolation.ts';
import { runIsolationOverTcp } from '../../../scenarios/stream-isolation-tcp.ts';

const SHORT = { ...ISOLATION_DEFAULTS, writes: 150 };

test("one stream losing 5 % of its datagrams waits for its retransmissions; the other's latencies are those of a run without loss", () => {
  const baseline = runIsolation({ ...SHORT, loss: 0 });
  const lossy = runIsolation(SHORT);
  for (const run of [baseline, lossy]) {
    assert.equal(run.established, true);
    for (const stream of run.streams) assert.equal(stream.intact, true, `stream ${stream.streamId} at loss ${run.options.loss}`);
  }
  const [lost, clean] = lossy.streams;
  assert.equal(lost.lossy, true);
  assert.ok(lost.datagramsDropped > 0 && lossy.retransmissions >= lost.datagramsDropped, `${lost.datagramsDropped} dropped, ${lossy.retransmissions} sent again`);
  assert.equal(clean.datagramsDropped, 0);
  assert.ok(lost.latencyMs!.max > clean.latencyMs!.max + 5, `the lossy stream waited: ${lost.latencyMs!.max} vs ${clean.latencyMs!.max} ms`);
  assert.ok(clean.latencyMs!.max <= baseline.streams[1].latencyMs!.max + 0.5, `clean ${clean.latencyMs!.max} ms, without loss ${baseline.streams[1].latencyMs!.max} ms`);
  assert.ok(clean.latencyMs!.max < 2 * SHORT.latencyMs, 'one way and a little serialisation, no RTO');
});

test('segments that arrive out of order or twice are put back into whole frames on both streams', () => {
  const run = runIsolation({ ...SHORT, loss: 0, writeBytes: 4096, reorder: 0.2, duplicate: 0.05 });
  assert.ok(run.segmentsOutOfOrder > 10, `${run.segmentsOutOfOrder} out of order`);
  assert.ok(run.duplicateSegments > 0);
  for (const stream of run.streams) assert.equal(stream.intact, true);
});

test('the same seed gives the same run; another seed loses other datagrams', () => {
  const strip = (run: ReturnType<typeof runIsolation>) => ({ ...run, options: null });
  assert.deepEqual(strip(runIsolation(SHORT)), strip(runIsolation(SHORT)));
  assert.notDeepEqual(strip(runIsolation(SHORT)).streams[0].latencyMs, strip(runIsolation({ ...SHORT, seed: SHORT.seed + 1 })).streams[0].latencyMs);
});

test('the same writes on one TCP connection: a lost segment delays both streams, the clean one too', () => {
  const tcp = runIsolationOverTcp(SHORT);
  assert.equal(tcp.established, true);
  assert.ok(tcp.packetsLost > 0);
  for (const stream of tcp.streams) assert.equal(stream.intact, true);
  const udp = runIsolation(SHORT);
  const [, clean] = tcp.streams;
  assert.ok(clean.latencyMs!.max > 3 * udp.streams[1].latencyMs!.max, `clean stream over TCP ${clean.latencyMs!.max} ms, over UDP ${udp.streams[1].latencyMs!.max} ms`);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASOC_V1 } from '../../../src/core/profile.ts';
import { buildArena } from '../../../attacks/simulated/adversary/arena.ts';
import { RawTcpClient } from '../../../attacks/simulated/adversary/raw-tcp-client.ts';
import { formatAddress, type TraceEntry } from '../../../sim/index.ts';

type EventEntry = Extract<TraceEntry, { kind: 'event' }>;

test('refused and failed inbound connections are in the trace with address and reason, one by one up to 5 per address and 10 s, then as counts', () => {
  const arena = buildArena({ seed: 3, profile: ASOC_V1, attackers: 2, record: true });
  const { sim, server, attackers } = arena;
  const [flooder, quiet] = attackers.map((host) => formatAddress(host.address)) as [string, string];
  server.start();
  // 200 connections of garbage from one address within a second, one from another.
  const garbage = new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n');
  const flood = new RawTcpClient(attackers[0]!);
  const serverAddress = formatAddress(arena.server.host.address);
  for (let i = 0; i < 200; i++) sim.scheduler.at(i * 5, () => flood.connect(serverAddress, arena.port).write(garbage));
  sim.scheduler.at(0, () => new RawTcpClient(attackers[1]!).connect(serverAddress, arena.port).write(garbage));
  sim.scheduler.runUntilTime(30_000);
  server.stop();
  sim.scheduler.runUntilTime(31_000);

  const events = sim.trace.entries.filter((e): e is EventEntry => e.kind === 'event' && e.name.startsWith('asoc.inbound-failed'));
  const fromFlooder = events.filter((e) => e.fields.address === flooder && e.name === 'asoc.inbound-failed');
  assert.equal(fromFlooder.length, 5, 'five one by one in the first 10 s');
  assert.deepEqual(
    fromFlooder.map((e) => e.fields.reason),
    ['version-mismatch', 'version-mismatch', 'version-mismatch', 'version-mismatch', 'version-mismatch'],
  );
  const summaries = events.filter((e) => e.name === 'asoc.inbound-failed-summary');
  assert.equal(summaries.length, 1, 'one summary: the flood fits in one interval');
  assert.equal(summaries[0]!.fields.address, flooder);
  assert.equal(summaries[0]!.fields.count, 195);
  assert.ok(Math.abs(summaries[0]!.time - (events[0]!.time + 10_000)) < 1e-6, 'at the end of the interval the first failure opened');
  // Every connection is accounted for: what the trace names one by one plus what it counts.
  const byKind = summaries[0]!.fields.byKind as Record<string, number>;
  const counted = Object.values(byKind).reduce((a, b) => a + b, 0);
  assert.equal(fromFlooder.length + counted, 200);
  assert.ok(Object.keys(byKind).every((k) => /^(closed before the handshake \(version-mismatch\)|refused \((locked-out|too-many-handshakes)\))$/.test(k)), Object.keys(byKind).join(', '));
  const fromQuiet = events.filter((e) => e.fields.address === quiet);
  assert.deepEqual(fromQuiet.map((e) => [e.name, e.fields.reason]), [['asoc.inbound-failed', 'version-mismatch']]);
});

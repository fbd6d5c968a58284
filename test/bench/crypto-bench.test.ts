import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCryptoBench } from '../../bench/crypto.ts';
import { parseCryptoArgs } from '../../lab/commands/bench/crypto.ts';
import { CRYPTO_GROUPS } from '../../bench/crypto-operations.ts';
import { cryptoReportSchema, type CryptoReport } from '../../bench/crypto-schema.ts';

const byName = (report: CryptoReport, name: string, implementation: string) => {
  const row = report.results.find((r) => r.name === name && r.implementation === implementation);
  assert.ok(row, `no result for ${name} [${implementation}]`);
  return row;
};

test('crypto bench: every group, a few samples each, valid report with sane figures', async () => {
  const report = await runCryptoBench({ timeMs: 10, warmupMs: 0, minSamples: 3, minSampleUs: 100 });
  cryptoReportSchema.parse(JSON.parse(JSON.stringify(report)));
  assert.deepEqual([...new Set(report.results.map((r) => r.group))], [...CRYPTO_GROUPS]);
  for (const r of report.results) {
    const s = r.nsPerCall;
    assert.ok(s.min <= s.p10 && s.p10 <= s.median && s.median <= s.p90 && s.p90 <= s.max, `${r.name} [${r.implementation}]: spread out of order`);
    assert.ok(r.samplesNs.length >= 3, `${r.name}: ${r.samplesNs.length} samples`);
  }
  // A 1 MiB frame costs more than a 1 KiB one, for every per-frame operation and implementation.
  for (const r of report.results.filter((r) => r.group === 'per-frame' && r.inputBytes === 1024)) {
    const big = byName(report, r.name.replace('1 KiB', '1 MiB'), r.implementation);
    assert.ok(big.nsPerCall.median > r.nsPerCall.median, `${r.name} [${r.implementation}] is not cheaper than its 1 MiB twin`);
  }
  assert.ok(report.chosenDefault === 'node' || report.chosenDefault === 'noble');
  assert.ok(report.d2 && report.d2.siphashOverKeyedBlake3.length === 4 && report.d2.blake3MBps.length === 2);
  assert.ok(report.comparisons.some((c) => c.name === 'ed25519 verify'));
  assert.ok(report.notes.some((n) => n.includes('no BLAKE3')), 'the report says node:crypto has no BLAKE3');
});

test('crypto bench: a subset of groups runs only those; the summary fields of absent groups are null', async () => {
  const report = await runCryptoBench({ groups: ['codec'], timeMs: 5, warmupMs: 0, minSamples: 3, minSampleUs: 50 });
  cryptoReportSchema.parse(report);
  assert.ok(report.results.every((r) => r.group === 'codec'));
  assert.equal(report.chosenDefault, null);
  assert.equal(report.d2, null);
});

test('crypto bench flags: groups and budgets; unknown groups and flags are usage errors', () => {
  assert.deepEqual(parseCryptoArgs(['--groups', 'd2,codec', '--time-ms', '50', '--warmup-ms', '0', '--out', 'x']), {
    groups: ['d2', 'codec'],
    timeMs: 50,
    warmupMs: 0,
    out: 'x',
  });
  assert.throws(() => parseCryptoArgs(['--groups', 'md5']), { name: 'UsageError' });
  assert.throws(() => parseCryptoArgs(['--time-ms', '0']), { name: 'UsageError' });
  assert.throws(() => parseCryptoArgs(['--nope']), { name: 'UsageError' });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MEASURING_NODE_ENV, MEASURING_NODE_FLAGS } from '../../bench/measuring-node.ts';

test('a measuring command started in a plain Node restarts with the measuring flags and environment, and its report records them', () => {
  const out = mkdtempSync(join(tmpdir(), 'asoc-measuring-'));
  try {
    const env = { ...process.env };
    for (const name of [...Object.keys(MEASURING_NODE_ENV), 'ASOC_LAB_RESTARTED']) delete env[name];
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'bench', 'receive-path', '--bytes', '1MiB', '--runs', '1', '--reads', 'data-events', '--out', out], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const [file] = readdirSync(out).filter((f) => f.startsWith('bench-receive-path-'));
    assert.ok(file, `no report in ${out}`);
    const report = JSON.parse(readFileSync(join(out, file), 'utf8'));
    const expected = [...MEASURING_NODE_FLAGS, ...Object.entries(MEASURING_NODE_ENV).map(([name, value]) => `${name}=${value}`)];
    assert.deepEqual(report.machine.nodeSettings, expected);
    assert.ok(report.runs[0].memory.minorPageFaults >= 0, 'the receiver’s memory costs are recorded per run');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
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

test('SIGTERM to a restarted measuring command reaches the command itself: both processes end', async (t) => {
  if (spawnSync('pgrep', ['--version']).error) return t.skip('pgrep (procps) is not installed: the test finds the restarted process with it');
  const out = mkdtempSync(join(tmpdir(), 'asoc-measuring-term-'));
  const env = { ...process.env };
  for (const name of [...Object.keys(MEASURING_NODE_ENV), 'ASOC_LAB_RESTARTED']) delete env[name];
  const first = spawn(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'bench', 'receive-path', '--bytes', '64MiB', '--runs', '1000', '--out', out], { env, stdio: 'ignore' });
  const restarted = () => spawnSync('pgrep', ['-f', `single-threaded-gc.*${out}`], { encoding: 'utf8' }).stdout.trim();
  try {
    const deadline = Date.now() + 30_000;
    while (!restarted() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(restarted(), 'the command did not restart with the measuring flags within 30 s');
    const exited = once(first, 'exit');
    first.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.equal(signal, null, 'the first process waits for the command and returns its status');
    assert.notEqual(code, 0);
    const gone = Date.now() + 10_000;
    while (restarted() && Date.now() < gone) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(restarted(), '', 'the restarted command is still running after SIGTERM to the first process');
  } finally {
    first.kill('SIGKILL');
    spawnSync('pkill', ['-KILL', '-f', out]);
    rmSync(out, { recursive: true, force: true });
  }
});

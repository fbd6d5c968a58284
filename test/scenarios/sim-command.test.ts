import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../lab/cli.ts';

const SCENARIO = `
name: cli-small
description: two hosts, one small stream
seed: 3
stop: { maxMs: 10000 }
topology:
  hosts:
    - { name: a, address: 10.0.0.1, cpu: calibrated }
    - { name: b, address: 10.0.0.2, cpu: calibrated }
  links:
    - { between: [a, b], bandwidthBps: 1Gbps, latencyMs: 0.5 }
nodes:
  - { on: a, peers: b }
  - { on: b }
workloads:
  - { name: w, from: a, to: b, bytes: 1MiB }
`;

/** Runs the CLI, capturing what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => err.push(parts.join(' '));
  try {
    return { code: await main(args), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('asoc-lab sim prints the seed first, then the summary, and writes the JSON summary and the trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-sim-cli-'));
  const file = join(dir, 'small.yaml');
  writeFileSync(file, SCENARIO);
  const calibration = join(dir, 'absent.json');
  const { code, out } = await cli(['sim', file, '--seed', '9', '--out', dir, '--trace', 'jsonl', '--calibration', calibration]);
  assert.equal(code, 0);
  assert.match(out[0]!, /^seed 9 /);
  assert.match(out[1]!, /^notice: no calibration file at .*absent\.json/);
  assert.ok(out.some((line) => /^w\s+1\s+1\s+0\s+0\s+1\.0\b/.test(line)), out.join('\n'));
  const summary = JSON.parse(readFileSync(join(dir, 'small-seed-9.json'), 'utf8'));
  assert.equal(summary.seed, 9);
  assert.equal(summary.workloads[0].completed, 1);
  const trace = readFileSync(join(dir, 'small-seed-9.trace.jsonl'), 'utf8').trimEnd().split('\n');
  assert.ok(trace.length > 100);
});

test('asoc-lab sim: a bad scenario names the bad field; bad flags are usage errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asoc-sim-cli-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, SCENARIO.replace('latencyMs: 0.5', 'latencyMs: slow'));
  const bad = await cli(['sim', file]);
  assert.equal(bad.code, 1);
  assert.match(bad.err.join('\n'), /topology\.links\[0\]\.latencyMs: expected number, got string/);
  assert.equal((await cli(['sim'])).code, 2);
  assert.equal((await cli(['sim', file, '--trace', 'xml'])).code, 2);
  assert.equal((await cli(['sim', file, '--until', '-3'])).code, 2);
  const help = await cli(['sim', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out.join('\n'), /--trace jsonl\|none/);
});

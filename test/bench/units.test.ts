import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseByteSize } from '../../bench/units.ts';
import { integerFlag, UsageError } from '../../lab/commands/common.ts';
import { parseScenario } from '../../scenarios/load.ts';

test('kB, MB, GB, TB are powers of 1000 and KiB, MiB, GiB, TiB powers of 1024', () => {
  const expected: [string, number][] = [
    ['1kB', 1e3],
    ['1MB', 1e6],
    ['1GB', 1e9],
    ['1TB', 1e12],
    ['1KiB', 1024],
    ['1MiB', 1024 ** 2],
    ['1GiB', 1024 ** 3],
    ['1TiB', 1024 ** 4],
    ['512B', 512],
    ['512', 512],
    ['1.5 MB', 1_500_000],
    ['0.5KiB', 512],
  ];
  for (const [text, bytes] of expected) assert.equal(parseByteSize(text), bytes, text);
});

test('a bare prefix, a fraction of a byte, a rate or a word is not a size', () => {
  for (const text of ['64k', '1G', '1M', '1.5B', '0.3', '10Gbps', 'MiB', '', '-1KiB']) assert.ok(Number.isNaN(parseByteSize(text)), text);
});

test('a command-line flag reads sizes as the scenario files do', () => {
  for (const text of ['1MB', '1MiB', '64KiB', '2GB']) assert.equal(integerFlag('bytes', text, 0, 1), parseByteSize(text), text);
  assert.throws(() => integerFlag('chunk', '64k', 0, 1), (err: unknown) => err instanceof UsageError && /powers of 1000/.test(err.message) && /powers of 1024/.test(err.message));
  const scenario = parseScenario(`
name: units
description: a queue of 1MB
stop: { maxMs: 1000 }
topology:
  hosts:
    - { name: a, address: 10.0.0.1 }
    - { name: b, address: 10.0.0.2 }
  links:
    - { between: [a, b], queueBytes: 1MB }
nodes:
  - { on: [a, b] }
`);
  assert.equal(scenario.topology.links[0]!.queueBytes, integerFlag('queue', '1MB', 0));
  assert.equal(scenario.topology.links[0]!.queueBytes, 1e6);
});

test('printed byte counts use IEC units', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1024 ** 2), '1.00 MiB');
  assert.equal(formatBytes(1.5 * 1024 ** 3), '1.50 GiB');
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { FaultCounter, findChild, minorFaults } from '../../bench/process-faults.ts';

const linux = process.platform === 'linux';

test('minor faults are counted for this process and for a child found by its command line', { skip: !linux && 'reads /proc' }, async () => {
  assert.equal(typeof minorFaults(process.pid), 'number');
  assert.equal(minorFaults(2 ** 22 + 12345), null, 'no such process');
  const marker = 'process-faults-test-child';
  const counter = new FaultCounter(marker);
  // The child touches 64 MiB of fresh pages, then waits to be killed.
  const child = spawn(process.execPath, ['-e', `/* ${marker} */ const b = Buffer.alloc(64 * 1024 * 1024, 1); console.log('ready'); setInterval(() => b[0]++, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(child.stdout!, 'data');
    assert.equal(findChild(marker), child.pid);
    const first = counter.take();
    assert.equal(first.child, null, 'not counted over a span it was not seen at the start of');
    Buffer.alloc(32 * 1024 * 1024, 1);
    const second = counter.take();
    assert.ok(second.self !== null && second.self > 1000, `this process faulted in 32 MiB: ${second.self}`);
    assert.ok(second.child !== null && second.child >= 0);
  } finally {
    child.kill();
  }
  assert.equal(findChild('no-process-has-this-marker'), null);
});

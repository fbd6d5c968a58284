/** The node commands' key handling: a key the profile refuses is the user's mistake (exit 2), a weak one v1 takes is warned about. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../../lab/commands/common.ts';
import { createNode, nodeOptionsFromFlags } from '../../../lab/commands/node-flags.ts';
import { ASOC_HARDENED, ASOC_V1 } from '../../../src/core/profile.ts';

const options = { community: 'c', host: '127.0.0.1', port: 0, discovery: false as const };

test('createNode: asoc-hardened with a weak key is a usage error naming what is wrong; v1 takes it and warns on stderr', (t) => {
  assert.throws(() => createNode({ ...options, apiKey: 'k7q2zx', profile: ASOC_HARDENED }), (err: unknown) => err instanceof UsageError && /32 random bytes, written as 64 hex digits; got 6 bytes/.test(err.message));
  const warned: string[] = [];
  t.mock.method(console, 'error', (line: string) => void warned.push(line));
  createNode({ ...options, apiKey: 'k7q2zx', profile: ASOC_V1 });
  assert.equal(warned.length, 1);
  assert.match(warned[0]!, /^warning: the API key is 6 bytes/);
  createNode({ ...options, apiKey: randomBytes(32).toString('hex'), profile: ASOC_HARDENED });
  assert.equal(warned.length, 1, 'no warning for a good key');
});

test('nodeOptionsFromFlags: a static peer may be pinned to a node id (NODEID@HOST:PORT); a bad id is a usage error', () => {
  process.env.ASOC_API_KEY ??= 'a key for the test';
  const pinned = `${'a0'.repeat(16)}@127.0.0.1:9000`;
  assert.deepEqual(nodeOptionsFromFlags({ peer: [pinned, '127.0.0.1:9001'] }).staticPeers, [pinned, '127.0.0.1:9001']);
  assert.throws(() => nodeOptionsFromFlags({ peer: ['a0@127.0.0.1:9000'] }), (err: unknown) => err instanceof UsageError && /NODEID 32 hex digits/.test(err.message));
});

test('nodeOptionsFromFlags: a port is a plain decimal number, not a size (9kB is not port 9000)', () => {
  process.env.ASOC_API_KEY ??= 'a key for the test';
  assert.equal(nodeOptionsFromFlags({ port: '9000' }).port, 9000);
  for (const [flag, value] of [['port', '9kB'], ['port', '1KiB'], ['port', '1e3'], ['port', ' 80'], ['discovery-port', '9kB']] as const) {
    const min = flag === 'port' ? 0 : 1;
    assert.throws(() => nodeOptionsFromFlags({ [flag]: value }), (err: unknown) => err instanceof UsageError && err.message === `--${flag} must be an integer from ${min} to 65535, got "${value}"`, `${flag} ${value}`);
  }
});

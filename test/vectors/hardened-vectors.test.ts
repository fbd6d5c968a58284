/** asoc-hardened's frozen vectors: the core, with either crypto backend, sends exactly the bytes on file. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKENDS } from '../../src/crypto/backend.ts';
import { computeHardenedVectors, readHardenedVectors } from '../../src/vectors/hardened-vectors.ts';

const frozen = readHardenedVectors();

for (const [name, backend] of Object.entries(BACKENDS)) {
  test(`asoc-hardened sends the frozen vectors' bytes (${name})`, () => {
    assert.deepEqual(computeHardenedVectors(backend, frozen.inputs), frozen);
  });
}

test('the frozen cases cover both suites, a pinned and an unpinned HELLO, and differ where they should', () => {
  assert.deepEqual(frozen.cases.map((c) => [c.profile, c.pinned]), [['asoc-hardened', true], ['asoc-hardened', false], ['asoc-hardened/encrypted', true]]);
  const [pinned, unpinned, encrypted] = frozen.cases;
  assert.notEqual(pinned!.client_wire.slice(0, 134), unpinned!.client_wire.slice(0, 134), 'the HELLO MAC covers the intended server');
  assert.ok(pinned!.client_wire.includes(pinned!.data), 'the integrity suite sends the data in the clear');
  assert.ok(!encrypted!.client_wire.includes(encrypted!.data), 'the encrypted suite does not');
});

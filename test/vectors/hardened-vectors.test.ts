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

test('the frozen cases cover both suites, a pinned and an unpinned HELLO, data in DATA and in END, and differ where they should', () => {
  assert.deepEqual(frozen.cases.map((c) => [c.profile, c.pinned, c.data_in_end]), [
    ['asoc-hardened', true, false],
    ['asoc-hardened', false, false],
    ['asoc-hardened/encrypted', true, false],
    ['asoc-hardened/x25519', true, false],
    ['asoc-hardened', true, true],
    ['asoc-hardened/encrypted', true, true],
  ]);
  const [pinned, unpinned, encrypted, forwardSecret] = frozen.cases;
  assert.notEqual(pinned!.client_wire.slice(0, 134), unpinned!.client_wire.slice(0, 134), 'the HELLO MAC covers the intended server');
  assert.ok(pinned!.client_wire.includes(pinned!.data), 'the integrity suite sends the data in the clear');
  assert.ok(!encrypted!.client_wire.includes(encrypted!.data), 'the encrypted suite does not');
  assert.ok(!forwardSecret!.client_wire.includes(forwardSecret!.data), 'nor does the forward-secret suite');
});

test("the forward-secret case's key shares are RFC 7748 §6.1's public keys for its two secrets (an outside check of the X25519 bytes)", () => {
  assert.equal(frozen.inputs.client_ephemeral, '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  assert.equal(frozen.inputs.server_ephemeral, '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  const forwardSecret = frozen.cases.find((c) => c.profile === 'asoc-hardened/x25519')!;
  // After the 14-byte header: HELLO's share follows node id, nonce, timestamp and suite (37 bytes); ACCEPT's follows node id, nonce and suite (33).
  assert.equal(forwardSecret.client_wire.slice(2 * (14 + 37), 2 * (14 + 37 + 32)), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assert.equal(forwardSecret.server_wire.slice(2 * (14 + 33), 2 * (14 + 33 + 32)), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
});

test('END carrying the data: the same bytes up to FINISH, then one frame (header and tag) fewer; the receipt is the same', () => {
  for (const profile of ['asoc-hardened', 'asoc-hardened/encrypted']) {
    const [separate, inEnd] = [false, true].map((dataInEnd) => frozen.cases.find((c) => c.profile === profile && c.pinned && c.data_in_end === dataInEnd)!);
    const finishEnd = 2 * (14 + 53 + 14 + 16); // HELLO, then FINISH
    assert.equal(inEnd!.client_wire.slice(0, finishEnd), separate!.client_wire.slice(0, finishEnd), profile);
    assert.equal(separate!.client_wire.length - inEnd!.client_wire.length, 2 * (14 + 16), profile);
    const endHeader = inEnd!.client_wire.slice(finishEnd, finishEnd + 2 * 14);
    assert.equal(endHeader, `02020000000100000000${(inEnd!.data.length / 2 + 16).toString(16).padStart(8, '0')}`, `${profile}: END, stream 1, seq 0, data and tag`);
    assert.equal(inEnd!.server_wire, separate!.server_wire, `${profile}: the receipt counts the same bytes and one frame`);
  }
});

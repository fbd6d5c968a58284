import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nobleBackend, nodeBackend, type CryptoBackend } from '../../src/crypto/backend.ts';
import { GcmFrameProtection } from '../../src/core/frame-protection.ts';
import { concat } from '../support/pair.ts';

const KEY_A = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

/** Two ends of one direction: what `sender` seals, `receiver` opens. */
function ends(sealWith: CryptoBackend, openWith: CryptoBackend, encrypt: boolean) {
  return {
    sender: new GcmFrameProtection(sealWith.aes256gcm, { send: KEY_A, receive: KEY_B }, encrypt),
    receiver: new GcmFrameProtection(openWith.aes256gcm, { send: KEY_B, receive: KEY_A }, encrypt),
  };
}

const header = fc.uint8Array({ minLength: 14, maxLength: 14 });
const payload = fc.uint8Array({ maxLength: 4096 });
const backends = fc.constantFrom<[CryptoBackend, CryptoBackend]>([nodeBackend, nodeBackend], [nodeBackend, nobleBackend], [nobleBackend, nodeBackend]);

test('property: seal then open gives the payload back, for both suites and across backends', () => {
  fc.assert(
    fc.property(backends, fc.boolean(), fc.array(fc.tuple(header, payload), { minLength: 1, maxLength: 5 }), ([a, b], encrypt, frames) => {
      const { sender, receiver } = ends(a, b, encrypt);
      for (const [h, p] of frames) {
        const body = concat(sender.seal(h, p));
        assert.equal(body.length, p.length + 16);
        assert.deepEqual(receiver.open(h, body), p);
      }
    }),
    { numRuns: 150 },
  );
});

test('property: any flipped bit in header, body or tag makes open fail', () => {
  fc.assert(
    fc.property(fc.boolean(), header, payload, fc.nat(), fc.integer({ min: 0, max: 7 }), (encrypt, h, p, at, bit) => {
      const { sender, receiver } = ends(nodeBackend, nodeBackend, encrypt);
      const body = concat(sender.seal(h, p));
      const whole = concat([h, body]);
      const index = at % whole.length;
      whole[index]! ^= 1 << bit;
      assert.equal(receiver.open(whole.subarray(0, 14), whole.subarray(14)), null);
    }),
    { numRuns: 300 },
  );
});

test('the frame counter is the nonce: the same frame opened twice, or frames out of order, fail', () => {
  const { sender, receiver } = ends(nodeBackend, nodeBackend, false);
  const h = new Uint8Array(14);
  const first = concat(sender.seal(h, Uint8Array.of(1)));
  const second = concat(sender.seal(h, Uint8Array.of(2)));
  assert.equal(receiver.open(h, second), null, 'second before first');
  const fresh = ends(nodeBackend, nodeBackend, false).receiver;
  assert.deepEqual(fresh.open(h, first), Uint8Array.of(1));
  assert.equal(fresh.open(h, first), null, 'the same frame again');
});

test('a body shorter than a tag does not open', () => {
  const { receiver } = ends(nodeBackend, nodeBackend, true);
  assert.equal(receiver.open(new Uint8Array(14), new Uint8Array(15)), null);
});

test('property: a body taken in pieces cut anywhere (tag split too) opens to the same payload; a flipped bit still fails', () => {
  fc.assert(
    fc.property(backends, fc.boolean(), header, payload, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), ([a, b], encrypt, h, p, cuts, flip) => {
      const { sender, receiver } = ends(a, b, encrypt);
      const body = concat(sender.seal(h, p));
      if (flip) body[body.length - 1]! ^= 0x80;
      const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((x, y) => x - y);
      const opener = receiver.beginOpen(h, body.length);
      let at = 0;
      for (const point of [...points, body.length]) {
        opener.take(body.subarray(at, point));
        at = point;
      }
      const pieces = opener.finish();
      if (flip) assert.equal(pieces, null);
      else assert.deepEqual(concat(pieces!), p);
    }),
    { numRuns: 200 },
  );
});

test('integrity suite: the payload comes back as views of the input, not copies', () => {
  const { sender, receiver } = ends(nodeBackend, nodeBackend, false);
  const h = new Uint8Array(14);
  const body = concat(sender.seal(h, new Uint8Array(4096).fill(3)));
  const opener = receiver.beginOpen(h, body.length);
  opener.take(body.subarray(0, 1000));
  opener.take(body.subarray(1000));
  const pieces = opener.finish()!;
  assert.deepEqual(pieces.map((piece) => piece.buffer === body.buffer), [true, true]);
  const whole = concat(sender.seal(h, new Uint8Array(4096).fill(4)));
  const opened = receiver.open(h, whole)!;
  assert.deepEqual([opened.buffer === whole.buffer, opened.length], [true, 4096], 'a body opened whole: its payload is a view too');
});

/** A rekey after `afterBytes`, the next key a hash of the last (any one-way function does for the test). */
function rekeyAfter(afterBytes: number) {
  return { afterBytes, next: (key: Uint8Array) => nodeBackend.sha256(key) };
}

test('rekey: both ends replace the key at the same frame, so every frame opens; the key really changes; usage counts it', () => {
  for (const encrypt of [false, true]) {
    const sender = new GcmFrameProtection(nodeBackend.aes256gcm, { send: KEY_A, receive: KEY_B }, encrypt, rekeyAfter(100));
    const receiver = new GcmFrameProtection(nodeBackend.aes256gcm, { send: KEY_B, receive: KEY_A }, encrypt, rekeyAfter(100));
    const stale = new GcmFrameProtection(nodeBackend.aes256gcm, { send: KEY_B, receive: KEY_A }, encrypt);
    const h = new Uint8Array(14);
    const p = new Uint8Array(36).fill(7); // 50 bytes a frame: the key changes after every second frame
    for (let i = 0; i < 6; i++) {
      const body = concat(sender.seal(h, p));
      assert.deepEqual(receiver.open(h, body), p, `frame ${i}`);
      assert.equal(stale.open(h, body) !== null, i < 2, `frame ${i} opens without the rekey only under the first key`);
    }
    assert.deepEqual(sender.usage, { keyUpdates: 3, mostBytesUnderOneKey: 100 });
    assert.deepEqual(receiver.usage, { keyUpdates: 3, mostBytesUnderOneKey: 100 });
  }
});

test('a direction that has protected maxFrames frames is exhausted, and refuses to seal or open one more', () => {
  const { sender } = { sender: new GcmFrameProtection(nodeBackend.aes256gcm, { send: KEY_A, receive: KEY_B }, false, null, 3) };
  const h = new Uint8Array(14);
  for (let i = 0; i < 3; i++) sender.seal(h, new Uint8Array(1));
  assert.equal(sender.exhausted, true);
  assert.throws(() => sender.seal(h, new Uint8Array(1)), /no more than 3 frames/);
});

test('property: contexts made ahead (prepare, at any points, across key changes) seal the same bytes as none, and open them', () => {
  fc.assert(
    fc.property(backends, fc.boolean(), fc.array(fc.tuple(payload, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 12 }), ([a, b], encrypt, frames) => {
      const plainSender = new GcmFrameProtection(a.aes256gcm, { send: KEY_A, receive: KEY_B }, encrypt, rekeyAfter(40));
      const sender = new GcmFrameProtection(a.aes256gcm, { send: KEY_A, receive: KEY_B }, encrypt, rekeyAfter(40));
      const receiver = new GcmFrameProtection(b.aes256gcm, { send: KEY_B, receive: KEY_A }, encrypt, rekeyAfter(40));
      const h = new Uint8Array(14).fill(9);
      frames.forEach(([p, sealerPrepares, openerPrepares], i) => {
        if (sealerPrepares) sender.prepare();
        if (openerPrepares) receiver.prepare();
        const body = concat(sender.seal(h, p));
        assert.deepEqual(body, concat(plainSender.seal(h, p)), `frame ${i}: the same bytes as without contexts made ahead`);
        assert.deepEqual(receiver.open(h, body), p, `frame ${i}`);
      });
      assert.deepEqual(sender.usage, plainSender.usage);
    }),
    { numRuns: 150 },
  );
});

test('prepare: it leaves nothing to do until a frame uses a context; a context made ahead is never used for another frame', () => {
  const { sender, receiver } = ends(nodeBackend, nodeBackend, false);
  const h = new Uint8Array(14);
  assert.equal(sender.unprepared, true);
  sender.prepare();
  receiver.prepare();
  assert.equal(sender.unprepared, false);
  const first = concat(sender.seal(h, Uint8Array.of(1)));
  assert.equal(sender.unprepared, true, 'the first frame used one');
  const second = concat(sender.seal(h, Uint8Array.of(2)));
  // Each context made ahead belongs to one counter: the second frame fails at counter 0, opens at
  // counter 1, and the first then fails at counter 2.
  assert.equal(receiver.open(h, second), null);
  assert.deepEqual(receiver.open(h, second), Uint8Array.of(2));
  assert.equal(receiver.open(h, first), null);
});

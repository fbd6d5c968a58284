import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, CHARGE_EVERY_FAILURE, CHARGE_NOTHING, CHARGE_OWN_FAILURES, DEFAULT_ADMISSION, addressGroup } from '../../src/core/admission.ts';

const MINUTE = 60_000;

function failTimes(admission: Admission, address: string, times: number[]): void {
  for (const at of times) admission.recordAuthFailure(address, at);
}

test('defaults are those of RFC-0001 §10.4', () => {
  assert.deepEqual(DEFAULT_ADMISSION, { maxConnections: 100, maxAuthFailures: 5, failureWindowMs: MINUTE, lockoutMs: 5 * MINUTE, maxTrackedAddresses: 10_000, maxHandshakingPerAddress: Infinity, charges: CHARGE_EVERY_FAILURE, reservedForKnownPeers: 0, maxKnownPeers: 10_000, spareKnownPeers: false, evictSilentUnderLoad: false, groupIpv6By64: false });
});

test('reserved slots: an unknown address is refused once only the reserved ones are left; a known peer (inbound or dialled) still gets one', () => {
  const admission = new Admission({ maxConnections: 10, reservedForKnownPeers: 3 });
  admission.tryAdmit('10.0.0.1', 0);
  admission.established('10.0.0.1');
  admission.knownPeer('10.0.0.2');
  admission.release('10.0.0.1', true);
  const strangers = Array.from({ length: 10 }, (_, i) => admission.tryAdmit(`10.9.0.${i}`, 0));
  assert.equal(strangers.filter((v) => v === 'ok').length, 7, 'strangers take 10 − 3 slots');
  assert.equal(strangers[7], 'too-many-connections');
  assert.deepEqual([admission.tryAdmit('10.0.0.1', 0), admission.tryAdmit('10.0.0.2', 0), admission.tryAdmit('10.0.0.1', 0)], ['ok', 'ok', 'ok']);
  assert.equal(admission.tryAdmit('10.0.0.2', 0), 'too-many-connections', 'all 10 taken: known peers get no more than there are');
  assert.throws(() => new Admission({ maxConnections: 10, reservedForKnownPeers: 10 }), RangeError);
});

test('spareKnownPeers: a known peer\'s address is charged nothing and never locked out; a stranger\'s still is, and without the setting so is a known one', () => {
  const spared = new Admission({ spareKnownPeers: true, maxAuthFailures: 2, groupIpv6By64: true });
  spared.knownPeer('10.0.0.2');
  spared.knownPeer('2001:db8:0:2::1');
  failTimes(spared, '10.0.0.2', [0, 1, 2, 3, 4]);
  failTimes(spared, '2001:db8:0:2::77', [0, 1, 2]);
  failTimes(spared, '10.0.0.9', [0, 1]);
  assert.deepEqual([spared.isLockedOut('10.0.0.2', 5), spared.isLockedOut('2001:db8:0:2::1', 5), spared.isLockedOut('10.0.0.9', 5)], [false, false, true]);
  assert.deepEqual([spared.counters.sparedKnownPeerFailures, spared.counters.authFailures, spared.counters.lockouts], [8, 2, 1]);
  const charged = new Admission({ maxAuthFailures: 2 });
  charged.knownPeer('10.0.0.2');
  failTimes(charged, '10.0.0.2', [0, 1]);
  assert.equal(charged.isLockedOut('10.0.0.2', 2), true);
  assert.equal(charged.counters.sparedKnownPeerFailures, 0);
});

test('evictSilentUnderLoad: a newcomer finding every slot taken asks for a silent connection to be closed, and gets its slot; never when refused for anything else', () => {
  const admission = new Admission({ maxConnections: 2, maxHandshakingPerAddress: 1, maxAuthFailures: 1, evictSilentUnderLoad: true });
  const asked: string[] = [];
  const evictOldest = (who: string, found: boolean) => () => {
    asked.push(who);
    if (found) admission.release('10.0.0.1', false);
    return found;
  };
  assert.deepEqual([admission.tryAdmit('10.0.0.1', 0), admission.tryAdmit('10.0.0.2', 0)], ['ok', 'ok']);
  assert.equal(admission.tryAdmit('10.0.0.3', 0, evictOldest('3', true)), 'ok', 'the silent one from 10.0.0.1 gave its slot');
  assert.equal(admission.tryAdmit('10.0.0.4', 0, evictOldest('4', false)), 'too-many-connections', 'no silent connection left');
  assert.equal(admission.tryAdmit('10.0.0.3', 0, evictOldest('3 again', true)), 'too-many-connections', 'at its own cap as well: nobody is evicted for it');
  admission.recordAuthFailure('10.0.0.5', 0);
  assert.equal(admission.tryAdmit('10.0.0.5', 0, evictOldest('5', true)), 'locked-out');
  assert.deepEqual(asked, ['3', '4']);
  assert.deepEqual([admission.counters.silentEvicted, admission.openConnections], [1, 2]);
  const off = new Admission({ maxConnections: 1 });
  off.tryAdmit('10.0.0.1', 0);
  assert.equal(off.tryAdmit('10.0.0.2', 0, () => assert.fail('evicted without the setting')), 'too-many-connections');
});

test('known peers are remembered up to maxKnownPeers, least recently established forgotten first', () => {
  const admission = new Admission({ maxConnections: 2, reservedForKnownPeers: 1, maxKnownPeers: 2 });
  for (const a of ['a', 'b', 'c']) admission.knownPeer(a);
  assert.equal(admission.knownPeers, 2);
  admission.tryAdmit('stranger', 0);
  assert.deepEqual([admission.tryAdmit('a', 0), admission.tryAdmit('c', 0)], ['too-many-connections', 'ok'], 'a was forgotten, c is known');
});

test('IPv6 grouped by /64: one host\'s addresses share its per-address limits and its lockout', () => {
  const grouped = new Admission({ maxHandshakingPerAddress: 2, groupIpv6By64: true, maxAuthFailures: 2 });
  assert.deepEqual(['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::9'].map((a) => grouped.tryAdmit(a, 0)), ['ok', 'ok', 'too-many-handshakes']);
  assert.equal(grouped.tryAdmit('2001:db8:1:3::1', 0), 'ok', 'another /64');
  grouped.recordAuthFailure('2001:db8:9:9::1', 0);
  grouped.recordAuthFailure('2001:db8:9:9::2', 0);
  assert.equal(grouped.isLockedOut('2001:db8:9:9:abcd::7', 1), true);
  const apart = new Admission({ maxHandshakingPerAddress: 2 });
  assert.deepEqual(['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::9'].map((a) => apart.tryAdmit(a, 0)), ['ok', 'ok', 'ok']);
  assert.deepEqual(['10.0.0.1', '::ffff:10.0.0.1', '2001:0db8:0001:0002:aaaa::1', 'fe80::1%eth0'].map(addressGroup), ['10.0.0.1', '10.0.0.1', '2001:db8:1:2::/64', 'fe80:0:0:0::/64']);
});

test('charges: by close reason and by what the peer had shown; a full replay cache and a transport close never count', () => {
  const every = new Admission();
  for (const evidence of ['nothing', 'mac', 'key'] as const) {
    for (const reason of ['auth-failed', 'replay', 'handshake-timeout', 'expected-hello', 'integrity-failed'] as const) assert.equal(every.charges(reason, evidence), true, `${reason} ${evidence}`);
    for (const reason of ['replay-cache-full', 'transport-closed', 'local'] as const) assert.equal(every.charges(reason, evidence), false, `${reason} ${evidence}`);
  }
  const none = new Admission({ charges: CHARGE_NOTHING });
  assert.equal(none.charges('auth-failed', 'nothing'), false);
  const own = new Admission({ charges: CHARGE_OWN_FAILURES });
  const charged = (reason: Parameters<Admission['charges']>[0], evidence: Parameters<Admission['charges']>[1]) => own.charges(reason, evidence);
  assert.deepEqual(
    [charged('auth-failed', 'nothing'), charged('handshake-timeout', 'nothing'), charged('expected-hello', 'nothing'), charged('replay', 'key')],
    [true, true, true, true],
    'a peer that showed nothing of the key, or proved it and then failed',
  );
  assert.deepEqual(
    [charged('replay', 'mac'), charged('stale', 'mac'), charged('handshake-timeout', 'mac'), charged('integrity-failed', 'mac'), charged('expected-finish', 'mac')],
    [false, false, false, false, false],
    'between a verified MAC and the proof of the key: a copy of another\'s HELLO, or a frame altered on the path',
  );
  const byEvidence = new Admission({ charges: { nothing: ['auth-failed'], mac: [], key: ['replay'] } });
  assert.deepEqual([byEvidence.charges('auth-failed', 'nothing'), byEvidence.charges('replay', 'mac'), byEvidence.charges('replay', 'key')], [true, false, true]);
});

test('at most 100 connections at once by default; a release makes room', () => {
  const admission = new Admission();
  const verdicts = Array.from({ length: 101 }, (_, i) => admission.tryAdmit(`10.0.${i >> 8}.${i & 0xff}`, 0));
  assert.equal(verdicts.filter((v) => v === 'ok').length, 100);
  assert.equal(verdicts[100], 'too-many-connections');
  admission.release('10.0.0.0', false);
  assert.equal(admission.tryAdmit('10.1.0.0', 1), 'ok');
  assert.equal(admission.openConnections, 100);
  assert.deepEqual(admission.counters.refused, { 'too-many-connections': 1, 'locked-out': 0, 'too-many-handshakes': 0 });
});

test('peakOpen is the high-water mark of open connections: it keeps a peak that releases have undone since', () => {
  const admission = new Admission({ maxConnections: 3 });
  assert.equal(admission.peakOpen, 0);
  for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) admission.tryAdmit(address, 0);
  assert.equal(admission.peakOpen, 3, 'a refused connection does not count');
  admission.release('10.0.0.1', false);
  admission.release('10.0.0.2', false);
  assert.equal(admission.openConnections, 1);
  assert.equal(admission.peakOpen, 3);
  admission.tryAdmit('10.0.0.5', 1);
  assert.equal(admission.peakOpen, 3);
});

test('release without an admitted connection is a driver bug', () => {
  assert.throws(() => new Admission().release('10.0.0.1', false), /without an admitted connection/);
});

test('a per-address cap on handshaking connections (asoc-hardened) leaves room for others, and established ones no longer count', () => {
  const admission = new Admission({ maxHandshakingPerAddress: 2 });
  assert.equal(admission.tryAdmit('10.0.0.9', 0), 'ok');
  assert.equal(admission.tryAdmit('10.0.0.9', 0), 'ok');
  assert.equal(admission.tryAdmit('10.0.0.9', 0), 'too-many-handshakes');
  assert.equal(admission.tryAdmit('10.0.0.8', 0), 'ok', 'another address is not affected');
  admission.established('10.0.0.9');
  assert.equal(admission.tryAdmit('10.0.0.9', 1), 'ok', 'an established connection frees its handshake slot');
  admission.release('10.0.0.9', false);
  assert.equal(admission.tryAdmit('10.0.0.9', 2), 'ok', 'so does one that closed during its handshake');
  assert.equal(admission.tryAdmit('10.0.0.9', 2), 'too-many-handshakes');
  assert.equal(admission.counters.refused['too-many-handshakes'], 2);
  assert.throws(() => admission.established('10.0.0.7'), /no connection from 10.0.0.7/);
});

test('5 failed authentications within a minute lock the address out for 5 minutes; then it may try again', () => {
  const admission = new Admission();
  failTimes(admission, '10.0.0.6', [0, 1_000, 2_000, 3_000]);
  assert.equal(admission.tryAdmit('10.0.0.6', 3_500), 'ok', 'four failures are allowed');
  admission.recordAuthFailure('10.0.0.6', 4_000);
  assert.equal(admission.tryAdmit('10.0.0.6', 4_001), 'locked-out');
  assert.equal(admission.tryAdmit('10.0.0.7', 4_001), 'ok', 'other addresses are not affected');
  assert.equal(admission.tryAdmit('10.0.0.6', 4_000 + 5 * MINUTE - 1), 'locked-out');
  assert.equal(admission.tryAdmit('10.0.0.6', 4_000 + 5 * MINUTE), 'ok');
  assert.equal(admission.trackedAddresses, 0, 'an expired lockout is forgotten');

  // After the lockout the count starts over: 4 new failures do not lock it again.
  failTimes(admission, '10.0.0.6', [400_000, 400_001, 400_002, 400_003]);
  assert.equal(admission.tryAdmit('10.0.0.6', 400_004), 'ok');
  assert.deepEqual({ lockouts: admission.counters.lockouts, authFailures: admission.counters.authFailures }, { lockouts: 1, authFailures: 9 });
});

test('the failure window slides: only failures in the last 60 s count', () => {
  const admission = new Admission();
  failTimes(admission, '10.0.0.6', [0, 20_000, 40_000, 60_000, 61_000]); // the one at 0 has left the window at 60 s
  assert.equal(admission.tryAdmit('10.0.0.6', 61_001), 'ok');
  admission.recordAuthFailure('10.0.0.6', 62_000); // 20, 40, 60, 61, 62 s
  assert.equal(admission.tryAdmit('10.0.0.6', 62_001), 'locked-out');
});

test('a lockout is checked before the connection limit', () => {
  const admission = new Admission({ maxConnections: 1 });
  assert.equal(admission.tryAdmit('10.0.0.1', 0), 'ok');
  failTimes(admission, '10.0.0.6', [0, 0, 0, 0, 0]);
  assert.equal(admission.tryAdmit('10.0.0.6', 1), 'locked-out');
  assert.equal(admission.tryAdmit('10.0.0.7', 1), 'too-many-connections');
});

test('every number is configurable', () => {
  const admission = new Admission({ maxConnections: 2, maxAuthFailures: 2, failureWindowMs: 1_000, lockoutMs: 10_000 });
  failTimes(admission, 'a', [0, 999]);
  assert.equal(admission.tryAdmit('a', 1_000), 'locked-out');
  assert.equal(admission.tryAdmit('a', 10_999), 'ok');
  failTimes(admission, 'b', [0, 1_000]);
  assert.equal(admission.tryAdmit('b', 1_000), 'ok', 'failures 1 s apart are not within a 1 s window');
  assert.equal(admission.tryAdmit('c', 1_000), 'too-many-connections');
  assert.throws(() => new Admission({ lockoutMs: 0 }), RangeError);
});

test('the address table is bounded: past maxTrackedAddresses the least recently active address is forgotten', () => {
  const admission = new Admission({ maxTrackedAddresses: 3 });
  failTimes(admission, 'locked', [0, 0, 0, 0, 0]);
  failTimes(admission, 'a', [1]);
  failTimes(admission, 'b', [2]);
  assert.equal(admission.tryAdmit('locked', 3), 'locked-out'); // knocking keeps it recent
  failTimes(admission, 'c', [4, 4, 4, 4]); // 4 failures: 'a' is evicted
  assert.equal(admission.trackedAddresses, 3);
  assert.equal(admission.counters.evictions, 1);
  assert.equal(admission.tryAdmit('locked', 5), 'locked-out');

  // A flood of failing addresses stays within the bound, at the documented price: what it pushed
  // out is forgotten, the partial count of 'c' and even the lockout.
  for (let i = 0; i < 1_000; i++) admission.recordAuthFailure(`flood-${i}`, 6);
  assert.equal(admission.trackedAddresses, 3);
  assert.equal(admission.counters.evictions, 1_001);
  admission.recordAuthFailure('c', 7);
  assert.equal(admission.tryAdmit('c', 8), 'ok', 'the fifth failure of an evicted address starts a new count');
  assert.equal(admission.tryAdmit('locked', 8), 'ok', 'an evicted lockout is lifted');
});

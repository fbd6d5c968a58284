import assert from 'node:assert/strict';
import { test } from 'node:test';
import connectionFlood from '../../../attacks/simulated/connection-flood.ts';
import { ASOC_HARDENED } from '../../../src/core/profile.ts';
import { runAttack, observedVerdict } from './run-attack.ts';

test('connection flood (v1): 150 silent connections, at most 100 held; the 50 beyond are refused; a legitimate client is served once the held slots time out', () => {
  const out = runAttack(connectionFlood, 'asoc-v1', { connections: 150, addresses: 30, mode: 'hold', observeMs: 13_000 });
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.attackerConnectionsOpened, 150);
  assert.equal(out.counts.maxOpenAtServer, 100);
  assert.equal(out.counts.handshakeTimeouts, 100, 'every held slot was freed by the 10 s handshake timeout');
  assert.equal(out.counts.refusedTooMany! - out.counts.legitRefused!, 50, 'the attacker connections beyond the cap were refused');
  const servedAfter = out.figures.firstLegitServedAfterAttackStartMs!;
  assert.ok(servedAfter > 10_000 && servedAfter < 11_500, `legitimate client first served ${servedAfter} ms after the flood began`);
});

test('slow handshake (v1): re-opened silent connections starve a legitimate client until the per-address lockouts (5 timeouts each) free the slots', () => {
  const out = runAttack(connectionFlood, 'asoc-v1', { mode: 'reconnect', durationMs: 30_000, legitServedWithinMs: 15_000, observeMs: 25_000 });
  assert.equal(observedVerdict(out, 'S10'), 'PARTIAL');
  assert.equal(out.counts.maxOpenAtServer, 100);
  assert.equal(out.counts.lockouts, 30, 'every attacker address locked out');
  const servedAfter = out.figures.firstLegitServedAfterAttackStartMs!;
  assert.ok(servedAfter > 20_000 && servedAfter < 21_500, `legitimate client first served ${servedAfter} ms after the attack began (two handshake timeouts)`);
  // With a looser bound the same run counts as holding: the verdict follows the observation.
  assert.equal(observedVerdict(runAttack(connectionFlood, 'asoc-v1', { mode: 'reconnect', durationMs: 30_000, legitServedWithinMs: 25_000, observeMs: 25_000 }), 'S10'), 'HOLDS');
});

test('slow handshake (hardened): the client takes the slot of the oldest silent connection at once; without that, the 5 s timeout lets it in after two timeouts, not four', () => {
  const flood = { mode: 'reconnect', durationMs: 15_000, legitServedWithinMs: 15_000, observeMs: 13_000 };
  const out = runAttack(connectionFlood, 'asoc-hardened', flood);
  assert.equal(observedVerdict(out, 'S10'), 'HOLDS');
  assert.equal(out.counts.maxOpenAtServer, 80, 'strangers take at most 100 − the 20 slots kept for known peers');
  assert.ok(out.counts.silentEvicted! > 0);
  assert.ok(out.figures.firstLegitServedAfterAttackStartMs! < 1_000);
  const noEviction = { ...ASOC_HARDENED, admission: { ...ASOC_HARDENED.admission, evictSilentUnderLoad: false } };
  const waited = connectionFlood.run({ profile: noEviction, seed: 1, params: connectionFlood.params.parse(flood) });
  assert.equal(waited.counts.silentEvicted, 0);
  const servedAfter = waited.figures.firstLegitServedAfterAttackStartMs!;
  assert.ok(servedAfter > 10_000 && servedAfter < 11_500, `served ${servedAfter} ms after the attack began`);
});

test('single-address flood: v1 lets one address hold all 100 slots; hardened admits 8 handshakes per address and serves the client at once', () => {
  const flood = { connections: 150, addresses: 1, legitServedWithinMs: 5_000, observeMs: 12_000 };
  const v1 = runAttack(connectionFlood, 'asoc-v1', flood);
  assert.equal(observedVerdict(v1, 'S10'), 'PARTIAL');
  assert.equal(v1.counts.maxOpenAtServer, 100);
  const hardened = runAttack(connectionFlood, 'asoc-hardened', flood);
  assert.equal(observedVerdict(hardened, 'S10'), 'HOLDS');
  // 8 handshakes from the attacker's address and the legitimate client's (the 50 ms sampling this replaced missed it).
  assert.equal(hardened.counts.maxOpenAtServer, 9);
  assert.equal(hardened.counts.refusedTooManyHandshakes, 142);
  assert.ok(hardened.figures.firstLegitServedAfterAttackStartMs! < 1_000);
});

test('connection flood: the cap judged is the claimed one, whatever the server enforces, and the peak is its exact high-water mark', () => {
  const out = runAttack(connectionFlood, 'asoc-v1', { connections: 60, addresses: 12, serverMaxConnections: 40, observeMs: 3_000 });
  assert.deepEqual([out.figures.claimedConnectionCap, out.figures.serverConnectionCap], [100, 40]);
  assert.equal(out.counts.maxOpenAtServer, 40);
  assert.equal(out.counts.refusedTooMany! - out.counts.legitRefused!, 20);
  assert.equal(observedVerdict(out, 'S10'), 'PARTIAL', 'the client is starved for the 10 s handshake timeout, beyond the 3 s observed');
});

test('connection flood (reference): no cap at all, so all 150 are held and the legitimate client walks in beside them; the claimed 100 is exceeded', () => {
  const out = runAttack(connectionFlood, 'asoc-v1/reference', { connections: 150, addresses: 30, mode: 'hold', observeMs: 3_000 });
  assert.equal(observedVerdict(out, 'S10'), 'FAILS');
  assert.equal(out.figures.serverConnectionCap, -1);
  assert.equal(out.counts.maxOpenAtServer, 151, '150 attacker connections and the first probe');
  assert.equal(out.counts.refusedTooMany, 0);
  assert.ok(out.figures.firstLegitServedAfterAttackStartMs! < 1_000);
  const lower = runAttack(connectionFlood, 'asoc-v1/reference', { connections: 90, addresses: 30, mode: 'hold', observeMs: 3_000, claimedMaxConnections: 200 });
  assert.equal(observedVerdict(lower, 'S10'), 'HOLDS', 'judged against a claim of 200, 91 held is within it');
});

test('slow handshake (reference): silent connections are closed at the 10 s timeout and their addresses never locked out', () => {
  const out = runAttack(connectionFlood, 'asoc-v1/reference', { mode: 'reconnect', durationMs: 15_000, observeMs: 14_000 });
  assert.equal(out.counts.lockouts, 0);
  assert.equal(out.counts.unauthenticatedFailures, 0);
  assert.equal(out.counts.handshakeTimeouts, 150, 'the first 150 timed out at 10 s; their replacements were still within theirs');
  assert.equal(observedVerdict(out, 'S10'), 'FAILS');
});

test('connection flood: a run is a function of its seed (same trace hash twice, another for another seed)', () => {
  const flood = { connections: 120, addresses: 12, observeMs: 3_000 };
  const first = runAttack(connectionFlood, 'asoc-v1', flood, 7).traceHash;
  assert.equal(runAttack(connectionFlood, 'asoc-v1', flood, 7).traceHash, first);
  assert.notEqual(runAttack(connectionFlood, 'asoc-v1', flood, 8).traceHash, first);
});

test('known peer under a flood (hardened): 13 addresses × 8 handshakes fill what strangers may take; the 20 slots kept for known peers serve the client at once', () => {
  const flood = { connections: 104, addresses: 13, mode: 'reconnect', retryDelayMs: 50, durationMs: 8_000, legitKnown: true, legitServedWithinMs: 1_000, observeMs: 6_000 };
  const hardened = runAttack(connectionFlood, 'asoc-hardened', flood);
  assert.equal(observedVerdict(hardened, 'H6'), 'HOLDS');
  assert.ok(hardened.counts.maxOpenAtServer! <= 81, `strangers held at most 80 (and the client 1), got ${hardened.counts.maxOpenAtServer}`);
  assert.ok(hardened.figures.firstLegitServedAfterAttackStartMs! < 1_000);
  const v1 = runAttack(connectionFlood, 'asoc-v1', flood);
  assert.equal(observedVerdict(v1, 'H6'), 'FAILS', 'v1 keeps no slot: the known client waits for a timeout');
  assert.equal(v1.counts.maxOpenAtServer, 100);
});

test('IPv6 /64 flood: hardened counts 30 addresses of one /64 as one, admits 8 handshakes from them all and serves a stranger at once; v1 lets them hold every slot', () => {
  const flood = { connections: 150, addresses: 30, ipv6: true, legitServedWithinMs: 2_000, observeMs: 6_000 };
  const hardened = runAttack(connectionFlood, 'asoc-hardened', flood);
  assert.deepEqual([observedVerdict(hardened, 'H6'), observedVerdict(hardened, 'S10')], ['HOLDS', 'HOLDS']);
  assert.equal(hardened.counts.refusedTooManyHandshakes, 142, '8 of the /64 admitted, the other 142 refused');
  assert.equal(hardened.counts.maxOpenAtServer, 9, "the /64's 8 and the client's probe");
  assert.ok(hardened.figures.firstLegitServedAfterAttackStartMs! < 1_000);
  const v1 = runAttack(connectionFlood, 'asoc-v1', flood);
  assert.deepEqual([observedVerdict(v1, 'H6'), observedVerdict(v1, 'S10')], ['FAILS', 'PARTIAL']);
  assert.equal(v1.counts.maxOpenAtServer, 100);
  assert.equal(v1.counts.refusedTooManyHandshakes, 0);
});

test('IPv6 /64 flood against hardened counting every IPv6 address on its own (as before the grouping, and without taking slots from silence): 5 each from 30 addresses fill what strangers may take', () => {
  const ungrouped = { ...ASOC_HARDENED, admission: { ...ASOC_HARDENED.admission, groupIpv6By64: false, evictSilentUnderLoad: false } };
  const params = connectionFlood.params.parse({ connections: 150, addresses: 30, ipv6: true, legitServedWithinMs: 2_000, observeMs: 6_000 });
  const out = connectionFlood.run({ profile: ungrouped, seed: 1, params });
  assert.equal(observedVerdict(out, 'H6'), 'FAILS');
  assert.equal(out.counts.maxOpenAtServer, 80, 'every slot not kept for known peers');
  assert.equal(out.counts.refusedTooManyHandshakes, 0);
  assert.ok(out.figures.firstLegitServedAfterAttackStartMs! > 5_000, 'the client waited for the 5 s handshake timeout');
  // Eviction under load (H9) serves the client by another way; the counts still show the /64 was not grouped.
  const evicting = connectionFlood.run({ profile: { ...ASOC_HARDENED, admission: { ...ASOC_HARDENED.admission, groupIpv6By64: false } }, seed: 1, params });
  assert.equal(observedVerdict(evicting, 'H6'), 'HOLDS');
  assert.deepEqual([evicting.counts.maxOpenAtServer, evicting.counts.refusedTooManyHandshakes], [80, 0]);
  assert.ok(evicting.counts.silentEvicted! > 0);
});

test('stranger under a flood: 13 addresses × 8 silent connections hold every slot open to strangers; hardened gives the client the slot of the oldest silent one, v1 and hardened without eviction keep it waiting', () => {
  const flood = { connections: 104, addresses: 13, mode: 'reconnect', retryDelayMs: 50, durationMs: 8_000, legitServedWithinMs: 1_000, observeMs: 6_000 };
  const hardened = runAttack(connectionFlood, 'asoc-hardened', flood);
  assert.equal(observedVerdict(hardened, 'H9'), 'HOLDS');
  assert.ok(hardened.counts.silentEvicted! > 0);
  assert.equal(hardened.counts.maxOpenAtServer, 80, 'eviction frees a slot before it is given: the cap never moves');
  assert.ok(hardened.figures.firstLegitServedAfterAttackStartMs! < 1_000);
  const noEviction = { ...ASOC_HARDENED, admission: { ...ASOC_HARDENED.admission, evictSilentUnderLoad: false } };
  const before = connectionFlood.run({ profile: noEviction, seed: 1, params: connectionFlood.params.parse(flood) });
  assert.equal(observedVerdict(before, 'H9'), 'FAILS');
  assert.equal(before.counts.silentEvicted, 0);
  const v1 = runAttack(connectionFlood, 'asoc-v1', flood);
  assert.equal(observedVerdict(v1, 'H9'), 'FAILS');
  assert.equal(v1.counts.silentEvicted, 0);
});

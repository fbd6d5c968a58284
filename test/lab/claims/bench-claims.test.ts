/**
 * The rules that turn bench results into P1, P5, P6, P7, P8 and D2 verdicts, on fixture results
 * given round by round: steady rounds decide, rounds that straddle a threshold or a noisy machine
 * leave the claim UNDECIDED (with what would decide it), ratios pair the rounds of two protocols.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideOrPending } from '../../../lab/claims/bench-evidence.ts';
import { BenchEvidenceError, decideD2, decideP1, decideP5, decideP6, decideP7, decideP8, p6Verdict } from '../../../lab/claims/bench-claims.ts';
import { pairedRatios } from '../../../lab/claims/bench-rounds.ts';
import type { ClaimResult, Figure } from '../../../lab/claims/verdict.ts';
import { cpuReport, cryptoReport, handshakeReport, KiB, MiB, overhead, pingPongs, QUIET, steady, STOLEN, throughputReport, type PacedSpec } from './bench-fixtures.ts';

const figure = (result: ClaimResult, name: string): Figure => {
  const found = result.figures?.find((f) => f.name === name);
  assert.ok(found, `${result.id} has no figure "${name}" (it has ${result.figures?.map((f) => f.name).join(', ')})`);
  return found;
};

/** raw TCP flipping between two modes ~2× apart from round to round. */
const BIMODAL = [1400, 2900, 1500, 1450, 2800];

// ---------------------------------------------------------------- P1

const sizes = { handshakePayloadBytes: 52, discoveryDatagramBytes: 50 };

test('P1: JWT and gRPC at 450+ B and ≥ 77 % larger than ASoc v1 → HOLDS; byte counts are exact, with their samples', () => {
  const r = decideP1(sizes, handshakeReport({ 'asoc-v1': 80, 'jwt-hs256': [930, 930, 931], 'grpc-stream': 500 }));
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /52 B \(102 B with the 50-byte discovery datagram\)/);
  assert.match(r.summary, /jwt-hs256 930 B \(91 % smaller\)/);
  assert.match(r.summary, /grpc-stream 500 B \(84 % smaller\)/);
  const jwt = figure(r, 'jwt-hs256 handshake above TCP');
  assert.equal(jwt.interval, null);
  assert.deepEqual(jwt.samples, [930, 930, 931]);
  assert.equal(jwt.verdict, 'HOLDS');
  assert.equal(r.toDecide, undefined);
  assert.match(r.measured ?? '', /JWT\/gRPC 500 B–930 B, asoc-v1 84 %–91 % smaller \(exact counts\)/);
});

test('P1: a gRPC setup under 450 B makes it PARTIAL and is named as not as claimed', () => {
  const r = decideP1(sizes, handshakeReport({ 'asoc-v1': 80, 'jwt-hs256': 930, 'grpc-stream': 294 }));
  assert.equal(r.verdict, 'PARTIAL');
  assert.match(r.summary, /not as claimed: grpc-stream 294 B \(73 % smaller\)/);
});

test('P1: the thresholds are inclusive: 450 B, and exactly 77 % smaller', () => {
  // 1 − 103.5/450 = 0.77
  assert.equal(decideP1(sizes, handshakeReport({ 'asoc-v1': 103.5, 'jwt-hs256': 450 })).verdict, 'HOLDS');
  assert.equal(decideP1(sizes, handshakeReport({ 'asoc-v1': 104, 'jwt-hs256': 450 })).verdict, 'PARTIAL');
  assert.equal(decideP1(sizes, handshakeReport({ 'asoc-v1': 40, 'jwt-hs256': 449 })).verdict, 'PARTIAL');
});

test('P1: wrong codec sizes and every comparison missed → FAILS; no asoc-v1 or nothing to compare with is a BenchEvidenceError', () => {
  assert.equal(decideP1({ handshakePayloadBytes: 53, discoveryDatagramBytes: 50 }, handshakeReport({ 'asoc-v1': 81, 'grpc-unary': 300 })).verdict, 'FAILS');
  assert.throws(() => decideP1(sizes, handshakeReport({ 'jwt-hs256': 930 })), BenchEvidenceError);
  assert.throws(() => decideP1(sizes, handshakeReport({ 'asoc-v1': 80, 'raw-tcp': 0 })), BenchEvidenceError);
});

// ---------------------------------------------------------------- P5

test('P5: steady rounds at ≤ 100 µs one way (half the round trip) at both sizes → HOLDS, with the interval in `measured`', () => {
  const r = decideP5(pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(180) }, 'raw-tcp': { [KiB]: steady(40), [MiB]: steady(150) } }), QUIET);
  assert.equal(r.verdict, 'HOLDS');
  const kib = figure(r, 'asoc-v1 one-way p50 at 1 KiB');
  assert.deepEqual(kib.samples, steady(30));
  assert.equal(kib.estimate, 30);
  assert.ok(kib.interval && kib.interval.low >= 29 && kib.interval.high <= 31);
  assert.match(r.measured ?? '', /^one-way p50 1 KiB 30 µs \[30 µs, 30 µs\], 1 MiB 90 µs \[89 µs, 91 µs\]/);
  assert.match(r.summary, /1 KiB below its 1\.00 ms–5\.00 ms/);
});

test('P5: met at 1 KiB and missed at 1 MiB, both decided → PARTIAL', () => {
  const r = decideP5(pingPongs({ 'asoc-v1': { [KiB]: steady(180), [MiB]: steady(24_000) }, 'raw-tcp': { [KiB]: steady(100), [MiB]: steady(20_000) } }), QUIET);
  assert.equal(r.verdict, 'PARTIAL');
  assert.match(r.summary, /1 KiB met, 1 MiB missed/);
  assert.match(r.summary, /1 MiB within its 10\.00 ms–20\.00 ms/);
});

test('P5: rounds straddling 100 µs one way leave it UNDECIDED, saying about how many more rounds would decide it', () => {
  const r = decideP5(pingPongs({ 'asoc-v1': { [KiB]: [170, 230, 190, 212, 196], [MiB]: steady(6000) }, 'raw-tcp': { [KiB]: steady(40), [MiB]: steady(5000) } }), QUIET);
  assert.equal(figure(r, 'asoc-v1 one-way p50 at 1 KiB').verdict, 'UNDECIDED');
  assert.equal(figure(r, 'asoc-v1 one-way p50 at 1 MiB').verdict, 'FAILS');
  assert.equal(r.verdict, 'UNDECIDED', 'PARTIAL or FAILS, depending on the 1 KiB part');
  assert.match(r.toDecide ?? '', /^asoc-v1 one-way p50 at 1 KiB: the interval \[85 µs, 115 µs\] straddles 100 µs; about \d+ more rounds would narrow it/);
});

test("P5: raw TCP's own 1 KiB rounds flipping between modes make the 1 KiB part UNDECIDED (machine too noisy); 1 MiB's steady raw TCP still decides", () => {
  const r = decideP5(pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(6000) }, 'raw-tcp': { [KiB]: BIMODAL.map((v) => v / 40), [MiB]: steady(5000) } }), QUIET);
  assert.equal(figure(r, 'asoc-v1 one-way p50 at 1 KiB').verdict, 'UNDECIDED');
  assert.equal(figure(r, 'asoc-v1 one-way p50 at 1 MiB').verdict, 'FAILS');
  assert.equal(r.verdict, 'UNDECIDED');
  assert.match(r.toDecide ?? '', /at 1 KiB: machine too noisy: raw TCP's 1 KiB ping-pong p50 spread 1\.00 across rounds \(bound 0\.5\)/);
});

test('P5: steal above 5 % leaves every timed part UNDECIDED however clear; the same fixture gives the same figures', () => {
  const latency = pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(6000) }, 'raw-tcp': { [KiB]: steady(40), [MiB]: steady(5000) } });
  const stolen = decideP5(latency, STOLEN);
  assert.equal(stolen.verdict, 'UNDECIDED');
  assert.match(stolen.toDecide ?? '', /machine too noisy: the hypervisor stole 8\.0 %/);
  assert.deepEqual(decideP5(latency, QUIET).figures, decideP5(latency, QUIET).figures);
});

test('P5: a missing or corrupt run is a BenchEvidenceError', () => {
  assert.throws(() => decideP5(pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(200) } }), QUIET), BenchEvidenceError);
  const corrupt = pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(200) }, 'raw-tcp': { [KiB]: steady(40), [MiB]: steady(100) } }, { protocol: 'asoc-v1', messageBytes: KiB });
  assert.throws(() => decideP5(corrupt, QUIET), /corrupt/);
});

// ---------------------------------------------------------------- P6

test('P6 rule: either side above 2 % FAILS whatever the rate; both under HOLDS only at the offered rate; else UNDECIDED', () => {
  assert.equal(p6Verdict(['HOLDS', 'HOLDS'], 'HOLDS'), 'HOLDS');
  assert.equal(p6Verdict(['FAILS', 'HOLDS'], 'HOLDS'), 'FAILS');
  assert.equal(p6Verdict(['HOLDS', 'FAILS'], 'FAILS'), 'FAILS', 'above 2 % at a lower rate: a higher one costs no less');
  assert.equal(p6Verdict(['FAILS', 'UNDECIDED'], 'UNDECIDED'), 'FAILS');
  assert.equal(p6Verdict(['HOLDS', 'HOLDS'], 'FAILS'), 'UNDECIDED', 'under 2 % at a lower rate says nothing about the claimed one');
  assert.equal(p6Verdict(['HOLDS', 'HOLDS'], 'UNDECIDED'), 'UNDECIDED');
  assert.equal(p6Verdict(['HOLDS', 'UNDECIDED'], 'HOLDS'), 'UNDECIDED');
});

const rawPaced: PacedSpec = { clientPercent: steady(14), serverPercent: steady(58) };

test('P6: under 2 % on both sides at the offered rate, every round → HOLDS; says what a core is', () => {
  const r = decideP6(cpuReport({ 'raw-tcp': rawPaced, 'asoc-v1': { clientPercent: steady(1.2), serverPercent: steady(0.8) } }), QUIET);
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /paced at 446 MB\/s in 1 MiB chunks for 1 s, 5 rounds: ASoc v1 kept up/);
  assert.match(r.summary, /one core = one logical CPU of 2 \(Test CPU, virtual\)/);
  assert.deepEqual(figure(r, 'asoc-v1 sender CPU').samples, steady(1.2));
});

test('P6: well above 2 % FAILS even when the rate was not reached, and says the rate reached', () => {
  const r = decideP6(cpuReport({ 'raw-tcp': rawPaced, 'asoc-v1': { clientPercent: steady(24), serverPercent: steady(60), deliveredMBps: steady(300) } }), QUIET);
  assert.equal(r.verdict, 'FAILS');
  assert.match(r.summary, /ASoc v1 did not reach it: 300 MB\/s \[297 MB\/s, 303 MB\/s\] delivered, its sender using 24\.0 %/);
  assert.match(r.measured ?? '', /sender 24\.0 % \[23\.8 %, 24\.2 %\], receiver 60\.0 %/);
});

test('P6: under 2 % at a rate below 90 % of the offered one → UNDECIDED, the rate named as what is missing', () => {
  const r = decideP6(cpuReport({ 'raw-tcp': rawPaced, 'asoc-v1': { clientPercent: steady(1), serverPercent: steady(1), deliveredMBps: steady(350) } }), QUIET);
  assert.equal(r.verdict, 'UNDECIDED');
  assert.equal(figure(r, 'asoc-v1 delivered rate').verdict, 'FAILS');
  assert.match(r.toDecide ?? '', /^the rate: ASoc v1 delivered 350 MB\/s \[347 MB\/s, 354 MB\/s\] of 446 MB\/s offered .*would decide it$/, 'nothing straddles: the rule itself withholds the verdict');
  assert.match(r.summary, /did not reach it/);
});

test('P6: CPU rounds straddling 2 % → UNDECIDED; a noisy raw TCP → UNDECIDED however far above 2 %', () => {
  const straddling = decideP6(cpuReport({ 'raw-tcp': rawPaced, 'asoc-v1': { clientPercent: [1.5, 2.5, 1.8, 2.2, 2.0], serverPercent: steady(1) } }), QUIET);
  assert.equal(straddling.verdict, 'UNDECIDED');
  assert.match(straddling.toDecide ?? '', /asoc-v1 sender CPU: the interval \[1\.5 %, 2\.5 %\] straddles 2\.0 %/);
  const noisy = decideP6(cpuReport({ 'raw-tcp': { ...rawPaced, secondsPerGB: [1, 2, 1, 1, 2] }, 'asoc-v1': { clientPercent: steady(24), serverPercent: steady(60) } }), QUIET);
  assert.equal(noisy.verdict, 'UNDECIDED');
  assert.match(noisy.toDecide ?? '', /machine too noisy: raw TCP's paced CPU s\/GB \(both processes\) spread 1\.00/);
});

// ---------------------------------------------------------------- P7

test('per-round pairing: a ratio pairs the two figures of the same round, whatever order they come in; no shared round is an error', () => {
  const ratios = pairedRatios(
    [{ round: 1, value: 10 }, { round: 2, value: 20 }, { round: 3, value: 30 }],
    [{ round: 3, value: 3 }, { round: 1, value: 1 }],
    'test',
  );
  assert.deepEqual(ratios, [{ round: 1, value: 10 }, { round: 3, value: 10 }]);
  assert.throws(() => pairedRatios([{ round: 1, value: 1 }], [{ round: 2, value: 1 }], 'test'), BenchEvidenceError);
});

const grpcOverheads = [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 200, 'grpc-unary': 300 }), overhead(MiB, { 'asoc-v1': 55, 'grpc-stream': 150, 'grpc-unary': 400 })];
const fastTp = throughputReport({ 'raw-tcp': steady(1100), 'asoc-v1': steady(1000), 'grpc-stream': steady(90) });

test('P7: 10× per round at 1 KiB against both gRPC variants, 10× throughput, ~200 B overhead → HOLDS', () => {
  const latency = pingPongs({ 'asoc-v1': { [KiB]: steady(50) }, 'grpc-stream': { [KiB]: steady(600) }, 'grpc-unary': { [KiB]: steady(700) }, 'raw-tcp': { [KiB]: steady(40) } });
  const r = decideP7(latency, QUIET, fastTp, QUIET, grpcOverheads);
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.measured ?? '', /^1 KiB p50 speedup grpc-stream 12\.0× \[12\.0×, 12\.0×\], grpc-unary 14\.0×/);
  assert.match(r.summary, /streaming 1 MiB chunks, ASoc v1 ÷ grpc-stream per round: 11\.1×/);
  assert.match(r.summary, /grpc-stream 1 KiB message 200 B/);
});

test('P7: the speedup is per round: both protocols slowing together round by round leave the ratio steady and decided', () => {
  const swings = [50, 100, 200, 100, 50];
  const latency = pingPongs({ 'asoc-v1': { [KiB]: swings }, 'grpc-stream': { [KiB]: swings.map((v) => v * 12) }, 'grpc-unary': { [KiB]: swings.map((v) => v * 12) }, 'raw-tcp': { [KiB]: steady(40) } });
  const r = decideP7(latency, QUIET, fastTp, QUIET, grpcOverheads);
  const speedup = figure(r, 'grpc-stream ÷ asoc-v1 1 KiB ping-pong p50');
  assert.deepEqual(speedup.samples, [12, 12, 12, 12, 12]);
  assert.equal(speedup.verdict, 'HOLDS', 'a 4× swing of both protocols alone would straddle 10×');
});

test('P7: gRPC faster than claimed on the wire and in time → FAILS; some parts → PARTIAL', () => {
  const slowAsoc = pingPongs({ 'asoc-v1': { [KiB]: steady(495) }, 'grpc-stream': { [KiB]: steady(307) }, 'grpc-unary': { [KiB]: steady(2031) }, 'raw-tcp': { [KiB]: steady(91) } });
  const lean = [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 15, 'grpc-unary': 43 })];
  assert.equal(decideP7(slowAsoc, QUIET, throughputReport({ 'raw-tcp': steady(845), 'asoc-v1': steady(816), 'grpc-stream': steady(137) }), QUIET, lean).verdict, 'FAILS');
  assert.equal(decideP7(slowAsoc, QUIET, throughputReport({ 'raw-tcp': steady(845), 'asoc-v1': steady(1370), 'grpc-stream': steady(91) }), QUIET, lean).verdict, 'PARTIAL');
  // An overhead of 99 B or 401 B is not "~200 B".
  const fast = pingPongs({ 'asoc-v1': { [KiB]: steady(50) }, 'grpc-stream': { [KiB]: steady(600) }, 'grpc-unary': { [KiB]: steady(600) }, 'raw-tcp': { [KiB]: steady(40) } });
  assert.equal(decideP7(fast, QUIET, fastTp, QUIET, [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 99, 'grpc-unary': 200 })]).verdict, 'PARTIAL');
  assert.equal(decideP7(fast, QUIET, fastTp, QUIET, [overhead(KiB, { 'asoc-v1': 55, 'grpc-stream': 200, 'grpc-unary': 401 })]).verdict, 'PARTIAL');
});

test("P7: raw TCP's throughput flipping between modes leaves the streaming part UNDECIDED, and with it a claim whose other parts all hold", () => {
  const latency = pingPongs({ 'asoc-v1': { [KiB]: steady(50) }, 'grpc-stream': { [KiB]: steady(600) }, 'grpc-unary': { [KiB]: steady(700) }, 'raw-tcp': { [KiB]: steady(40) } });
  const r = decideP7(latency, QUIET, throughputReport({ 'raw-tcp': BIMODAL, 'asoc-v1': steady(1000), 'grpc-stream': steady(90) }), QUIET, grpcOverheads);
  assert.equal(figure(r, 'asoc-v1 ÷ grpc-stream streaming MB/s').verdict, 'UNDECIDED');
  assert.equal(r.verdict, 'UNDECIDED');
  assert.match(r.toDecide ?? '', /^asoc-v1 ÷ grpc-stream streaming MB\/s: machine too noisy: raw TCP's throughput MB\/s spread 1\.00/);
});

test('P7: a throughput run without grpc-stream, or no gRPC overhead, is a BenchEvidenceError', () => {
  const latency = pingPongs({ 'asoc-v1': { [KiB]: steady(50) }, 'grpc-stream': { [KiB]: steady(500) }, 'grpc-unary': { [KiB]: steady(500) }, 'raw-tcp': { [KiB]: steady(40) } });
  assert.throws(() => decideP7(latency, QUIET, throughputReport({ 'raw-tcp': steady(1), 'asoc-v1': steady(1) }), QUIET, grpcOverheads), BenchEvidenceError);
  assert.throws(() => decideP7(latency, QUIET, fastTp, QUIET, [overhead(KiB, { 'asoc-v1': 55 })]), BenchEvidenceError);
});

// ---------------------------------------------------------------- P8

/** The paced bench with asoc-v1 and asoc-v1/tls at these CPU s/GB per round. */
function p8Cpu(plain: number[], tls: number[]) {
  const spec = (perGB: number[]): PacedSpec => ({ clientPercent: steady(20), serverPercent: steady(50), secondsPerGB: perGB });
  return cpuReport({ 'raw-tcp': { ...spec(steady(1.5)) }, 'asoc-v1': spec(plain), 'asoc-v1/tls': spec(tls) });
}

test('P8: 2–4 KB handshake, 5–40 B per message, 5–10 % CPU per round → HOLDS; figures are TLS against plain', () => {
  const r = decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 3080 }), [overhead(KiB, { 'asoc-v1': 55, 'asoc-v1/tls': 77 })], p8Cpu(steady(2), steady(2.16)), QUIET);
  assert.equal(r.verdict, 'HOLDS');
  assert.match(r.summary, /adds 3,000 B to the handshake above TCP \(3,000 B with 40 B per TCP segment\)/);
  assert.match(r.summary, /22 B per 1 KiB message/);
  const cpu = figure(r, 'TLS adds CPU per GB');
  assert.equal(cpu.samples.length, 5);
  assert.ok(Math.abs(cpu.estimate - 0.08) < 1e-9);
  assert.equal(figure(r, 'TLS adds to the handshake above TCP').interval, null);
});

test('P8: range edges; TLS cheaper than claimed is outside the claim too; the CPU part pairs rounds', () => {
  const at = (handshake: number, perMessage: number, plain: number[], tls: number[]) =>
    decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 80 + handshake }), [overhead(KiB, { 'asoc-v1': 55, 'asoc-v1/tls': 55 + perMessage })], p8Cpu(plain, tls), QUIET).verdict;
  assert.equal(at(2000, 5, steady(1), steady(1.07)), 'HOLDS');
  assert.equal(at(4096, 40, steady(1), steady(1.07)), 'HOLDS');
  assert.equal(at(1999, 41, steady(1), steady(2)), 'FAILS');
  assert.equal(at(3000, 4, steady(1), steady(1.07)), 'PARTIAL');
  // Both protocols' cost swinging 2× together: per round TLS is 7 % dearer every time.
  const swing = [1, 2, 1, 2, 1];
  assert.equal(at(3000, 20, swing, swing.map((v) => v * 1.07)), 'HOLDS');
  // TLS's added CPU straddling 10 %.
  assert.equal(at(3000, 20, steady(1), [1.08, 1.12, 1.09, 1.11, 1.1]), 'UNDECIDED');
});

test('P8: every message size must be in range: 1 MiB messages in 16 KiB records are not "per frame"', () => {
  const r = decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 3080 }), [overhead(KiB, { 'asoc-v1': 55, 'asoc-v1/tls': 77 }), overhead(MiB, { 'asoc-v1': 55, 'asoc-v1/tls': 1529 })], p8Cpu(steady(2), steady(2.15)), QUIET);
  assert.equal(r.verdict, 'PARTIAL');
  assert.match(r.summary, /22 B per 1 KiB message and 1,474 B per 1 MiB message/);
  assert.throws(() => decideP8(handshakeReport({ 'asoc-v1': 80, 'asoc-v1/tls': 3080 }), [overhead(KiB, { 'asoc-v1/tls': 77 })], p8Cpu(steady(2), steady(2.15)), QUIET), BenchEvidenceError);
});

// ---------------------------------------------------------------- D2

test('D2: Ed25519 through node:crypto decides, per timed sample; never HOLDS, since the hashes are timed in pure JS', () => {
  const good = decideD2(cryptoReport(steady(71_000, 9), 3000, [[8, 4], [16, 3.5], [1024, 1.8]]), QUIET);
  assert.equal(good.verdict, 'PARTIAL');
  assert.match(good.summary, /Ed25519 verifies 71,000\/s \[70,290\/s, 71,710\/s\] through node:crypto/);
  assert.match(good.summary, /met even in JS/);
  assert.match(good.summary, /3\.5–4\.0× at 8\/16 B/, 'inputs above 64 B are not judged');
  const slow = decideD2(cryptoReport(steady(10_238, 9), 44, [[8, 3.96]]), QUIET);
  assert.equal(slow.verdict, 'FAILS');
  assert.match(slow.summary, /a JS figure cannot settle a native one/);
});

test('D2: samples straddling ~71,000 ÷ 2 → UNDECIDED; steal above 5 % → UNDECIDED', () => {
  const straddling = decideD2(cryptoReport([30_000, 40_000, 34_000, 37_000, 36_000, 36_500, 33_000], 44, [[8, 4]]), QUIET);
  assert.equal(straddling.verdict, 'UNDECIDED');
  assert.match(straddling.toDecide ?? '', /straddles 35,500\/s; about \d+ more samples/);
  assert.equal(decideD2(cryptoReport(steady(71_000, 9), 44, [[8, 4]]), STOLEN).verdict, 'UNDECIDED');
});

test('D2: a report without the signature or d2 group is a BenchEvidenceError', () => {
  const report = cryptoReport(steady(71_000), 3000, [[8, 4]]);
  assert.throws(() => decideD2({ ...report, d2: null }, QUIET), BenchEvidenceError);
  assert.throws(() => decideD2({ ...report, results: report.results.filter((r) => r.implementation !== 'node') }, QUIET), BenchEvidenceError);
  assert.throws(() => decideD2(cryptoReport(steady(71_000), 3000, [[1024, 2]]), QUIET), BenchEvidenceError);
});

// ---------------------------------------------------------------- verify's wrapper

test('decideOrPending: a failed bench leaves its claim PENDING with the error; a decision passes through', () => {
  const pending = decideOrPending('P5', () => decideP5(pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(200) } }), QUIET));
  assert.equal(pending.verdict, 'PENDING');
  assert.equal(pending.id, 'P5');
  assert.match(pending.summary, /BenchEvidenceError: the latency bench has no raw-tcp ping-pong at 1024 B/);
  assert.equal(decideOrPending('P5', () => decideP5(pingPongs({ 'asoc-v1': { [KiB]: steady(60), [MiB]: steady(180) }, 'raw-tcp': { [KiB]: steady(40), [MiB]: steady(150) } }), QUIET)).verdict, 'HOLDS');
});

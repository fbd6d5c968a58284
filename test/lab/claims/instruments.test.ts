/**
 * The instrument registry is the one place that says which instrument decides which claim: the
 * catalogue's "decided by", verify's steps and flags, --only and the reach in each verdict's
 * evidence are made from it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BENCH_CLAIMS, resultOf, type BenchClaim, type BenchRun, type BenchRuns } from '../../../lab/claims/bench-claims.ts';
import { decideFromRuns } from '../../../lab/claims/bench-evidence.ts';
import { CLAIMS, type Claim } from '../../../lab/claims/catalogue.ts';
import { exactPart, claimResult } from '../../../lab/claims/claim-parts.ts';
import { withReach } from '../../../lab/claims/instrument.ts';
import { decidedBy, INSTRUMENTS, instrumentRegistry, instrumentsFor } from '../../../lab/claims/instruments.ts';
import { verifyHelp } from '../../../lab/commands/verify.ts';
import { handshakeReport, QUIET } from './bench-fixtures.ts';

test('every claim an instrument decides is in the catalogue, with what its instrument measures and what it does not', () => {
  const known = new Set(CLAIMS.map((c) => c.id));
  const decided = INSTRUMENTS.flatMap((i) => Object.entries(i.claims).map(([id, decision]) => ({ instrument: i.name, id, decision })));
  assert.ok(decided.length >= 24);
  for (const { instrument, id, decision } of decided) {
    assert.ok(known.has(id), `${instrument} decides ${id}, which the catalogue lacks`);
    assert.ok(decision.by.length > 5, `${instrument} does not say how it decides ${id}`);
    assert.ok(decision.reach.measures.length > 20 && decision.reach.doesNotMeasure.length > 20, `${instrument} gives ${id} no reach`);
  }
});

test("withReach puts the deciding instrument's reach into the claim's evidence, keeping what was there", () => {
  const [benchmarks] = instrumentsFor('P6');
  const claim = withReach({ id: 'P6', verdict: 'FAILS', summary: 's', evidence: { rule: 'r' } }, benchmarks!);
  assert.equal(claim.evidence.rule, 'r');
  assert.deepEqual(claim.evidence.instrument, benchmarks!.claims.P6!.reach);
  const unknown = { id: 'T9', verdict: 'PENDING' as const, summary: 's', evidence: {} };
  assert.deepEqual(withReach(unknown, benchmarks!), unknown);
});

test('"decided by" is made from the registry: every deciding step with its skip flag, or why nothing decides it', () => {
  const claim = (id: string) => CLAIMS.find((c) => c.id === id)!;
  assert.deepEqual(instrumentsFor('P1').map((i) => i.name), ['codecs', 'benchmarks']);
  assert.match(decidedBy(claim('P1')), /^the codecs' HELLO, ACCEPT and discovery sizes, in memory \(verify's codecs step\), then the handshake bench against JWT and gRPC.*\(verify's benchmarks step, unless --no-bench-claims\)$/);
  assert.match(decidedBy(claim('S4')), /threat scenarios.*unless --no-threats/);
  assert.match(decidedBy(claim('P3')), /two-node-10gbe both ways.*unless --no-sim/);
  assert.match(decidedBy(claim('T2')), /stt over simulated UDP.*\(verify's stt-udp step\)$/);
});

test("verify's help lists every step of the registry, in order, with its claims and skip flag", () => {
  const help = verifyHelp(INSTRUMENTS);
  let at = 0;
  for (const i of INSTRUMENTS) {
    const ids = Object.keys(i.claims);
    const line = new RegExp(`^  ${i.name} +${i.title}${ids.length ? ` \\(${ids.join(', ')}\\)` : ''}${i.skipFlag ? `; --${i.skipFlag} skips it` : ''}$`, 'm');
    const found = line.exec(help.slice(at));
    assert.ok(found, `no line for ${i.name} after the previous step`);
    at += found.index;
  }
});

/** The bench runs of a verify in which only the handshake bench ran. */
function onlyHandshakeRan(report = handshakeReport({ 'asoc-v1': 80, 'jwt-hs256': 600, 'grpc-unary': 500 })): BenchRuns {
  const notRun = <T>(): BenchRun<T> => ({ result: new Error('not run in this test'), noise: QUIET, seconds: 0 });
  return { handshake: { result: report, noise: QUIET, seconds: 1 }, overhead: notRun(), latency: notRun(), cpu: notRun(), throughput: notRun(), crypto: notRun() };
}

test('a new benchmark-decided claim takes two entries: the claim in the catalogue and the claim in the benchmark instrument', () => {
  // 1. The catalogue's entry (lab/claims/catalogue.ts).
  const claim: Claim = { id: 'P99', group: 'performance', text: "ASoc v1's handshake is under 100 bytes above TCP", source: 'a test', quoted: 'under 100 bytes' };
  // 2. The benchmark instrument's entry (lab/claims/bench-claims.ts): how, its reach, the rule.
  const p99: BenchClaim = {
    id: 'P99',
    by: 'the handshake bench, asoc-v1 alone',
    reach: { measures: "asoc-v1's handshake bytes above TCP, counted over loopback.", doesNotMeasure: 'Anything below TCP, or any other protocol.' },
    decide(runs) {
      const asoc = resultOf(runs.handshake).protocols.find((p) => p.name === 'asoc-v1')!;
      const part = exactPart({ name: 'asoc-v1 handshake above TCP', unit: 'B', threshold: { atMost: 100 } }, asoc.applicationBytes, [asoc.applicationBytes], (v) => `${v} B`);
      return claimResult({ id: 'P99', verdict: part.figure.verdict!, measured: `${asoc.applicationBytes} B`, summary: 'test', parts: [part], evidence: { rule: '≤ 100 B' } });
    },
  };
  const registry = instrumentRegistry([...BENCH_CLAIMS, p99]);
  const benchmarks = registry.find((i) => i.name === 'benchmarks')!;

  // Nothing else is edited, and: the registry knows who decides it (so verify --only P99 runs that step) …
  assert.deepEqual(instrumentsFor('P99', registry), [benchmarks]);
  assert.deepEqual(instrumentsFor('P99'), [], 'the shipped registry is untouched');
  // … the catalogue's "decided by" and verify's help say so …
  assert.equal(decidedBy(claim, registry), "the handshake bench, asoc-v1 alone (verify's benchmarks step, unless --no-bench-claims)");
  assert.match(verifyHelp(registry), /^  benchmarks +loopback benchmarks \(P1, P5, P6, P7, P8, D2, P99\); --no-bench-claims skips it$/m);
  // … the benchmark step decides it from the benches it ran, beside the others (those whose bench did not run are PENDING) …
  const decided = decideFromRuns(onlyHandshakeRan(), [...BENCH_CLAIMS, p99]);
  assert.deepEqual(
    decided.map((c) => [c.id, c.verdict]),
    [['P1', 'HOLDS'], ['P5', 'PENDING'], ['P6', 'PENDING'], ['P7', 'PENDING'], ['P8', 'PENDING'], ['D2', 'PENDING'], ['P99', 'HOLDS']],
  );
  // … and its verdict carries its reach.
  assert.deepEqual(withReach(decided.at(-1)!, benchmarks).evidence.instrument, p99.reach);
});

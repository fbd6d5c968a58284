import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimsFrom } from '../../../lab/claims/threat-claims.ts';
import type { ThreatResult, ThreatRow } from '../../../scenarios/threat-runner.ts';
import type { ProfileName } from '../../../src/core/profile.ts';
import type { DecidedVerdict } from '../../../bench/verdict.ts';

function row(scenario: string, claim: string, profile: ProfileName, observed: DecidedVerdict, expected: DecidedVerdict = observed): ThreatRow {
  return { scenario, claim, profile, observed, expected, evidence: `${scenario}/${profile}: ${observed}`, match: observed === expected };
}

function result(scenario: string, rows: ThreatRow[]): ThreatResult {
  return { scenario, file: `${scenario}.yaml`, description: '', attack: { kind: scenario, description: '', params: {} }, seed: 1, claims: [...new Set(rows.map((r) => r.claim))], rows, runs: [] };
}

test("a claim's verdict is asoc-v1's weakest over its scenarios, with the deciding scenario's evidence and the other profiles beside it", () => {
  const claims = claimsFrom(
    [
      result('keyless', [row('keyless', 'S1', 'asoc-v1', 'HOLDS'), row('keyless', 'S1', 'asoc-hardened', 'HOLDS')]),
      result('replay', [row('replay', 'S1', 'asoc-v1', 'FAILS'), row('replay', 'S1', 'asoc-v1/reference', 'FAILS'), row('replay', 'S1', 'asoc-hardened', 'HOLDS')]),
    ],
    new Set(),
  );
  assert.equal(claims.length, 1);
  const [s1] = claims;
  assert.equal(s1!.verdict, 'FAILS');
  assert.match(s1!.summary, /^replay\/asoc-v1: FAILS \[scenario replay; asoc-v1\/reference FAILS, asoc-hardened HOLDS\]$/);
  assert.deepEqual((s1!.evidence as { scenarios: string[] }).scenarios, ['keyless', 'replay']);
});

test('excluded claims get no result; a row that differs from its expectation is called out', () => {
  const claims = claimsFrom(
    [result('violations', [row('violations', 'S12', 'asoc-v1', 'HOLDS'), row('violations', 'S11', 'asoc-v1', 'PARTIAL', 'HOLDS')])],
    new Set(['S12']),
  );
  assert.deepEqual(claims.map((c) => [c.id, c.verdict]), [['S11', 'PARTIAL']]);
  assert.match(claims[0]!.summary, /1 observation\(s\) differ from their scenario's expectation/);
});

test("an H claim's verdict is asoc-hardened's, with asoc-v1's beside it", () => {
  const claims = claimsFrom([result('wrong-peer', [row('wrong-peer', 'H1', 'asoc-v1', 'FAILS'), row('wrong-peer', 'H1', 'asoc-hardened', 'HOLDS')])], new Set());
  assert.deepEqual(claims.map((c) => [c.id, c.verdict]), [['H1', 'HOLDS']]);
  assert.match(claims[0]!.summary, /^wrong-peer\/asoc-hardened: HOLDS \[scenario wrong-peer; asoc-v1 FAILS\]$/);
  assert.equal((claims[0]!.evidence as { subjectProfile: string }).subjectProfile, 'asoc-hardened');
  assert.deepEqual(claimsFrom([result('x', [row('x', 'H1', 'asoc-v1', 'FAILS')])], new Set()), [], 'no asoc-hardened row, no result');
});

test('a claim only the other profiles decide makes no result (the verdict is asoc-v1\'s)', () => {
  assert.deepEqual(claimsFrom([result('x', [row('x', 'S4', 'asoc-hardened', 'HOLDS')])], new Set()), []);
});

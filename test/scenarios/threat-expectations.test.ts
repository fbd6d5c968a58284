/**
 * The expected verdicts' one table (scenarios/threat-expectations.yaml): a profile inherits another's
 * verdicts claim by claim, the table and the scenario files name the same scenarios, and a scenario
 * cannot keep verdicts in both places.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ScenarioError } from '../../scenarios/load.ts';
import { catalogueExpectations, parseExpectations } from '../../scenarios/threat-expectations.ts';
import { prepareThreat } from '../../scenarios/threat-runner.ts';

const THREATS = new URL('../../scenarios/threats/', import.meta.url).pathname;

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${err}`);
    return err.problems;
  }
  return assert.fail('accepted');
}

test('a profile that inherits states only where it differs, claim by claim; its parent is unchanged', () => {
  const table = parseExpectations(
    `
asoc-v1:
  scenarios:
    hello-replay: { S1: FAILS, S2: PARTIAL }
    keyless-node: { S6: HOLDS }
asoc-v1/reference:
  inherits: asoc-v1
  scenarios:
    hello-replay: { S2: FAILS }
    wall-clock-step: { H5: FAILS }
`,
    't.yaml',
  );
  assert.deepEqual(table.get('hello-replay'), { 'asoc-v1': { S1: 'FAILS', S2: 'PARTIAL' }, 'asoc-v1/reference': { S1: 'FAILS', S2: 'FAILS' } });
  assert.deepEqual(table.get('keyless-node'), { 'asoc-v1': { S6: 'HOLDS' }, 'asoc-v1/reference': { S6: 'HOLDS' } });
  assert.deepEqual(table.get('wall-clock-step'), { 'asoc-v1/reference': { H5: 'FAILS' } });
});

test('unknown profiles, missing or circular parents and bad verdicts are named', () => {
  assert.deepEqual(problemsOf(() => parseExpectations('asoc-v9:\n  scenarios: {}\nasoc-v1:\n  inherits: nobody\n  scenarios: {}\n', 't.yaml')), [
    'asoc-v9: unknown profile (known: asoc-v1, asoc-v1/reference, asoc-hardened, asoc-hardened/encrypted, asoc-hardened/x25519, subduction, stt)',
    'asoc-v1.inherits: no section for profile "nobody"',
  ]);
  assert.deepEqual(problemsOf(() => parseExpectations('asoc-v1:\n  inherits: stt\n  scenarios: {}\nstt:\n  inherits: asoc-v1\n  scenarios: {}\n', 't.yaml')), [
    'asoc-v1.inherits: circular (asoc-v1 → stt → asoc-v1)',
  ]);
  assert.deepEqual(problemsOf(() => parseExpectations('asoc-v1:\n  scenarios:\n    x: { S1: MAYBE }\n', 't.yaml')), [
    'asoc-v1.scenarios.x.S1: expected "HOLDS" or "FAILS" or "PARTIAL", got "MAYBE"',
  ]);
});

test('the table and scenarios/threats/ name the same scenarios, and no scenario file keeps verdicts of its own', () => {
  const files = readdirSync(THREATS).filter((f) => f.endsWith('.yaml'));
  const names = files.map((f) => (parse(readFileSync(THREATS + f, 'utf8')) as { name: string }).name).sort();
  assert.deepEqual([...catalogueExpectations().keys()].sort(), names);
  for (const f of files) assert.ok(!/^expect:/m.test(readFileSync(THREATS + f, 'utf8')), `${f} has an expect: block`);
});

test('a scenario the table names cannot carry expect: as well; one it does not name may, and without either it is told where they go', () => {
  const text = (name: string, expect: string) => `name: ${name}\ndescription: d\nclaims: [S1, S6]\nattack: { kind: keyless-node }\n${expect}`;
  assert.deepEqual(problemsOf(() => prepareThreat(text('keyless-node', 'expect:\n  asoc-v1: { S1: HOLDS, S6: HOLDS }\n'), 'mine.yaml')), [
    `expect: keyless-node's expected verdicts are in ${new URL('../../scenarios/threat-expectations.yaml', import.meta.url).pathname}; remove them here`,
  ]);
  assert.deepEqual(prepareThreat(text('my-keyless-check', 'expect:\n  stt: { S1: HOLDS, S6: HOLDS }\n'), 'mine.yaml').scenario.expect, { stt: { S1: 'HOLDS', S6: 'HOLDS' } });
  assert.deepEqual(prepareThreat(text('keyless-node', ''), 'mine.yaml').scenario.expect['asoc-v1'], { S1: 'HOLDS', S6: 'HOLDS' });
  assert.match(problemsOf(() => prepareThreat(text('my-keyless-check', ''), 'mine.yaml'))[0]!, /^expect: no expected verdicts: name the scenario under its profiles in scenarios\/threat-expectations.yaml/);
});

/**
 * The threat scenario set as CI runs it: every scenarios/threats/*.yaml, every profile it expects,
 * each observed verdict equal to the expected one (a change in behaviour fails here). Plus the
 * file format's errors and the runner's determinism.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROFILES } from '../../src/core/profile.ts';
import { ScenarioError } from '../../scenarios/load.ts';
import { aggregateByClaim, knownAttackKinds, loadThreat, prepareThreat, runThreat, type ThreatRow } from '../../scenarios/threat-runner.ts';
import { wrap } from '../../scenarios/threat-text.ts';
import { main } from '../../lab/cli.ts';

const THREATS = new URL('../../scenarios/threats/', import.meta.url).pathname;
const ATTACK_MODULES = new URL('../../attacks/simulated/', import.meta.url).pathname;
const files = readdirSync(THREATS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/**
 * Per attack kind, counts that are 0 when the attack did not actually happen (nothing sent, no guess
 * landed, no frame changed): a verdict over such a run would decide nothing.
 */
const ATTEMPTED: Record<string, readonly string[]> = {
  'accept-replay': ['impostorConnections'],
  'auth-brute-force': ['attempts', 'helloEvaluated'],
  'auth-failure-leak': ['forgedHellos', 'controlBytesBack'],
  'blind-injection': ['reachedTcp', 'acceptedByTcp'],
  'challenge-birthday': ['trials', 'announcementsChecked', 'agentCheckedMessages'],
  'connection-flood': ['attackerConnectionsOpened', 'legitProbes'],
  'discovery-replay': ['targetAnnouncementsRecorded', 'replaysSent'],
  'discovery-storm': ['sentValid', 'sentReplayed', 'sentBadHmac', 'receiverReceived'],
  eavesdrop: ['tcpBytesReassembled', 'framesParsed'],
  'handshake-header-tamper': ['helloFramesAltered', 'acceptFramesAltered'],
  'hello-replay': ['replays'],
  'inject-after-handshake': ['injectedSegments', 'injectedBytes'],
  'key-wear': ['sessionBytesEachWay', 'delivered'],
  'keyless-node': ['intruderAnnouncements', 'intruderHelloAttempts'],
  'lockout-by-replay': ['helloReplayedFirst', 'attackerAnswered'],
  'mitm-frames': ['modifyFramesAltered', 'dropFramesAltered', 'reorderFramesAltered', 'injectFramesAltered'],
  'offline-key-guess': ['guessesTimed'],
  'oversized-frame': ['attackerConnections', 'attackerPayloadWritten'],
  'protocol-violations': ['insiderHandshakes', 'violationsHandled'],
  'recorded-session-key-theft': ['clientBytesRecorded', 'serverBytesRecorded'],
  'tamper-lockout': ['hellosTampered', 'clientClosedBeforeHandshake'],
  'token-forgery': ['guesses', 'tamperedFrames'],
  'wall-clock-step': ['honestHandshakes', 'replaysSent'],
  'wrong-peer': ['reroutedPackets'],
};

/** Trace hashes of the verdict runs below, by "file profile": the determinism test runs them again. */
const firstHashes = new Map<string, string | null>();

test('every attack kind names the counts that show it was attempted', () => {
  assert.deepEqual(Object.keys(ATTEMPTED).sort(), knownAttackKinds());
});

for (const file of files) {
  test(`threat scenario ${file}: every observed verdict is the expected one, over a run in which the attack happened`, async () => {
    const result = runThreat(loadThreat(join(THREATS, file)));
    assert.ok(result.rows.length > 0, 'the scenario decided nothing');
    const wrong = result.rows.filter((r) => !r.match).map((r) => `${r.claim} ${r.profile}: expected ${r.expected}, observed ${r.observed} — ${r.evidence}`);
    assert.deepEqual(wrong, []);
    const attempted = ATTEMPTED[result.attack.kind] ?? assert.fail(`no attempted-counts listed for ${result.attack.kind}`);
    for (const run of result.runs) {
      firstHashes.set(`${file} ${run.profile}`, run.traceHash);
      const missing = attempted.filter((key) => !((run.counts[key] ?? 0) > 0)).map((key) => `${key} = ${run.counts[key]}`);
      assert.deepEqual(missing, [], `${run.profile}: the attack did not happen`);
      assert.ok(run.trace.length > 0, `${run.profile}: no trace excerpt`);
    }
  });
}

test('every simulated scenario is deterministic under asoc-v1 and asoc-hardened: the same seed gives the same trace hash, another seed another one', async () => {
  const profiles = ['asoc-v1', 'asoc-hardened'] as const;
  let checked = 0;
  let runs = 0;
  const unsimulated = new Set<string>();
  for (const file of files) {
    const prepared = loadThreat(join(THREATS, file));
    for (const profile of profiles.filter((p) => prepared.scenario.expect[p] !== undefined)) {
      runs++;
      const key = `${file} ${profile}`;
      const first = firstHashes.has(key) ? firstHashes.get(key)! : runThreat(prepared, { profiles: [profile] }).runs[0]!.traceHash;
      if (first === null) {
        unsimulated.add(prepared.scenario.attack.kind);
        continue; // no simulation: nothing to hash
      }
      const again = runThreat(prepared, { profiles: [profile] }).runs[0]!.traceHash;
      assert.equal(again, first, `${key}: same seed, another trace hash`);
      checked++;
      if (profile !== 'asoc-v1') continue; // another seed: once per scenario is enough to show the seed matters
      const other = runThreat(prepared, { profiles: [profile], seed: prepared.scenario.seed + 1 }).runs[0]!.traceHash;
      assert.notEqual(other, first, `${key}: another seed, the same trace hash`);
    }
  }
  assert.deepEqual([...unsimulated].sort(), ['challenge-birthday', 'key-wear', 'offline-key-guess'], 'the attacks that run no simulation');
  assert.ok(checked >= runs - 2 * unsimulated.size, `only ${checked} of ${runs} runs checked`);
});

// ---- the file format ---------------------------------------------------------------------------

async function problemsOf(text: string): Promise<readonly string[]> {
  try {
    prepareThreat(text, 'bad.yaml');
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${err}`);
    return err.problems;
  }
  return assert.fail('the scenario was accepted');
}

test('bad fields are named by their path', async () => {
  const text = `
name: t
description: d
claims: [S1, Q7]
seed: -1
attack: { kind: Hello }
expect:
  asoc-v9: { S1: HOLDS }
  asoc-v1: { S1: MAYBE }
extra: 1
`;
  assert.deepEqual(await problemsOf(text), [
    'claims[1]: expected a claim id such as "P3" (docs/claims.md lists them)',
    'seed: expected ≥ 0, got -1',
    'attack.kind: expected an attack kind such as "hello-replay" (a file of attacks/simulated/)',
    'expect.asoc-v1.S1: expected "HOLDS" or "FAILS" or "PARTIAL", got "MAYBE"',
    '(top level): unknown field "extra"',
  ]);
});

test('every claim needs a verdict under every profile, no other claim may have one, profiles must exist', async () => {
  const text = `
name: t
description: d
claims: [S1, S2, S1]
attack: { kind: no-such-attack }
expect:
  asoc-v1: { S1: HOLDS, S3: FAILS }
  asoc-v9: { S1: HOLDS }
`;
  assert.deepEqual(await problemsOf(text), [
    `expect.asoc-v9: unknown profile (known: ${Object.keys(PROFILES).join(', ')})`,
    'claims[2]: claim S1 is listed twice',
    'expect.asoc-v1: no expected verdict for S2 (every claim in "claims" needs one)',
    'expect.asoc-v1.S3: S3 is not in "claims" (S1, S2)',
  ]);
});

test('an unknown attack kind is refused with the list of known ones', async () => {
  const text = `
name: t
description: d
claims: [S1]
attack: { kind: no-such-attack }
expect:
  asoc-v1: { S1: HOLDS }
`;
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1);
  assert.equal(problems[0], `attack.kind: unknown attack "no-such-attack" (known: ${knownAttackKinds().join(', ')})`);
  assert.ok(!knownAttackKinds().includes('types'), 'types.ts is not an attack');
});

test('every attack module of attacks/simulated/ is registered under its file name', () => {
  const files = readdirSync(ATTACK_MODULES).filter((file) => file.endsWith('.ts') && !['types.ts', 'index.ts'].includes(file));
  assert.deepEqual(files.map((file) => file.slice(0, -3)).sort(), knownAttackKinds());
});

test('the aggregate keeps the weakest verdict per claim and profile, and who decided it', () => {
  const row = (scenario: string, claim: string, observed: ThreatRow['observed']): ThreatRow => ({ scenario, claim, profile: 'asoc-v1', expected: observed, observed, evidence: '', match: true });
  const aggregate = aggregateByClaim([row('a', 'S10', 'HOLDS'), row('b', 'S2', 'PARTIAL'), row('c', 'S2', 'FAILS'), row('d', 'S2', 'HOLDS')]);
  assert.deepEqual(
    aggregate.map((a) => [a.claim, a.observed, a.decidedBy, a.scenarios.length]),
    [
      ['S2', 'FAILS', 'c', 3],
      ['S10', 'HOLDS', 'a', 1],
    ],
  );
});

test('evidence wraps at word boundaries and cuts words longer than a line', () => {
  assert.deepEqual(wrap('aa bb cc', 5), ['aa bb', 'cc']);
  assert.deepEqual(wrap('abcdefgh', 3), ['abc', 'def', 'gh']);
  assert.deepEqual(wrap('', 10), ['']);
});

test("an attack's params are checked by its module, with attack.… paths", async () => {
  const text = `
name: t
description: d
claims: [S1, S6]
attack: { kind: keyless-node, durationMs: -5, colour: red }
expect:
  asoc-v1: { S1: HOLDS, S6: HOLDS }
`;
  assert.deepEqual(await problemsOf(text), ['attack.durationMs: expected > 0, got -5', 'attack: unknown field "colour"']);
});

// ---- the command ---------------------------------------------------------------------------------

/** Runs `asoc-lab scenario …`, returning its exit status and what it printed. */
async function scenarioCli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const status = await main(['scenario', ...args]);
    return { status, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('scenario run: exit 0 and JSON when verdicts match, 1 when one differs, 2 for usage errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'threats-'));
  const keyless = readFileSync(join(THREATS, 'keyless-node.yaml'), 'utf8').replace(/durationMs: \d+/, 'durationMs: 8000');
  writeFileSync(join(dir, 'ok.yaml'), keyless);
  const ok = await scenarioCli(['run', join(dir, 'ok.yaml'), '--out', join(dir, 'out'), '--profile', 'asoc-v1']);
  assert.equal(ok.status, 0, ok.err);
  assert.match(ok.out, /S1 +asoc-v1 +HOLDS +HOLDS +Intruder without the key/);
  const json = JSON.parse(readFileSync(join(dir, 'out', 'keyless-node-seed-1.json'), 'utf8'));
  assert.equal(json.rows.length, 2);
  assert.match(json.runs[0].traceHash, /^[0-9a-f]{64}$/);

  // A scenario of the user's own (not in scenarios/threat-expectations.yaml) carries its expectations itself.
  writeFileSync(join(dir, 'wrong.yaml'), `${keyless.replace('name: keyless-node', 'name: my-keyless')}expect:\n  asoc-v1: { S1: FAILS, S6: HOLDS }\n`);
  const wrong = await scenarioCli(['run', join(dir, 'wrong.yaml'), '--out', join(dir, 'out'), '--profile', 'asoc-v1']);
  assert.equal(wrong.status, 1, wrong.err);
  assert.match(wrong.err, /my-keyless S1 asoc-v1: expected FAILS, observed HOLDS/);

  assert.equal((await scenarioCli(['run'])).status, 2);
  assert.equal((await scenarioCli(['run', join(dir, 'ok.yaml'), '--seed', 'x'])).status, 2);
  assert.equal((await scenarioCli(['run', join(dir, 'ok.yaml'), '--profile', 'asoc-v9'])).status, 2);
  writeFileSync(join(dir, 'bad.yaml'), keyless.replace('kind: keyless-node', 'kind: nothing'));
  const bad = await scenarioCli(['run', join(dir, 'bad.yaml')]);
  assert.equal(bad.status, 2);
  assert.match(bad.err, /attack\.kind: unknown attack "nothing"/);
});

test('scenario list names every scenario with its claims and attack', async () => {
  const listed = await scenarioCli(['list']);
  assert.equal(listed.status, 0);
  for (const file of files) assert.match(listed.out, new RegExp(`^${file.replace('.yaml', '')}  \\[[SH]`, 'm'));
});

test('blind injection: the acceptances measured on the target TCP agree with (W+L−1)/2^32 × ½ (within 4 σ)', async () => {
  const result = runThreat(loadThreat(join(THREATS, 'blind-injection.yaml')), { profiles: ['asoc-v1'] });
  const { counts, figures } = result.runs[0]!;
  const expected = figures.expectedAcceptances!;
  assert.ok(figures.windowBytes! >= 1024 * 1024, `window ${figures.windowBytes}`);
  assert.ok(expected > 10, `too few expected acceptances to compare: ${expected}`);
  assert.ok(Math.abs(counts.acceptedByTcp! - expected) <= 4 * Math.sqrt(expected), `measured ${counts.acceptedByTcp}, expected ${expected}`);
  assert.equal(counts.lostBeforeTcp, 0);
});

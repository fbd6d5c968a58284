/**
 * The threat scenario file format (scenarios/threats/*.yaml), as a zod schema:
 *
 *   name: hello-replay
 *   description: one line
 *   claims: [S1, S2]                 # the claims (docs/claims.md) this scenario decides
 *   seed: 1                          # default 1; --seed overrides
 *   attack: { kind: hello-replay, …params }   # kind = a file of attacks/simulated/; params checked by that module
 *
 * The expected verdicts of the project's scenarios are in scenarios/threat-expectations.yaml
 * (threat-expectations.ts adds them as `expect`). A scenario of a user's own may carry them itself:
 *
 *   expect:
 *     asoc-v1:           { S1: HOLDS, S2: HOLDS }
 *     asoc-v1/reference: { S1: HOLDS, S2: FAILS }
 *
 * Every claim in `claims` must have a verdict under every profile of `expect`, and `expect` may name
 * no other claim. The attack's own params are checked later, by the runner, against the module's
 * schema (their errors carry the same `attack.…` paths).
 */
import { z } from 'zod';
import { DECIDED_VERDICTS, type DecidedVerdict } from '../bench/verdict.ts';
import { PROFILES, type ProfileName } from '../src/core/profile.ts';
import { claimId, identifier } from './schema.ts';

const verdict = z.enum(DECIDED_VERDICTS);

/** Lower-case words joined by "-": also a file name in attacks/simulated/. */
const attackKind = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected an attack kind such as "hello-replay" (a file of attacks/simulated/)');

const threatShape = z.strictObject({
  name: identifier,
  description: z.string().min(1),
  claims: z.array(claimId).min(1),
  seed: z.number().int().nonnegative().default(1),
  /** The attack's kind and its params; the params are the attack module's to check. */
  attack: z.looseObject({ kind: attackKind }),
  /** Profile name → claim → verdict; profile names are checked below, so an unknown one is named with the known ones. */
  expect: z.record(z.string(), z.record(claimId, verdict), {
    error: (issue) => (issue.input === undefined ? 'no expected verdicts: name the scenario under its profiles in scenarios/threat-expectations.yaml (a scenario of your own may carry an expect: map instead)' : undefined),
  }).refine((byProfile) => Object.keys(byProfile).length > 0, 'expected verdicts for at least one profile'),
});

export type ThreatScenario = Omit<z.output<typeof threatShape>, 'expect'> & { expect: Partial<Record<ProfileName, Record<string, DecidedVerdict>>> };

export const threatScenarioSchema = threatShape.superRefine((scenario, ctx) => {
  for (const profile of Object.keys(scenario.expect)) {
    if (!(profile in PROFILES)) ctx.addIssue({ code: 'custom', path: ['expect', profile], message: `unknown profile (known: ${Object.keys(PROFILES).join(', ')})` });
  }
  const claims = new Set(scenario.claims);
  scenario.claims.forEach((claim, i) => {
    if (scenario.claims.indexOf(claim) !== i) ctx.addIssue({ code: 'custom', path: ['claims', i], message: `claim ${claim} is listed twice` });
  });
  for (const [profile, verdicts] of Object.entries(scenario.expect)) {
    if (!(profile in PROFILES)) continue;
    for (const claim of claims) {
      if (verdicts?.[claim] === undefined) ctx.addIssue({ code: 'custom', path: ['expect', profile], message: `no expected verdict for ${claim} (every claim in "claims" needs one)` });
    }
    for (const claim of Object.keys(verdicts ?? {})) {
      if (!claims.has(claim)) ctx.addIssue({ code: 'custom', path: ['expect', profile, claim], message: `${claim} is not in "claims" (${[...claims].join(', ')})` });
    }
  }
})
  // Profile names were checked just above: the keys of `expect` are profiles from here on.
  .transform((scenario) => scenario as ThreatScenario);

/** Runs an attack module the way the threat runner does: params through the module's schema, one profile, one seed. */
import type { ProfileName } from '../../../src/core/profile.ts';
import { PROFILES } from '../../../src/core/profile.ts';
import type { AttackModule, SimulatedAttackOutcome, ObservedVerdict } from '../../../attacks/simulated/types.ts';

export function runAttack(module: AttackModule, profile: ProfileName, params: Record<string, unknown> = {}, seed = 1): SimulatedAttackOutcome {
  return module.run({ profile: PROFILES[profile], seed, params: module.params.parse(params) });
}

/** The verdict observed for `claim` (throws when the attack reported none). */
export function verdictOf(outcome: SimulatedAttackOutcome, claim: string): ObservedVerdict {
  const observation = outcome.observations.find((o) => o.claim === claim);
  if (!observation) throw new Error(`no observation for ${claim}`);
  return observation.verdict;
}

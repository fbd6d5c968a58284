/**
 * The contract between a threat scenario (scenarios/threats/*.yaml) and the attack it runs.
 *
 * A threat scenario names an attack by `attack.kind`; the runner takes that kind's module from the
 * registry (attacks/simulated/index.ts), validates the rest of `attack` with the module's `params` schema, and calls `run` once per profile
 * the scenario has expectations for. `run` builds its own simulation from the seed (so a run is a pure
 * function of kind, params, profile and seed), plays the attack against the real core on simulated
 * hosts, and reports what it saw for each claim the scenario decides. The runner compares each
 * observed verdict with the expected one.
 *
 * A module's AttackModule is its default export, written with `defineAttack` so `run` gets the
 * params' parsed type:
 *
 *   export default defineAttack({ description: '…', params: z.strictObject({ … }), run({ profile, seed, params }) { … } });
 *
 * Each top-level file of attacks/simulated/ but types.ts and index.ts is one kind, registered in
 * index.ts under its file name; code that several attacks share lives in adversary/ or support/.
 */
import type { z } from 'zod';
import type { AsocProfile } from '../../src/core/profile.ts';

export type ObservedVerdict = 'HOLDS' | 'FAILS' | 'PARTIAL';

export interface SimulatedAttackContext<Params> {
  profile: AsocProfile;
  seed: number;
  params: Params;
}

/** One decisive packet or protocol event, as a reader would want to see it in the evidence. */
export interface TraceExcerptEntry {
  /** Virtual time, ms. */
  time: number;
  /** Where it happened: a link name ("attacker→server") or a host name. */
  where: string;
  /** "send", "deliver", "inject", "modify", "drop", or a protocol event name ("closed", "auth-failed" …). */
  what: string;
  /** A one-line description: TCP flags/seq/len and the ASoc frame it carries, or the event's fields. */
  detail: string;
}

export interface ClaimObservation {
  claim: string;
  verdict: ObservedVerdict;
  /** One or two sentences that a reader can check against counts, figures and the trace excerpt. */
  evidence: string;
}

export interface SimulatedAttackOutcome {
  observations: ClaimObservation[];
  /** Things counted during the run (connections accepted, frames forged and delivered, …). */
  counts: Record<string, number>;
  /** Measured and analytic figures (rates, probabilities, times) with the unit in the key name. */
  figures: Record<string, number>;
  /** The decisive packets and events, a few dozen at most. */
  trace: TraceExcerptEntry[];
  /** The simulation's trace hash (equal across two runs of a seed), or null for attacks that run no simulation. */
  traceHash: string | null;
}

export interface AttackModule<Schema extends z.ZodType = z.ZodType> {
  /** One line for `asoc-lab scenario list` and the verdict table. */
  description: string;
  /** Validates the scenario's `attack` mapping (without `kind`). */
  params: Schema;
  run(context: SimulatedAttackContext<z.output<Schema>>): SimulatedAttackOutcome;
}

/** Identity, for the types: `params`' output type flows into `run`'s context. */
export function defineAttack<Schema extends z.ZodType>(module: AttackModule<Schema>): AttackModule<Schema> {
  return module;
}

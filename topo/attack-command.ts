/**
 * A planned attack as the `asoc-lab attack` arguments every back-end runs on the attacker's host
 * (containers: docker exec; namespaces: ip netns exec), aimed at the target's address in the
 * topology, and the figure made from the JSON it writes.
 */
import { readFileSync } from 'node:fs';
import type { AttackFigure } from './figures.ts';
import type { ContainerPlan, PlannedAttack } from './plan.ts';

export const ATTACK_TIMEOUT_S = 30;

/** `attack NAME --target …` for `asoc-lab`, reading the victims' key from `keyFile` and writing its JSON to `outFile` (paths as the attacker's host sees them). */
export function attackArgs(plan: ContainerPlan, attack: PlannedAttack, keyFile: string, outFile: string): string[] {
  const hostPort = (name: string) => {
    const host = plan.hosts.find((h) => h.name === name)!;
    return `${host.address}:${host.node!.port}`;
  };
  // --replay-to replaces the target as where replays go: the target comes first, then the others.
  const replays = attack.replayTo.length > 0 ? [attack.target, ...attack.replayTo].flatMap((name) => ['--replay-to', hostPort(name)]) : [];
  return ['attack', attack.name, '--target', hostPort(attack.target), ...replays, '--allow-bench-net', '--victim-key-file', keyFile, '--profile', targetProfile(plan, attack), '--timeout', String(ATTACK_TIMEOUT_S), '--out', outFile];
}

/** The profile the attack's target speaks. */
export function targetProfile(plan: ContainerPlan, attack: PlannedAttack): string {
  return plan.hosts.find((h) => h.name === attack.target)!.node!.profile;
}

/** The figure from the JSON `asoc-lab attack` wrote to `file`. */
export function attackFigure(plan: ContainerPlan, attack: PlannedAttack, file: string): AttackFigure {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { outcome: string; summary: string };
  return { ...attack, profile: targetProfile(plan, attack), outcome: json.outcome, summary: json.summary };
}

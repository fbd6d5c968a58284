/** `ring: true` node entries: who dials whom (the scenario runner and the container plan both ask). */
import type { HostIndex } from './hosts.ts';
import type { Scenario } from './schema.ts';

/**
 * The peer each node of a `ring: true` entry dials: the next host of the entry, the last dials the
 * first. With two members each would dial the other; one connection is enough, so only the first dials.
 */
export function ringPeers(scenario: Pick<Scenario, 'nodes'>, index: Pick<HostIndex, 'resolve'>): Map<string, string> {
  const next = new Map<string, string>();
  for (const spec of scenario.nodes) {
    if (!spec.ring) continue;
    const members = index.resolve(spec.on);
    if (members.length === 2) next.set(members[0]!, members[1]!);
    else if (members.length > 2) members.forEach((name, i) => next.set(name, members[(i + 1) % members.length]!));
  }
  return next;
}

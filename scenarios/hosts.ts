/**
 * A scenario's hosts, with groups expanded: `{ name: peer, count: 3, address: 10.0.0.1 }` is the
 * hosts peer-1, peer-2, peer-3 at 10.0.0.1, 10.0.0.2, 10.0.0.3, and the name `peer` stands for all
 * three wherever a list of hosts is expected.
 */
import { formatAddress, parseAddress } from '../sim/address.ts';

/** The fields of a host entry that expansion needs; the rest travels along in `spec`. */
export interface HostEntry {
  name: string;
  address: string;
  count?: number | undefined;
}

export interface ExpandedHost<Spec extends HostEntry> {
  name: string;
  address: string;
  spec: Spec;
}

export interface HostProblem {
  /** Inside topology.hosts. */
  path: PropertyKey[];
  message: string;
}

export class HostIndex<Spec extends HostEntry = HostEntry> {
  constructor(
    readonly hosts: readonly ExpandedHost<Spec>[],
    private readonly groups: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** True for a host name or a group name. */
  has(ref: string): boolean {
    return this.groups.has(ref);
  }

  /** Host names for one reference or a list of them, in order, each once; unknown names give nothing. */
  resolve(refs: string | readonly string[]): string[] {
    const names = new Set<string>();
    for (const ref of typeof refs === 'string' ? [refs] : refs) for (const name of this.groups.get(ref) ?? []) names.add(name);
    return [...names];
  }
}

export function expandHosts<Spec extends HostEntry>(entries: readonly Spec[]): { index: HostIndex<Spec>; problems: HostProblem[] } {
  const hosts: ExpandedHost<Spec>[] = [];
  const groups = new Map<string, string[]>();
  const addresses = new Map<number, string>();
  const problems: HostProblem[] = [];
  entries.forEach((spec, i) => {
    if (groups.has(spec.name)) problems.push({ path: [i, 'name'], message: `host name "${spec.name}" is used twice` });
    const first = parseAddress(spec.address);
    const members: string[] = [];
    const count = spec.count ?? 1;
    for (let k = 0; k < count; k++) {
      const name = spec.count === undefined ? spec.name : `${spec.name}-${k + 1}`;
      const address = first + k;
      if (address > 0xffff_fffe) {
        problems.push({ path: [i, 'count'], message: `${count} addresses from ${spec.address} run past 255.255.255.254` });
        break;
      }
      const owner = addresses.get(address);
      if (owner !== undefined) {
        problems.push({ path: [i, 'address'], message: `address ${formatAddress(address)} of "${name}" is taken by "${owner}"` });
        break;
      }
      if (spec.count !== undefined && groups.has(name)) problems.push({ path: [i, 'name'], message: `host name "${name}" is used twice` });
      addresses.set(address, name);
      hosts.push({ name, address: formatAddress(address), spec });
      members.push(name);
      if (spec.count !== undefined) groups.set(name, [name]);
    }
    groups.set(spec.name, members);
  });
  return { index: new HostIndex(hosts, groups), problems };
}

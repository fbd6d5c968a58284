/**
 * The network-namespace layout of a topology plan (the lighter back-end: no containers, no images):
 * one namespace per host and one more that holds the bridge, every host's eth0 a veth whose other
 * end is a port of that bridge. The host's address sits on its eth0 (only 198.18.0.0/15, as the plan
 * checked), its egress rates are shaped with tc on that eth0. Every namespace name starts with
 * `asoclab-<topology>@`, so creating and removing them can never touch anything else, and every
 * `ip`/`tc` command here either adds such a namespace or runs inside one (`-n NAME`): the root
 * namespace's interfaces and routes are never touched.
 */
import type { ContainerPlan } from './plan.ts';
import { shapingCommands } from './shaping.ts';

/** What every namespace the lab makes is named with first. */
export const NETNS_PREFIX = 'asoclab-';
export const BRIDGE_DEVICE = 'br0';
export const HOST_DEVICE = 'eth0';

/** The prefix of all of one topology's namespaces (topology names have no "@", so no other topology's start the same). */
export function topologyPrefix(topology: string): string {
  return `${NETNS_PREFIX}${topology}@`;
}

/** Host names start with a letter or digit, so "_bridge" names no host's namespace. */
export function bridgeNamespace(topology: string): string {
  return `${topologyPrefix(topology)}_bridge`;
}

export function hostNamespace(topology: string, host: string): string {
  return `${topologyPrefix(topology)}${host}`;
}

/** The bridge's port for the i-th host (an interface name: at most 15 characters). */
function bridgePort(i: number): string {
  return `p${i}`;
}

/** The `ip` argument lists that build the topology's namespaces, bridge, veths and addresses, in order. */
export function setupCommands(plan: ContainerPlan): string[][] {
  const bridge = bridgeNamespace(plan.name);
  const commands = [
    ['netns', 'add', bridge],
    ['-n', bridge, 'link', 'add', BRIDGE_DEVICE, 'type', 'bridge'],
    ['-n', bridge, 'link', 'set', BRIDGE_DEVICE, 'up'],
  ];
  plan.hosts.forEach((host, i) => {
    const ns = hostNamespace(plan.name, host.name);
    commands.push(
      ['netns', 'add', ns],
      ['-n', ns, 'link', 'set', 'lo', 'up'],
      // Made in the bridge's namespace with its peer straight in the host's: it never passes through the root namespace.
      ['-n', bridge, 'link', 'add', bridgePort(i), 'type', 'veth', 'peer', 'name', HOST_DEVICE, 'netns', ns],
      ['-n', bridge, 'link', 'set', bridgePort(i), 'master', BRIDGE_DEVICE, 'up'],
      ['-n', ns, 'addr', 'add', `${host.address}/${plan.subnet.prefix}`, 'broadcast', plan.subnet.broadcast, 'dev', HOST_DEVICE],
      ['-n', ns, 'link', 'set', HOST_DEVICE, 'up'],
    );
  });
  return commands;
}

/** The `tc` argument lists that shape each host's egress on its eth0, inside its namespace. */
export function netnsShapingCommands(plan: ContainerPlan): string[][] {
  return plan.hosts.flatMap((host) => shapingCommands(host.egress, HOST_DEVICE).map((args) => ['-n', hostNamespace(plan.name, host.name), ...args]));
}

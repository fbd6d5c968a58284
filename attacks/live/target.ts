/**
 * Where an attack may go. Attacks are real traffic, so they go only to this machine's loopback
 * (127.0.0.0/8, ::1) or, with `allowNetns`, to an address configured inside a network namespace the
 * project made (its name starts with `asoc-lab-`), or, with `allowBenchNet`, to an address in
 * 198.18.0.0/15 (RFC 2544's benchmarking block, where the project's container topologies live) when
 * this machine itself has an address there. Anything else is refused before a socket opens.
 * A host name is resolved once, every address it resolves to must pass, and the attack then uses the
 * checked address (so a second lookup cannot point it elsewhere).
 */
import { lookup } from 'node:dns/promises';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseHostPort } from '../../src/net/node.ts';
import { systemRandom } from '../../src/net/system.ts';

export interface AttackTarget {
  host: string;
  port: number;
}

/** A target the attack tools refuse to touch; the message says why and what is allowed. */
export class TargetNotAllowedError extends Error {
  override readonly name = 'TargetNotAllowedError';
}

/** The prefix of network namespaces the project creates; only those may be attacked. */
export const PROJECT_NETNS_PREFIX = 'asoc-lab-';

export function isLoopback(address: string): boolean {
  if (net.isIPv4(address)) return address.split('.')[0] === '127';
  if (net.isIPv6(address)) {
    const lower = address.toLowerCase();
    if (lower.startsWith('::ffff:')) return isLoopback(lower.slice('::ffff:'.length));
    return lower === '::1' || lower === '0:0:0:0:0:0:0:1';
  }
  return false;
}

/** In 198.18.0.0/15, the block RFC 2544 sets aside for network benchmarks (the topologies' block). */
export function isBenchNetAddress(address: string): boolean {
  if (!net.isIPv4(address)) return false;
  const [a, b] = address.split('.').map(Number);
  return a === 198 && (b === 18 || b === 19);
}

/** True when one of this machine's own interfaces has an address in 198.18.0.0/15 (a host of a project topology). */
function onBenchNet(): boolean {
  return Object.values(networkInterfaces()).some((addresses) => (addresses ?? []).some((a) => isBenchNetAddress(a.address)));
}

export function formatTarget(target: AttackTarget): string {
  return net.isIPv6(target.host) ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** The addresses configured inside a project-made network namespace (needs `ip` from iproute2). */
function netnsAddresses(namespace: string): Set<string> {
  if (!namespace.startsWith(PROJECT_NETNS_PREFIX) || !/^[\w.-]+$/.test(namespace)) {
    throw new TargetNotAllowedError(`--allow-netns ${namespace}: only namespaces the project made (named ${PROJECT_NETNS_PREFIX}*) may be attacked`);
  }
  let text: string;
  try {
    text = execFileSync('ip', ['-n', namespace, '-j', 'addr', 'show'], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new TargetNotAllowedError(`--allow-netns ${namespace}: cannot list its addresses (${(err as Error).message.split('\n')[0]})`);
  }
  const links = JSON.parse(text) as { addr_info?: { local?: string }[] }[];
  return new Set(links.flatMap((link) => (link.addr_info ?? []).flatMap((a) => (a.local ? [a.local] : []))));
}

/**
 * Parses "host:port", resolves it, and checks every address against the rule above. Returns the
 * first checked address; throws TargetNotAllowedError (or a TypeError for a malformed argument).
 */
export async function resolveAttackTarget(text: string, options: { allowNetns?: string; allowBenchNet?: boolean } = {}): Promise<AttackTarget> {
  const { host, port } = parseHostPort(text);
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch (err) {
    throw new TargetNotAllowedError(`cannot resolve "${host}": ${(err as Error).message}`);
  }
  const inNamespace = options.allowNetns ? netnsAddresses(options.allowNetns) : new Set<string>();
  const benchNet = options.allowBenchNet === true && onBenchNet();
  const forbidden = addresses.filter((a) => !isLoopback(a) && !inNamespace.has(a) && !(benchNet && isBenchNetAddress(a)));
  if (addresses.length === 0 || forbidden.length > 0) {
    const where = [
      'loopback (127.0.0.0/8, ::1)',
      ...(options.allowNetns ? [`an address inside network namespace ${options.allowNetns}`] : []),
      ...(options.allowBenchNet ? [benchNet ? '198.18.0.0/15' : '198.18.0.0/15 from a host that has an address there (this one has none)'] : []),
    ].join(' or ');
    throw new TargetNotAllowedError(`refusing to attack ${text} (${forbidden.join(', ') || 'no address'}): attacks go only to ${where}`);
  }
  return { host: addresses[0]!, port };
}

/**
 * The source address an attack binds its sockets to. Lockouts are per address, so a run from the
 * address an earlier run got locked out would be refused at once and test nothing: by default each
 * run against an IPv4 loopback target comes from its own random 127.x.y.z (Linux routes all of
 * 127/8 to lo, so any of them can be bound without setup). Elsewhere, or for an IPv6 or namespace
 * target, the kernel picks the address (null). A given `source` must be loopback and of the
 * target's family.
 */
export function attackSource(target: AttackTarget, source?: string): string | null {
  if (source !== undefined) {
    if (!isLoopback(source)) throw new TargetNotAllowedError(`--source ${source}: the source address must be loopback (127.0.0.0/8, ::1)`);
    if (net.isIP(source) !== net.isIP(target.host)) throw new TargetNotAllowedError(`--source ${source}: the target ${formatTarget(target)} is of the other IP family`);
    return source;
  }
  return process.platform === 'linux' && net.isIPv4(target.host) && isLoopback(target.host) ? randomLoopbackAddress() : null;
}

/** 127.x.y.z with x ≥ 1 (clear of 127.0.0.1, every client's default source) and z neither 0 nor 255. */
export function randomLoopbackAddress(): string {
  const b = systemRandom.bytes(3);
  return `127.${1 + (b[0]! % 254)}.${b[1]!}.${1 + (b[2]! % 254)}`;
}

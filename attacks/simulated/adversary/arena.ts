/**
 * The stage of a DoS attack: one ASoc server (the real node, SimAsocNode, with the profile under
 * test) on a switch, a host for a legitimate client, and any number of attacker hosts (one address
 * each). Nothing runs until the scenario starts the server and schedules its attack.
 *
 *   server  10.0.0.1   SimAsocNode, port 9000
 *   client  10.0.0.2   legitimate client (no node: the scenario dials from it with a CoreClient)
 *   attacker-0 …       10.0.1.1, 10.0.1.2, …
 *
 * or, with `ipv6`, the same stage on IPv6, each role in its own /64 and every attacker address in
 * one (one machine's prefix, as a provider hands out):
 *
 *   server  2001:db8:0:1::1     client  2001:db8:0:2::1     attacker-0 …  2001:db8:0:bad::1, ::2, …
 */
import type { AsocProfile } from '../../../src/core/profile.ts';
import { CLUSTER_API_KEY, CLUSTER_COMMUNITY, fixedKey } from '../../../sim/asoc/cluster.ts';
import { SimAsocNode, type SimAsocNodeOptions } from '../../../sim/asoc/sim-node.ts';
import { formatAddress, parseAddress } from '../../../sim/address.ts';
import type { Channel } from '../../../sim/channel.ts';
import type { Host } from '../../../sim/host.ts';
import { Simulation } from '../../../sim/simulation.ts';
import type { SimRandom } from '../../../sim/random.ts';
import { CoreClient } from './core-client.ts';

export const ARENA_SERVER_ADDRESS = '10.0.0.1';
export const ARENA_CLIENT_ADDRESS = '10.0.0.2';
const FIRST_ATTACKER = parseAddress('10.0.1.1');
export const ARENA_IPV6 = { server: '2001:db8:0:1::1', client: '2001:db8:0:2::1', attackerPrefix: '2001:db8:0:bad::' } as const;
/** What a node or client without the key signs with: a well-formed key (32 random-looking bytes), just not the cluster's. */
export const WRONG_API_KEY = fixedKey('an intruder guessing the key');

export interface ArenaOptions {
  seed: number | string;
  profile: AsocProfile;
  /** Attacker hosts, each with its own address (default 1). */
  attackers?: number;
  /** Extra server settings (admission, limits, discovery …). */
  server?: Partial<Omit<SimAsocNodeOptions, 'sim' | 'host' | 'profile'>>;
  /** Record every packet and event in the trace (default false: hash only). */
  record?: boolean;
  /** Every host on IPv6, the attackers all in one /64 (default false: IPv4). */
  ipv6?: boolean;
}

export interface Arena {
  sim: Simulation;
  server: SimAsocNode;
  /** The server's and the legitimate client's addresses (IPv4 or IPv6, as the arena was built). */
  serverAddress: string;
  clientAddress: string;
  client: Host;
  attackers: Host[];
  port: number;
  /** The channel that carries what `host` sends into the switch (where an on-path attacker taps it). */
  uplinkOf(host: Host): Channel;
  /** A legitimate connection from the client host with the right key (fresh node id per call). */
  dialLegit(): CoreClient;
  /** A connection from `host` running the real client core, signed with `apiKey`. */
  dial(host: Host, apiKey: Uint8Array): CoreClient;
}

export function buildArena(options: ArenaOptions): Arena {
  const sim = new Simulation({ seed: options.seed, trace: { record: options.record ?? false } });
  const net = sim.addSwitch('switch');
  const ipv6 = options.ipv6 ?? false;
  const serverAddress = ipv6 ? ARENA_IPV6.server : ARENA_SERVER_ADDRESS;
  const clientAddress = ipv6 ? ARENA_IPV6.client : ARENA_CLIENT_ADDRESS;
  const attackerAddress = (i: number): string => (ipv6 ? `${ARENA_IPV6.attackerPrefix}${(i + 1).toString(16)}` : formatAddress(FIRST_ATTACKER + i));
  const serverHost = sim.addHost({ name: 'server', address: serverAddress });
  const client = sim.addHost({ name: 'client', address: clientAddress });
  const attackers = Array.from({ length: options.attackers ?? 1 }, (_, i) => sim.addHost({ name: `attacker-${i}`, address: attackerAddress(i) }));
  for (const host of [serverHost, client, ...attackers]) net.attach(host);
  const server = new SimAsocNode({
    community: CLUSTER_COMMUNITY,
    apiKey: CLUSTER_API_KEY,
    ...options.server,
    profile: options.profile,
    sim,
    host: serverHost,
  });
  const randoms = new Map<Host, SimRandom>();
  const randomOf = (host: Host): SimRandom => {
    let random = randoms.get(host);
    if (!random) randoms.set(host, (random = sim.random.stream(`arena-client:${host.name}`)));
    return random;
  };
  const dial = (host: Host, apiKey: Uint8Array): CoreClient => {
    const random = randomOf(host);
    return new CoreClient({ host, address: serverAddress, port: server.port, profile: options.profile, apiKey, nodeId: random.bytes(16), random });
  };
  return { sim, server, serverAddress, clientAddress, client, attackers, port: server.port, uplinkOf: (host) => net.port(host).uplink, dial, dialLegit: () => dial(client, CLUSTER_API_KEY) };
}

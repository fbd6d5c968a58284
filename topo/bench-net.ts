/**
 * The only addresses the container back-end uses and sends traffic to: 198.18.0.0/15, the block
 * RFC 2544 sets aside for network benchmarks (never routed on the internet). Topology files place
 * their hosts there, and every tool of this folder that opens a connection checks its target here
 * first.
 */
import { formatAddress, parseAddress } from '../sim/address.ts';
import { isBenchNetAddress } from '../attacks/live/target.ts';

export const BENCH_NET = { network: '198.18.0.0', prefix: 15 } as const;

/** An address outside 198.18.0.0/15 where one inside was required; the message names both. */
export class BenchNetError extends Error {
  override readonly name = 'BenchNetError';
}

export const isBenchAddress = isBenchNetAddress;

/** Throws a BenchNetError unless `address` is in 198.18.0.0/15; `what` says whose address it is. */
export function assertBenchAddress(address: string, what: string): string {
  if (!isBenchAddress(address)) throw new BenchNetError(`${what} ${address} is outside ${BENCH_NET.network}/${BENCH_NET.prefix}: topologies use only that block, and traffic goes nowhere else`);
  return address;
}

export interface Subnet {
  network: string;
  prefix: number;
  /** The bridge's own address on it (the network's first address). */
  gateway: string;
  broadcast: string;
}

/** The smallest subnet of at least a /24 that holds every one of `addresses` (all inside the bench block). */
export function coveringSubnet(addresses: readonly string[]): Subnet {
  const values = addresses.map((a) => parseAddress(a));
  const low = Math.min(...values);
  const high = Math.max(...values);
  let prefix = 24;
  while (prefix > BENCH_NET.prefix && Math.floor(low / 2 ** (32 - prefix)) !== Math.floor(high / 2 ** (32 - prefix))) prefix--;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(low / size) * size;
  return { network: formatAddress(first), prefix, gateway: formatAddress(first + 1), broadcast: formatAddress(first + size - 1) };
}

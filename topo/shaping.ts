/**
 * A host's egress rates as traffic-control commands for its container's eth0, run inside the
 * container's network namespace (nsenter -t PID -n) and never on the host's own interfaces. One
 * rate for everything: a tbf qdisc. Rates per destination: an htb qdisc, one class per destination
 * address (u32 filter on the destination) and a default class for the rest.
 */
import type { EgressRate } from './plan.ts';

/** Shaping is bursty up to this much; it must hold a whole 64 KiB GSO segment, or tbf drops it. */
const MIN_BURST_BYTES = 256 * 1024;
/** Burst: what the rate sends in 4 ms (a few timer ticks), at least MIN_BURST_BYTES. */
const BURST_MS = 4;
/** An htb class with no rate of its own (destinations the topology does not limit). */
const UNLIMITED_BPS = 100e9;

export const SHAPED_INTERFACE = 'eth0';

function burstBytes(rateBps: number): number {
  return Math.max(MIN_BURST_BYTES, Math.ceil(((rateBps / 8) * BURST_MS) / 1000));
}

function bit(rateBps: number): string {
  return `${Math.round(rateBps)}bit`;
}

/** The `tc` argument lists that shape one host's egress (none when it has no rate). */
export function shapingCommands(rates: readonly EgressRate[], device = SHAPED_INTERFACE): string[][] {
  if (rates.length === 0) return [];
  const perDestination = rates.filter((r) => r.to !== 'default');
  const fallback = rates.find((r) => r.to === 'default');
  if (perDestination.length === 0 && fallback) {
    return [['qdisc', 'replace', 'dev', device, 'root', 'tbf', 'rate', bit(fallback.rateBps), 'burst', String(burstBytes(fallback.rateBps)), 'latency', '50ms']];
  }
  const defaultRate = fallback?.rateBps ?? UNLIMITED_BPS;
  const commands = [
    ['qdisc', 'replace', 'dev', device, 'root', 'handle', '1:', 'htb', 'default', '1'],
    ['class', 'add', 'dev', device, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', bit(defaultRate), 'burst', String(burstBytes(defaultRate))],
  ];
  perDestination.forEach((rate, i) => {
    const classId = `1:${(i + 16).toString(16)}`;
    commands.push(['class', 'add', 'dev', device, 'parent', '1:', 'classid', classId, 'htb', 'rate', bit(rate.rateBps), 'burst', String(burstBytes(rate.rateBps))]);
    commands.push(['filter', 'add', 'dev', device, 'parent', '1:', 'protocol', 'ip', 'u32', 'match', 'ip', 'dst', `${rate.to}/32`, 'flowid', classId]);
  });
  return commands;
}

/** "2 Gbit/s to anyone", "10 Gbit/s to 198.18.2.3" */
export function describeRates(rates: readonly EgressRate[]): string {
  if (rates.length === 0) return 'unshaped';
  return rates.map((r) => `${r.rateBps / 1e9} Gbit/s to ${r.to === 'default' ? 'anyone' : r.to}`).join(', ');
}

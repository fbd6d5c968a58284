/**
 * Addresses: IPv4 as dotted quads outside and unsigned 32-bit integers inside (cheap to compare and
 * key); IPv6 through a simulation's AddressBook, which gives each IPv6 host a 32-bit stand-in.
 */

export const BROADCAST_ADDRESS = 0xffff_ffff;

export function parseAddress(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new RangeError(`not an IPv4 address: ${text}`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) throw new RangeError(`not an IPv4 address: ${text}`);
    value = value * 256 + Number(part);
  }
  return value;
}

/** Addresses already formatted: every datagram a host receives names its sender's, so build each text once. */
const formatted = new Map<number, string>();
const MAX_FORMATTED = 65_536;

export function formatAddress(value: number): string {
  let text = formatted.get(value);
  if (text === undefined) {
    text = `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
    if (formatted.size >= MAX_FORMATTED) formatted.clear();
    formatted.set(value, text);
  }
  return text;
}

/** An IPv6 address in RFC 5952's canonical text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function canonicalIpv6(text: string): string {
  const groups = ipv6Groups(text);
  let runStart = -1;
  let runLength = 1;
  for (let i = 0; i < 8; ) {
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > runLength) [runStart, runLength] = [i, end - i];
    i = Math.max(end, i + 1);
  }
  const hex = groups.map((g) => g.toString(16));
  return runStart < 0 ? hex.join(':') : `${hex.slice(0, runStart).join(':')}::${hex.slice(runStart + runLength).join(':')}`;
}

/** The eight 16-bit groups of an IPv6 address written in hex groups, with at most one `::` (no zone, no embedded IPv4). */
function ipv6Groups(text: string): number[] {
  const invalid = (): RangeError => new RangeError(`not an IPv6 address: ${text}`);
  const halves = text.split('::');
  if (halves.length > 2) throw invalid();
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').map((group) => {
          if (!/^[0-9a-f]{1,4}$/i.test(group)) throw invalid();
          return parseInt(group, 16);
        });
  const left = parse(halves[0]!);
  if (halves.length === 1) {
    if (left.length !== 8) throw invalid();
    return left;
  }
  const right = parse(halves[1]!);
  if (left.length + right.length > 7) throw invalid();
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** 240.0.0.0/4, reserved and never a host's IPv4 address: the stand-ins of IPv6 hosts (the broadcast address aside). */
const FIRST_STAND_IN = 0xf000_0000;
const STAND_INS = BROADCAST_ADDRESS - FIRST_STAND_IN;

/**
 * The addresses of one simulation. An IPv4 address is its own value. An IPv6 address a host is given
 * stands, inside the simulator, for a value of 240.0.0.0/4, handed out in the order hosts are added,
 * so packets, routes and the trace keep their 32-bit fields and a seed still gives one trace; sockets
 * see and dial the IPv6 text. What is not modelled: IPv6's larger header (a packet's overhead stays
 * IPv4's), and families: any host reaches any other it shares a link or switch with.
 */
export class AddressBook {
  private readonly ipv6Values = new Map<string, number>();
  private readonly ipv6Texts: string[] = [];

  /** A host's address as its value; an IPv6 address seen for the first time gets the next stand-in. */
  register(text: string): number {
    if (!text.includes(':')) {
      const value = parseAddress(text);
      if (value >= FIRST_STAND_IN) throw new RangeError(`${text} is in 240.0.0.0/4, which the simulator keeps for IPv6 hosts`);
      return value;
    }
    const canonical = canonicalIpv6(text);
    let value = this.ipv6Values.get(canonical);
    if (value === undefined) {
      if (this.ipv6Texts.length >= STAND_INS) throw new RangeError(`more than ${STAND_INS} IPv6 hosts in one simulation`);
      value = FIRST_STAND_IN + this.ipv6Texts.push(canonical) - 1;
      this.ipv6Values.set(canonical, value);
    }
    return value;
  }

  /** The value of an address to send to: IPv4 as it is, IPv6 only when a host of this simulation has it. */
  resolve(address: string | number): number {
    if (typeof address === 'number') return address >>> 0;
    if (!address.includes(':')) return parseAddress(address);
    const value = this.ipv6Values.get(canonicalIpv6(address));
    if (value === undefined) throw new RangeError(`no simulated host has the IPv6 address ${address}`);
    return value;
  }

  /** The text of an address value: an IPv6 host's address for its stand-in, a dotted quad otherwise. */
  textOf(value: number): string {
    return (value >= FIRST_STAND_IN && this.ipv6Texts[value - FIRST_STAND_IN]) || formatAddress(value);
  }
}

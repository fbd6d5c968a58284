/**
 * Quantities with units, one reading everywhere: scenario files, command-line flags, printed figures.
 * In scenario files the unit is in the field name (`…Bytes`, `…Bps`, `…Ms`); sizes and rates may also
 * be given as strings that carry their own unit, as flags always are:
 *
 *   sizes (bytes):          1048576 · "1MiB" · "64KiB" · "1GiB" · "1.5MB" · "512B" · "512"
 *                           KiB/MiB/GiB/TiB are powers of 1024 (IEC); kB/MB/GB/TB powers of 1000 (SI).
 *                           A bare prefix ("64k", "1G") is not a size: it could mean either.
 *   rates (bits per second): 1e10 · "10Gbps" · "100Mbps" · "2.5Gbit/s" · "9600bps"
 *                           k/M/G/T are powers of 1000, as network rates always are.
 *
 * Times are plain numbers of milliseconds; probabilities are plain numbers in [0, 1].
 */

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/** For error messages: which size units there are. */
export const SIZE_UNITS_HINT = 'sizes take B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)';

const RATE_PREFIXES: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/** "1GiB" → 1073741824, "1.5MB" → 1500000, "512" → 512; NaN when the text is not a size (or not a whole number of bytes). */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = match ? (match[2] === '' ? 1 : SIZE_UNITS[match[2]!.toLowerCase()]) : undefined;
  if (!match || factor === undefined) return NaN;
  const bytes = Number(match[1]) * factor;
  return Number.isSafeInteger(bytes) ? bytes : NaN;
}

/** "10Gbps" → 1e10; NaN when the text is not a rate. */
export function parseBitRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:bps|bit\/s)$/i.exec(text.trim());
  if (!match) return NaN;
  return Number(match[1]) * RATE_PREFIXES[match[2]!.toLowerCase()]!;
}

/** A byte count for people: B, KiB, MiB, GiB, TiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(2)} ${units[i]}`;
}

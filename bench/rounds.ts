/**
 * Benches that decide claims run in rounds: every protocol once per round, interleaved, so drift on
 * the machine (another process waking, the CPU's clock) lands on all of them, and a ratio of two
 * protocols pairs runs seconds apart. The order rotates round by round, so no protocol always runs
 * first (or right after the same neighbour).
 */

/** The indices 0…count−1 starting at `shift` (mod count): the protocols' order in a round. */
export function rotated(count: number, shift: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + shift) % count);
}

/**
 * A node's connection closes by reason, as the evidence states them: "2 integrity-failed, 1 normal",
 * or "none". With `since` (an earlier copy of the same counters), only the closes after it.
 */
export type CloseCounts = Partial<Record<string, number>>;

export function closeReasonsText(closed: CloseCounts, since: CloseCounts = {}): string {
  return (
    Object.entries(closed)
      .map(([reason, n]) => [reason, (n ?? 0) - (since[reason] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ') || 'none'
  );
}

/** How many closes the counters hold (after `since`, when given). */
export function closeCount(closed: CloseCounts, since: CloseCounts = {}): number {
  return Object.entries(closed).reduce((sum, [reason, n]) => sum + (n ?? 0) - (since[reason] ?? 0), 0);
}

/**
 * Expected number of messages until the first legitimate one is rejected, when every message carries
 * a uniformly random challenge from a space of `space` values and the receiver rejects a challenge
 * it still remembers. Three memories:
 * - unbounded: remembers everything — the birthday bound, sqrt(π·N/2) + 2/3;
 * - clear-at `limit`: remembers until it holds more than `limit`, then forgets everything (the
 *   reference), so each cycle of limit + 1 messages is a small birthday problem of its own;
 * - window: remembers each challenge for a fixed time, so at a steady rate it holds the last `live`
 *   challenges (at most `capacity`; a full cache rejects the next message outright).
 *
 * All three are E[K] = Σ_{i≥0} P(K > i), where message i (0-based) finds `held(i)` challenges
 * remembered and collides with probability held(i)/N.
 */

export function unboundedExpectation(space: number): number {
  return Math.sqrt((Math.PI / 2) * space) + 2 / 3;
}

export function clearAtExpectation(space: number, limit: number): number {
  // One cycle: messages with k = 0 … limit challenges held before them; the next one starts empty.
  let survive = 1;
  let collideAtWeighted = 0; // Σ (k+1) · P(first collision is the (k+1)-th message of the cycle)
  for (let k = 0; k <= limit; k++) {
    const p = k / space;
    collideAtWeighted += (k + 1) * survive * p;
    survive *= 1 - p;
  }
  const cycle = limit + 1;
  return (cycle * survive) / (1 - survive) + collideAtWeighted / (1 - survive);
}

/** `live`: challenges remembered at a steady rate (rate × window); the cache holds at most `capacity`. */
export function windowExpectation(space: number, live: number, capacity: number): number {
  let expected = 0;
  let survive = 1;
  const held = Math.min(live, capacity);
  for (let i = 0; i < held; i++) {
    expected += survive;
    survive *= 1 - i / space;
  }
  // From here on the cache holds `held` challenges. If the steady state would need more than the
  // capacity, the cache fills and the next message is refused as "full": K = capacity + 1 at most.
  if (live > capacity) return expected + survive;
  return expected + (survive * space) / held;
}

/**
 * P(no legitimate message among the first `messages` is rejected), for a memory that holds
 * `held(i)` challenges when message i (0-based) arrives; a held count of Infinity means the message
 * is refused outright (a full cache).
 */
export function survivalProbability(space: number, messages: number, held: (i: number) => number): number {
  let logSurvive = 0;
  for (let i = 0; i < messages; i++) {
    const h = held(i);
    if (h === Infinity) return 0;
    logSurvive += Math.log1p(-h / space);
  }
  return Math.exp(logSurvive);
}

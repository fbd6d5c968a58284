/**
 * Records the largest `new Uint8Array(length)` made while `run` executes, by anyone (the reader's
 * assembly buffer is one). The global constructor is wrapped in a Proxy, so arrays made meanwhile
 * are ordinary Uint8Arrays.
 */
export function largestAllocation(run: () => void): number {
  const original = globalThis.Uint8Array;
  let largest = 0;
  globalThis.Uint8Array = new Proxy(original, {
    construct(target, args, newTarget) {
      if (typeof args[0] === 'number') largest = Math.max(largest, args[0]);
      return Reflect.construct(target, args, newTarget) as object;
    },
  });
  try {
    run();
  } finally {
    globalThis.Uint8Array = original;
  }
  return largest;
}

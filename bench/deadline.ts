/** A time limit on a promise, for benchmark steps that must not hang. */

export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * Resolves or rejects as `work` does, unless `ms` pass first: then `onExpire` runs (to kill what
 * `work` waits on) and the result is a DeadlineError with `message`. A later rejection of `work`
 * is swallowed, since nobody waits for it any more.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, message: string, onExpire: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onExpire();
      reject(new DeadlineError(message));
    }, ms);
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Results of pure measurements that do not depend on the profile (or depend only on part of it),
 * kept for the life of the process: a scenario runs its attack once per profile, and the statistical
 * attacks would otherwise repeat seconds of identical work. The key must name every input.
 */
const results = new Map<string, unknown>();

export function once<T>(key: string, compute: () => T): T {
  if (!results.has(key)) results.set(key, compute());
  return results.get(key) as T;
}

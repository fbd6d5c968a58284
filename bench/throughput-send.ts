/** The sending end of a throughput run, in either process: a send plan carried out over sessions. */
import type { TransferSender } from '../src/baselines/types.ts';
import type { ChunkPattern } from './throughput-data.ts';
import type { SendPlan } from './throughput-ipc.ts';

/**
 * Sends one transfer on every session at once: `totalBytes` split evenly across them, or chunks
 * until `durationMs` has passed. `sent.bytes` counts what was handed over (progress only).
 * Resolves with the bytes each session sent.
 */
export async function sendTransfers(sessions: readonly TransferSender[], pattern: ChunkPattern, plan: SendPlan, sent = { bytes: 0 }): Promise<number[]> {
  const deadline = plan.durationMs === null ? null : performance.now() + plan.durationMs;
  const stop = deadline === null ? undefined : () => performance.now() >= deadline;
  const total = plan.totalBytes;
  const share = (i: number) => (total === null ? Infinity : Math.floor(total / sessions.length) + (i < total % sessions.length ? 1 : 0));
  return Promise.all(
    sessions.map(async (session, i) => {
      let bytes = 0;
      function* counted(): Generator<Uint8Array> {
        for (const chunk of pattern.chunks(share(i), stop)) {
          bytes += chunk.length;
          sent.bytes += chunk.length;
          yield chunk;
        }
      }
      await session.send(counted());
      return bytes;
    }),
  );
}

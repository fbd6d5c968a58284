/**
 * What the throughput senders send: views into one random pattern buffer filled once, so making a
 * chunk costs nothing during the timed region and the buffer is never written after it is filled.
 * Both processes hold the same pattern (the parent makes it and hands it to the server child), so
 * either can send, and the expected SHA-256 of a transfer of any length can be computed afterwards:
 * that is what lets a run be timed by duration and still have every byte checked.
 *
 * The pattern is `chunkSize + 255` bytes and chunk i starts at offset i mod 256: every 256
 * consecutive chunks differ, so a receiver's SHA-256 also catches chunks dropped, duplicated or
 * reordered, which identical chunks would hide.
 */
import { createHash, randomBytes } from 'node:crypto';

const SHIFTS = 256;

export class ChunkPattern {
  readonly pattern: Uint8Array;
  private readonly hashes = new Map<number, string>();

  constructor(
    readonly chunkSize: number,
    pattern?: Uint8Array,
  ) {
    this.pattern = pattern ?? new Uint8Array(randomBytes(chunkSize + SHIFTS - 1));
    if (this.pattern.length !== chunkSize + SHIFTS - 1) throw new RangeError(`a pattern for ${chunkSize}-byte chunks has ${chunkSize + SHIFTS - 1} bytes, not ${this.pattern.length}`);
  }

  /**
   * A transfer of `totalBytes` (Infinity: no limit), chunk by chunk, the last one shorter when
   * chunkSize does not divide it; `stop` is asked before each chunk and ends the transfer early.
   */
  *chunks(totalBytes: number, stop?: () => boolean): Generator<Uint8Array> {
    for (let i = 0, sent = 0; sent < totalBytes; i++) {
      if (stop?.()) return;
      const offset = i % SHIFTS;
      const length = Math.min(this.chunkSize, totalBytes - sent);
      sent += length;
      yield this.pattern.subarray(offset, offset + length);
    }
  }

  /** SHA-256 (hex) of a transfer of `totalBytes`: what its receiver must have computed. Call it outside the timed region. */
  sha256(totalBytes: number): string {
    let hex = this.hashes.get(totalBytes);
    if (hex === undefined) {
      const hash = createHash('sha256');
      for (const chunk of this.chunks(totalBytes)) hash.update(chunk);
      hex = hash.digest('hex');
      this.hashes.set(totalBytes, hex);
    }
    return hex;
  }
}
